"""The migrations build exactly the schema of the models, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect
from sqlalchemy.exc import IntegrityError, StatementError

from storage import (
    OutboxMessage,
    list_audit,
    list_exports,
    record_audit,
    record_export,
    session_scope,
    upgrade,
)
from storage.db import ALEMBIC_INI
from storage.models import metadata

# alembic's diff entries: a tuple per change, or a list of tuples for the changes of one column.
Difference = tuple[Any, ...] | list[tuple[Any, ...]]


def _differences(engine: Engine, target: MetaData) -> list[Difference]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, target))


def test_migrations_create_every_table_of_the_models(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert set(metadata.tables) == {
        "flow_version",
        "draft",
        "submission",
        "receipt_counter",
        "outbox_message",
        "department",
        "received_event",
        "invitation",
        "export_record",
        "audit_record",
        "submission_event",
        "admin_message",
        "job_run",
        "dm_channel",
    }


def test_migrations_match_the_models(engine: Engine) -> None:
    assert _differences(engine, metadata) == []


def test_the_comparison_notices_a_difference(engine: Engine) -> None:
    # Guards the test above against comparing nothing: a model change must show up.
    changed = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    Table("department", changed, Column("rank", Integer), extend_existing=True)
    assert [diff[0] for diff in _differences(engine, changed)] == ["add_column"]


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    head = ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_current_head()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [head]


def test_in_progress_uniqueness_is_a_partial_index(engine: Engine) -> None:
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("draft")}
    index = indexes["uq_draft_in_progress"]
    assert index["unique"]
    assert index["column_names"] == ["team_id", "user_id", "flow_id"]
    where = index.get("dialect_options", {})
    assert "in_progress" in str(where.get("sqlite_where", where.get("postgresql_where")))


def test_datetimes_come_back_aware_in_utc(engine: Engine) -> None:
    tokyo_time = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=9)))
    with session_scope(engine) as session:
        message = OutboxMessage(
            kind="k", payload={}, dedupe_key="d", next_attempt_at=tokyo_time, created_at=tokyo_time
        )
        session.add(message)
        session.flush()
        message_id = message.id
    with session_scope(engine) as session:
        stored = session.get(OutboxMessage, message_id)
        assert stored is not None
        assert stored.created_at == tokyo_time
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.created_at == datetime(2026, 12, 31, 15, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="timezone"), session_scope(engine) as session:
        naive = datetime(2026, 5, 1, 9, 0)
        session.add(
            OutboxMessage(kind="k", payload={}, dedupe_key="d", next_attempt_at=naive, created_at=naive)
        )
        session.flush()


def test_the_audit_trail_takes_the_actions_and_sources_after_submission(engine: Engine) -> None:
    at = datetime(2026, 5, 11, tzinfo=UTC)
    for action in ("status", "correction", "request", "erasure"):
        record_audit(engine, at=at, actor="U1", source="slack", action=action, receipts=["2026-0001"])
    record_audit(engine, at=at, actor="retention", source="retention", action="erasure")
    record_export(engine, at=at, actor="retention", source="retention", filter_text="", fmt="csv", rows=0)
    stored = [(r.action, r.source) for r in reversed(list_audit(engine, limit=None))]
    assert stored == [
        ("status", "slack"),
        ("correction", "slack"),
        ("request", "slack"),
        ("erasure", "slack"),
        ("erasure", "retention"),
    ]
    assert [r.source for r in list_exports(engine)] == ["retention"]


@pytest.mark.parametrize(("action", "source"), [("deleted", "slack"), ("erasure", "cron")])
def test_the_audit_trail_refuses_other_actions_and_sources(engine: Engine, action: str, source: str) -> None:
    with pytest.raises(IntegrityError):
        record_audit(engine, at=datetime(2026, 5, 11, tzinfo=UTC), actor="U1", source=source, action=action)
    assert list_audit(engine) == []
