"""The pool's checkout check (storage/db.py): a connection taken after it sat idle is pinged, and
the ping must leave it as it found it, so that any kind of unit of work can use it next."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, text

from storage import db
from storage.db import session_scope


def test_a_connection_pinged_after_idling_serves_every_kind_of_unit_of_work(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every checkout counts as idle long enough: each one is pinged (on PostgreSQL).
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    kinds = [
        {},
        {"one_statement": True},
        {"read_only": True, "one_statement": True},
        {"read_only": True},
        {"one_statement": True},
        {},
    ]
    engine.dispose()
    connects: list[object] = []
    event.listen(engine, "connect", lambda connection, _record: connects.append(connection))
    for options in kinds:
        with session_scope(engine, **options) as session:
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    # One connection, reused each time: no ping mistook it for a dropped one.
    assert len(connects) == 1
