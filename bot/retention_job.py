"""The daily purge: answers past their retention period are erased, once a day, by one process.

Every process runs the check with its sweep; the first to claim the day in the database
(storage.claim_daily) purges, the others find it taken. The admin channel's posts of the erased
submissions are deleted through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine

import storage
from bot.clock import Clock

log = logging.getLogger(__name__)


class RetentionJob:
    def __init__(
        self,
        *,
        engine: Engine,
        periods: storage.RetentionPeriods,
        clock: Clock,
        worker_id: str,
        nudge_outbox: Callable[[], None],
    ) -> None:
        self._engine = engine
        self._periods = periods
        self._clock = clock
        self._worker_id = worker_id
        self._nudge_outbox = nudge_outbox

    def run_if_due(self) -> storage.PurgePlan | None:
        """Purge if no process has today; what was erased (None: another process has the day)."""
        now = self._clock.now()
        if not storage.claim_daily(
            self._engine, storage.PURGE_JOB, self._clock.today(), worker=self._worker_id, now=now
        ):
            return None
        erased = storage.purge(self._engine, self._periods, now=now, timezone=self._clock.timezone)
        if not erased.empty:
            log.info(
                "retention: erased %s submissions, %s drafts, %s audit and %s export records",
                len(erased.receipts),
                erased.drafts,
                erased.audit_records,
                erased.export_records,
            )
            self._nudge_outbox()
        return erased
