"""The administrators' results: statistics with charts, and the Excel/CSV export, in their own DM.

Answers leave the database unmasked here (administrators are entitled to them), so both are for
administrators only, go to the requesting administrator's DM and nowhere else, and every export is
recorded (who, when, which filter, how many rows).
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

import storage
from bot import texts
from bot.clock import Clock
from bot.conversation import Actor
from bot.flow_catalog import FlowCatalog
from bot.rendering.elements import escape, notice
from bot.rendering.results import statistics_messages
from bot.replies import Replies
from bot.results.charts import choice_chart
from bot.results.export import write_export
from bot.results.periods import Period, parse_period
from bot.results.summary_sheet import summary_rows
from bot.settings import Settings
from flows.model import Flow
from flows.statistics import compute_statistics

log = logging.getLogger(__name__)

_DEPARTMENT_WORD = "所属"
AUDIT_LIST_CHARACTERS = 2_600
_PERIOD_WORD = "期間"
_WITH_WITHDRAWN_WORDS = frozenset({"取下げ含む", "取下げを含む", "取り下げ含む", "with-withdrawn"})


@dataclass(frozen=True)
class Filters:
    period: Period | None
    department: str | None
    include_withdrawn: bool = False

    def period_label(self) -> str:
        return self.period.label if self.period else texts.PERIOD_ALL


def parse_filters(text: str, today: datetime) -> Filters:
    """`[期間] TEXT [所属 KEYWORD]` after the subcommand; ValueError in Japanese."""
    words = unicodedata.normalize("NFKC", text or "").split()[1:]
    period: Period | None = None
    department: str | None = None
    include_withdrawn = False
    index = 0
    while index < len(words):
        word = words[index]
        if word in _WITH_WITHDRAWN_WORDS:
            include_withdrawn, index = True, index + 1
        elif word == _DEPARTMENT_WORD and index + 1 < len(words):
            department, index = words[index + 1], index + 2
        elif word == _PERIOD_WORD and index + 1 < len(words):
            period, index = parse_period(words[index + 1], today.date()), index + 2
        elif word in (_DEPARTMENT_WORD, _PERIOD_WORD):
            raise ValueError(texts.RESULTS_USAGE)
        else:
            period, index = parse_period(word, today.date()), index + 1
    return Filters(period, department, include_withdrawn)


class ResultsDesk:
    def __init__(self, *, engine: Engine, settings: Settings, catalog: FlowCatalog, clock: Clock) -> None:
        self.engine = engine
        self.settings = settings
        self.catalog = catalog
        self.clock = clock

    def statistics(self, actor: Actor, text: str) -> Replies:
        """/survey 集計: the counts, cross-tabs and charts of a period, in the administrator's DM."""
        out = Replies(actor.user_id)
        filters = self._filters(actor, text, out)
        if filters is None:
            return out
        flow = self.catalog.current
        stats = compute_statistics(
            flow,
            (
                (submission.answers, self.clock.local(submission.submitted_at).date())
                for submission in self._submissions(flow, filters)
            ),
        )
        self._audit(
            actor,
            storage.AuditAction.STATISTICS,
            texts.audit_stats_detail(filters.period_label(), filters.department, stats.submissions),
        )
        if not stats.submissions:
            note = self._withdrawn_note(flow, filters)
            out.say(notice(escape("\n".join(line for line in (texts.RESULTS_NONE, note) if line))))
            return out
        for message in statistics_messages(
            flow.title,
            stats,
            period=filters.period_label(),
            department=filters.department,
            note=self._withdrawn_note(flow, filters),
        ):
            out.say(message)
        for item in flow.items:
            tables = [table for table in stats.choices if flow.item_of.get(table.question_id) == item]
            if tables:
                chart = choice_chart(item.title, tables)
                out.upload(f"{item.id}.png", chart, item.title)
        return out

    def export(self, actor: Actor, text: str, fmt: str = "xlsx") -> Replies:
        """/survey export: every answer of a period as an Excel file (or CSV), in the administrator's DM."""
        out = Replies(actor.user_id)
        filters = self._filters(actor, text, out)
        if filters is None:
            return out
        flow = self.catalog.current
        stats = compute_statistics(  # the 集計 sheet: the same counts as /survey 集計
            flow,
            (
                (submission.answers, self.clock.local(submission.submitted_at).date())
                for submission in self._submissions(flow, filters)
            ),
        )
        buffer = io.BytesIO()
        rows = write_export(
            self.engine,
            flows=self.catalog.for_version,
            current=self.catalog.current,
            period=filters.period,
            department=filters.department,
            timezone=self.settings.timezone,
            fmt="csv" if fmt == "csv" else "xlsx",
            out=buffer,
            summary_rows=summary_rows(stats),
            include_withdrawn=filters.include_withdrawn,
        )
        filter_text = texts.export_filter(filters.period_label(), filters.department)

        def record() -> None:  # once Slack has the file: a refused upload is no export
            storage.record_export(
                self.engine,
                actor=actor.user_id,
                source=storage.ExportSource.SLACK,
                filter_text=filter_text,
                fmt=fmt,
                rows=rows,
                at=self.clock.now(),
                audit_detail=texts.audit_export_detail(filter_text, fmt, rows),
            )

        log.info("export of %s rows for an administrator", rows)
        name = f"kikitori-{self.clock.today():%Y%m%d}.{'csv' if fmt == 'csv' else 'xlsx'}"
        note = self._withdrawn_note(flow, filters)
        comment = "\n".join(
            line
            for line in (
                texts.exported(rows, filters.period_label(), filters.department),
                note,
                texts.EXPORT_COMMENT,
            )
            if line
        )
        out.upload(name, buffer.getvalue(), name, comment, then=record)
        return out

    def export_log(self, actor: Actor, limit: int = 30) -> Replies:
        """/survey エクスポート履歴: who exported what, when, from where, how many rows (newest first)."""
        out = Replies(actor.user_id)
        if not self.settings.is_admin(actor.user_id):
            out.say(notice(texts.RESULTS_ADMINS_ONLY))
            return out
        records = storage.list_exports(self.engine, limit=limit)
        lines = [
            texts.export_log_line(
                escape(record.actor),
                self.clock.local(record.at),
                record.source,
                escape(record.filter_text),
                record.rows,
            )
            for record in records
        ]
        out.say(notice(texts.export_log(lines)))
        return out

    def audit(self, actor: Actor, text: str) -> Replies:
        """/survey 監査 [期間]: who opened, exported or counted which answers (newest first), as a
        list in the DM and as a CSV file of the same records."""
        out = Replies(actor.user_id)
        filters = self._filters(actor, text, out)
        if filters is None:
            return out
        start, end = self._bounds(filters.period)
        records = storage.list_audit(self.engine, start=start, end=end, limit=None)  # the CSV has them all
        rows = [
            (
                self.clock.local(record.at),
                record.actor,
                record.source,
                record.action,
                record.receipts,
                record.detail,
            )
            for record in records
        ]
        lines: list[str] = []
        budget = AUDIT_LIST_CHARACTERS  # whole lines only, inside a section's 3,000 characters
        for at, who, where, what, receipts, detail in rows:
            line = texts.audit_line(at, escape(who), where, what, escape(receipts), escape(detail))
            if len(line) + 1 > budget:
                break
            lines.append(line)
            budget -= len(line) + 1
        out.say(notice(texts.audit_heading(filters.period_label(), len(rows), lines)))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(texts.AUDIT_COLUMNS)
        for at, who, where, what, receipts, detail in rows:
            writer.writerow([at.isoformat(), who, where, what, receipts, detail])
        name = f"kikitori-audit-{self.clock.today():%Y%m%d}.csv"
        out.upload(name, buffer.getvalue().encode("utf-8-sig"), name)
        return out

    def _audit(self, actor: Actor, action: storage.AuditAction, detail: str) -> None:
        storage.record_audit(
            self.engine,
            at=self.clock.now(),
            actor=actor.user_id,
            source=storage.ExportSource.SLACK,
            action=action,
            detail=detail,
        )

    # --- internals ------------------------------------------------------------------------------

    def _filters(self, actor: Actor, text: str, out: Replies) -> Filters | None:
        if not self.settings.is_admin(actor.user_id):
            log.warning("refused results to a non-administrator")
            out.say(notice(texts.RESULTS_ADMINS_ONLY))
            return None
        try:
            return parse_filters(text, self.clock.local(self.clock.now()))
        except ValueError as problem:
            out.say(notice(escape(str(problem))))
            return None

    def _submissions(self, flow: Flow, filters: Filters) -> Iterator[storage.Submission]:
        start, end = self._bounds(filters.period)
        org = next((q.id for q in flow.questions if q.type == "org"), None)
        return storage.iter_submissions(
            self.engine,
            start=start,
            end=end,
            department=filters.department,
            org_question=org,
            flow_id=flow.id,
            include_withdrawn=filters.include_withdrawn,
        )

    def _withdrawn_note(self, flow: Flow, filters: Filters) -> str:
        if filters.include_withdrawn:
            return texts.WITHDRAWN_INCLUDED
        start, end = self._bounds(filters.period)
        org = next((q.id for q in flow.questions if q.type == "org"), None)
        return texts.withdrawn_left_out(
            storage.count_withdrawn(
                self.engine,
                start=start,
                end=end,
                department=filters.department,
                org_question=org,
                flow_id=flow.id,
            )
        )

    def _bounds(self, period: Period | None) -> tuple[datetime | None, datetime | None]:
        return period.bounds(self.settings.timezone) if period else (None, None)
