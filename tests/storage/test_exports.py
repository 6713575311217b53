"""Reading submissions out for an export (bounds, 所属, flow, receipt order, streaming), and the
record of exports, on both databases."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from storage import (
    ExportSource,
    FlowVersionInfo,
    Submission,
    iter_submissions,
    list_exports,
    record_export,
    register_flow,
    start_draft,
    submission_versions,
    submit_draft,
)
from tests.storage.helpers import NOW, id_of, make_flow

TOKYO = ZoneInfo("Asia/Tokyo")
ORG = "org"  # storage is told the flow's 所属 question; any id will do


def _submit(
    engine: Engine,
    version: FlowVersionInfo,
    user_id: str,
    *,
    at: datetime = NOW,
    code: str = "010020",
    name: str = "総務部 法務文書課",
    **answers: Any,
) -> Submission:
    draft = start_draft(engine, team_id="T1", user_id=user_id, flow_version_id=version.id, now=at)
    return submit_draft(
        engine,
        id_of(draft),
        expected_version=draft.version,
        answers={ORG: {"code": code, "name": name}, "name": "新潟 太郎", **answers},
        now=at,
        timezone=TOKYO,
    )


def _receipts(submissions: Any) -> list[str]:
    return [submission.receipt_number for submission in submissions]


def _all(engine: Engine, **given: Any) -> list[Submission]:
    where: dict[str, Any] = {"start": None, "end": None, "department": None, "org_question": ORG}
    return list(iter_submissions(engine, **(where | given)))


def test_bounds_are_half_open_and_the_order_is_the_receipt(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    april_first = datetime(2026, 4, 1, tzinfo=TOKYO)  # 2026-03-31T15:00Z
    _submit(engine, flow_version, "U1", at=april_first - timedelta(microseconds=1))
    _submit(engine, flow_version, "U2", at=april_first)
    _submit(engine, flow_version, "U3", at=april_first + timedelta(days=1))
    _submit(engine, flow_version, "U4", at=datetime(2027, 1, 5, tzinfo=TOKYO))  # the next receipt year

    everything = _all(engine)
    assert _receipts(everything) == ["2026-0001", "2026-0002", "2026-0003", "2027-0001"]
    assert [s.user_id for s in everything] == ["U1", "U2", "U3", "U4"]
    inside = _all(engine, start=april_first.astimezone(UTC), end=april_first + timedelta(days=1))
    assert [s.user_id for s in inside] == ["U2"]
    assert [s.user_id for s in _all(engine, start=april_first)] == ["U2", "U3", "U4"]
    assert [s.user_id for s in _all(engine, end=april_first)] == ["U1"]


def test_the_rows_are_whole_and_detached(engine: Engine, flow_version: FlowVersionInfo) -> None:
    made = _submit(engine, flow_version, "U1", role="主事", channels=["メール", "FAX"])
    [read] = _all(engine)
    assert read.answers == made.answers
    assert read.submitted_at == NOW and read.submitted_at.tzinfo is not None
    assert read.flow_version_id == flow_version.id


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("0100", ["U1", "U2"]),  # a code prefix
        ("010020", ["U1"]),
        ("０１００", ["U1", "U2"]),  # full-width digits read as half-width
        ("0200", ["U3"]),
        ("1002", []),  # inside a code but not its beginning
        ("法務", ["U1"]),  # a part of the name
        ("総務部", ["U1", "U2"]),
        ("ｹﾝｺｳ", ["U3"]),  # half-width kana, as the master stores names NFKC
        ("%", ["U4"]),  # matched literally, not as a wildcard
        ("_", []),
        ("  ", ["U1", "U2", "U3", "U4"]),  # nothing to filter on
    ],
)
def test_the_department_keyword(
    engine: Engine, flow_version: FlowVersionInfo, keyword: str, expected: list[str]
) -> None:
    _submit(engine, flow_version, "U1", code="010020", name="総務部 法務文書課")
    _submit(engine, flow_version, "U2", code="010030", name="総務部 人事課")
    _submit(engine, flow_version, "U3", code="020010", name="福祉保健部 ケンコウ課")
    _submit(engine, flow_version, "U4", code="030010", name="土木部 100%対策室")
    assert [s.user_id for s in _all(engine, department=keyword)] == expected
    assert submission_versions(engine, start=None, end=None, department=keyword, org_question=ORG) == (
        [flow_version.id] if expected else []
    )


def test_a_submission_without_the_org_answer_matches_no_keyword(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = start_draft(engine, team_id="T1", user_id="U1", flow_version_id=flow_version.id, now=NOW)
    submit_draft(engine, id_of(draft), expected_version=1, answers={"name": "x"}, now=NOW, timezone=TOKYO)
    assert _all(engine, department="0") == []
    assert len(_all(engine)) == 1


def test_only_the_flow_asked_for(engine: Engine, flow_version: FlowVersionInfo) -> None:
    other = register_flow(engine, make_flow(flow_id="other_survey"), now=NOW)
    newer = register_flow(engine, make_flow(title="改訂版"), now=NOW)
    _submit(engine, flow_version, "U1")
    _submit(engine, other, "U2")
    _submit(engine, newer, "U3")
    assert [s.user_id for s in _all(engine, flow_id="leak_survey")] == ["U1", "U3"]
    assert [s.user_id for s in _all(engine, flow_id="other_survey")] == ["U2"]
    assert [s.user_id for s in _all(engine)] == ["U1", "U2", "U3"]
    where: dict[str, Any] = {"start": None, "end": None, "department": None}
    assert submission_versions(engine, flow_id="leak_survey", **where) == [flow_version.id, newer.id]
    assert submission_versions(engine, **where) == sorted([flow_version.id, other.id, newer.id])


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_the_batch_size_changes_nothing_but_the_fetching(
    engine: Engine, flow_version: FlowVersionInfo, batch: int
) -> None:
    for number in range(5):
        _submit(engine, flow_version, f"U{number}")
    assert _receipts(_all(engine, batch=batch)) == [f"2026-000{n}" for n in range(1, 6)]


def test_the_stream_reads_one_snapshot_and_ends_its_transaction(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    for number in range(3):
        _submit(engine, flow_version, f"U{number}")
    stream = iter_submissions(engine, start=None, end=None, department=None, batch=1)
    first = next(stream)
    # A submission made while the export runs is not half in it: the stream reads one snapshot.
    _submit(engine, flow_version, "U9")
    assert [first.user_id, *(s.user_id for s in stream)] == ["U0", "U1", "U2"]
    assert len(_all(engine)) == 4


def test_a_stream_left_early_releases_the_database(engine: Engine, flow_version: FlowVersionInfo) -> None:
    for number in range(3):
        _submit(engine, flow_version, f"U{number}")
    stream = iter_submissions(engine, start=None, end=None, department=None, batch=1)
    assert isinstance(stream, Generator)  # closable: an export that fails half-way ends it
    next(stream)
    assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]  # QueuePool's count; Pool has none
    stream.close()  # e.g. the file could not be written
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # QueuePool's count; Pool has none
    _submit(engine, flow_version, "U9")  # a writer is not kept waiting
    assert len(_all(engine)) == 4


def test_the_arguments_are_checked_before_the_first_row(engine: Engine) -> None:
    with pytest.raises(ValueError, match="aware"):
        iter_submissions(engine, start=datetime(2026, 4, 1), end=None, department=None)
    with pytest.raises(ValueError, match="aware"):
        submission_versions(engine, start=None, end=datetime(2026, 4, 1), department=None)
    with pytest.raises(ValueError, match="所属"):
        iter_submissions(engine, start=None, end=None, department="0100")
    with pytest.raises(ValueError, match="batch"):
        iter_submissions(engine, start=None, end=None, department=None, batch=0)


def test_exports_are_recorded_newest_first(engine: Engine) -> None:
    for minutes, actor, source in [
        (0, "U0ADMIN", "slack"),
        (5, "cli", ExportSource.CLI),
        (2, "U0OTHER", "slack"),
    ]:
        record_export(
            engine,
            at=NOW + timedelta(minutes=minutes),
            actor=actor,
            source=source,
            filter_text=f"令和8年度/所属「{actor}」",
            fmt="xlsx",
            rows=minutes,
        )
    records = list_exports(engine)
    assert [(r.actor, r.source, r.rows) for r in records] == [
        ("cli", "cli", 5),
        ("U0OTHER", "slack", 2),
        ("U0ADMIN", "slack", 0),
    ]
    assert records[0].at == NOW + timedelta(minutes=5) and records[0].at.tzinfo is not None
    assert records[0].filter_text == "令和8年度/所属「cli」" and records[0].format == "xlsx"
    assert [r.actor for r in list_exports(engine, limit=1)] == ["cli"]


def test_a_long_filter_is_cut_and_an_unknown_source_refused(engine: Engine) -> None:
    record = record_export(
        engine, at=NOW, actor="cli", source="cli", filter_text="所" * 600, fmt="csv", rows=0
    )
    assert len(record.filter_text) == 500 and record.filter_text.endswith("…")
    assert list_exports(engine)[0].filter_text == record.filter_text
    with pytest.raises(ValueError):
        record_export(engine, at=NOW, actor="x", source="email", filter_text="", fmt="csv", rows=0)
