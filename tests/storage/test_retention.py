"""Retention: the periods from the environment, the fiscal-year cutoffs, the purge (and its plan),
purges racing each other, and the daily claim."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage import (
    DELETE_ADMIN_MESSAGE,
    PURGE_JOB,
    AuditRecord,
    Draft,
    DraftStatus,
    ExportSource,
    FlowVersionInfo,
    InvitationStatus,
    OutboxMessage,
    PurgePlan,
    RetentionPeriods,
    cancel_draft,
    claim_daily,
    find_submission,
    fiscal_cutoff,
    get_invitation,
    invite,
    list_audit,
    list_exports,
    plan_purge,
    purge,
    record_admin_message,
    record_audit,
    record_export,
    retention_from,
    session_scope,
    start_draft,
)
from storage.models import JobRun
from tests.storage.helpers import ANSWERS, NOW, TOKYO, id_of, make_submission, only, race

PERIODS = RetentionPeriods()  # 5 years, 90 days, 5 years
# The first moment of 令和8年度 (2026-04-01 00:00 in Tokyo): 令和2年度 (FY2020) is 5 years past
# its end, 令和3年度 (FY2021) is not.
FY2026 = datetime(2026, 4, 1, tzinfo=TOKYO)
LAST_SECOND_OF_FY2020 = datetime(2021, 3, 31, 23, 59, 59, tzinfo=TOKYO)
FIRST_SECOND_OF_FY2021 = datetime(2021, 4, 1, tzinfo=TOKYO)
SECOND = timedelta(seconds=1)


def _plan(engine: Engine, now: datetime, periods: RetentionPeriods = PERIODS) -> PurgePlan:
    return plan_purge(engine, periods, now=now, timezone=TOKYO)


def _purge(engine: Engine, now: datetime, periods: RetentionPeriods = PERIODS) -> PurgePlan:
    return purge(engine, periods, now=now, timezone=TOKYO)


def _count(engine: Engine, model: type[Any], *conditions: Any) -> int:
    with session_scope(engine, read_only=True) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*conditions)).one())


def _draft_ids(engine: Engine) -> list[int]:
    with session_scope(engine, read_only=True) as session:
        return sorted(session.exec(select(Draft.id)).all())  # type: ignore[arg-type]  # ids are set


# --- the periods ----------------------------------------------------------------------------------


def test_the_periods_default_to_five_years_ninety_days_five_years() -> None:
    assert retention_from({}) == RetentionPeriods(submissions_years=5, drafts_days=90, audit_years=5)
    blank = {"RETENTION_SUBMISSIONS": "", "RETENTION_DRAFTS_DAYS": "  ", "RETENTION_AUDIT": ""}
    assert retention_from(blank) == RetentionPeriods(5, 90, 5)


def test_the_periods_come_from_the_environment() -> None:
    env = {"RETENTION_SUBMISSIONS": "7", "RETENTION_DRAFTS_DAYS": " 30 ", "RETENTION_AUDIT": "10"}
    assert retention_from(env) == RetentionPeriods(submissions_years=7, drafts_days=30, audit_years=10)
    assert retention_from({"RETENTION_DRAFTS_DAYS": "1"}) == RetentionPeriods(5, 1, 5)
    assert retention_from({"RETENTION_AUDIT": "１０"}) == RetentionPeriods(5, 90, 10)  # full-width


@pytest.mark.parametrize("name", ["RETENTION_SUBMISSIONS", "RETENTION_DRAFTS_DAYS", "RETENTION_AUDIT"])
@pytest.mark.parametrize("value", ["0", "-1", "1.5", "five", "5年", "²"])
def test_a_wrong_period_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name) as raised:
        retention_from({name: value})
    assert repr(value) in str(raised.value)


# --- fiscal years ---------------------------------------------------------------------------------


def test_the_cutoff_moves_on_at_the_start_of_the_fiscal_year_in_the_time_zone() -> None:
    last_minute = datetime(2026, 3, 31, 23, 59, tzinfo=TOKYO)
    first_minute = datetime(2026, 4, 1, 0, 0, tzinfo=TOKYO)
    assert fiscal_cutoff(last_minute, TOKYO, 5) == datetime(2020, 4, 1, tzinfo=TOKYO)
    assert fiscal_cutoff(first_minute, TOKYO, 5) == datetime(2021, 4, 1, tzinfo=TOKYO)
    # The same moments in UTC (14:59 and 15:00 on 31 March): only the time zone decides.
    assert fiscal_cutoff(first_minute.astimezone(UTC), TOKYO, 5) == datetime(2021, 4, 1, tzinfo=TOKYO)
    assert fiscal_cutoff(first_minute, UTC, 5) == datetime(2020, 4, 1, tzinfo=UTC)


def test_the_cutoff_in_the_middle_of_a_fiscal_year() -> None:
    # January belongs to the fiscal year that began the April before.
    assert fiscal_cutoff(datetime(2027, 1, 15, tzinfo=TOKYO), TOKYO, 1) == datetime(2025, 4, 1, tzinfo=TOKYO)
    assert fiscal_cutoff(datetime(2026, 12, 31, tzinfo=TOKYO), TOKYO, 5) == datetime(2021, 4, 1, tzinfo=TOKYO)
    assert fiscal_cutoff(datetime(2026, 4, 2, tzinfo=TOKYO), TOKYO, 1) == datetime(2025, 4, 1, tzinfo=TOKYO)


# --- the purge: submissions -----------------------------------------------------------------------


def test_a_submission_goes_the_moment_its_period_ends(engine: Engine, flow_version: FlowVersionInfo) -> None:
    old = make_submission(engine, flow_version.id, user_id="U1", now=LAST_SECOND_OF_FY2020)
    newer = make_submission(engine, flow_version.id, user_id="U2", now=FIRST_SECOND_OF_FY2021)
    assert (old.receipt_number, newer.receipt_number) == ("2021-0001", "2021-0002")
    record_admin_message(engine, id_of(old), channel="CADMIN", ts="1.1", is_summary=True, now=NOW)

    # One second before: still inside its period.
    assert _plan(engine, FY2026 - SECOND) == PurgePlan()
    assert _purge(engine, FY2026 - SECOND) == PurgePlan()
    assert list_audit(engine) == []

    assert _plan(engine, FY2026) == PurgePlan(receipts=["2021-0001"])
    assert _purge(engine, FY2026) == PurgePlan(receipts=["2021-0001"])

    tombstone = find_submission(engine, receipt_number="2021-0001")
    assert tombstone is not None
    assert (tombstone.answers, tombstone.submitted_at, tombstone.status) == (
        {},
        LAST_SECOND_OF_FY2020,
        "received",
    )
    assert (tombstone.erased_at, tombstone.erased_by, tombstone.erase_reason) == (FY2026, "retention", "")
    kept = find_submission(engine, receipt_number="2021-0002")
    assert kept is not None and (kept.answers, kept.erased_at) == (ANSWERS, None)
    records = list_audit(engine)
    assert [(r.at, r.actor, r.source, r.action, r.receipts) for r in records] == [
        (FY2026, "retention", "retention", "erasure", "2021-0001")
    ]
    with session_scope(engine, read_only=True) as session:
        outbox = session.exec(select(OutboxMessage)).all()
        assert [(m.kind, m.payload) for m in outbox] == [
            (DELETE_ADMIN_MESSAGE, {"channel": "CADMIN", "ts": "1.1"})
        ]

    # Erased once: the tombstone is not due again.
    assert _plan(engine, FY2026 + timedelta(days=1)) == PurgePlan()
    assert _purge(engine, FY2026 + timedelta(days=1)) == PurgePlan()
    assert len(list_audit(engine)) == 1


def test_a_purge_from_the_command_line_is_recorded_as_such(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    make_submission(engine, flow_version.id, now=LAST_SECOND_OF_FY2020)
    erased = purge(engine, PERIODS, now=FY2026, timezone=TOKYO, source=ExportSource.CLI)
    assert erased.receipts == ["2021-0001"]
    assert [(r.actor, r.source, r.action) for r in list_audit(engine)] == [("retention", "cli", "erasure")]


def test_the_periods_decide_what_is_due(engine: Engine, flow_version: FlowVersionInfo) -> None:
    make_submission(engine, flow_version.id, user_id="U1", now=datetime(2024, 3, 31, 12, tzinfo=TOKYO))
    make_submission(engine, flow_version.id, user_id="U2", now=datetime(2025, 3, 31, 12, tzinfo=TOKYO))
    make_submission(engine, flow_version.id, user_id="U3", now=datetime(2025, 4, 1, 12, tzinfo=TOKYO))
    one_year = RetentionPeriods(submissions_years=1)
    two_years = RetentionPeriods(submissions_years=2)
    assert _plan(engine, FY2026, two_years).receipts == ["2024-0001"]
    assert _plan(engine, FY2026, one_year).receipts == ["2024-0001", "2025-0001"]
    assert _purge(engine, FY2026, one_year).receipts == ["2024-0001", "2025-0001"]
    kept = [
        stored.receipt_number
        for number in ("2024-0001", "2025-0001", "2025-0002")
        if (stored := find_submission(engine, receipt_number=number)) and stored.erased_at is None
    ]
    assert kept == ["2025-0002"]


# --- the purge: drafts ----------------------------------------------------------------------------


def test_drafts_never_submitted_go_after_their_days(engine: Engine, flow_version: FlowVersionInfo) -> None:
    now = FY2026 + timedelta(days=40)
    cutoff = now - timedelta(days=90)

    def draft(user_id: str, at: datetime) -> Draft:
        return start_draft(engine, team_id="T1", user_id=user_id, flow_version_id=flow_version.id, now=at)

    invitation = invite(
        engine,
        team_id="T1",
        user_id="U-stale",
        flow_id=flow_version.flow_id,
        invited_by="UADMIN",
        due_date=None,
        now=cutoff - timedelta(days=5),
        notification=None,
    )
    stale = draft("U-stale", cutoff - SECOND)
    assert get_invitation(engine, invitation.id).draft_id == stale.id  # type: ignore[union-attr]
    inside = draft("U-inside", cutoff)
    old_cancelled = draft("U-cancelled", cutoff - timedelta(days=30))
    cancel_draft(engine, id_of(old_cancelled), expected_version=1, now=cutoff - timedelta(days=1))
    recently_cancelled = draft("U-recent", cutoff - timedelta(days=30))
    cancel_draft(engine, id_of(recently_cancelled), expected_version=1, now=cutoff + timedelta(days=1))
    submitted = make_submission(
        engine, flow_version.id, user_id="U-submitted", now=cutoff - timedelta(days=60)
    )

    assert _plan(engine, now) == PurgePlan(drafts=2)
    assert _purge(engine, now) == PurgePlan(drafts=2)
    assert _draft_ids(engine) == sorted([id_of(inside), id_of(recently_cancelled), submitted.draft_id])
    invited = get_invitation(engine, invitation.id)
    assert invited is not None
    assert (invited.status, invited.draft_id) == (InvitationStatus.STARTED, None)
    assert _plan(engine, now) == PurgePlan()


def test_submitted_drafts_stay_whatever_their_age(engine: Engine, flow_version: FlowVersionInfo) -> None:
    # Their submission (or its tombstone) points at them.
    old = make_submission(engine, flow_version.id, now=LAST_SECOND_OF_FY2020)
    assert _purge(engine, FY2026 + timedelta(days=400)) == PurgePlan(receipts=["2021-0001"])
    assert _draft_ids(engine) == [old.draft_id]
    assert _count(engine, Draft, col(Draft.status) == DraftStatus.SUBMITTED) == 1


# --- the purge: the audit trail and the record of exports -----------------------------------------


def test_audit_and_export_records_go_after_their_years(engine: Engine) -> None:
    for at in (LAST_SECOND_OF_FY2020, FIRST_SECOND_OF_FY2021):
        record_audit(engine, at=at, actor="U1", source="slack", action="full_answers", receipts=["2020-0001"])
        record_export(engine, at=at, actor="U1", source="slack", filter_text="全件", fmt="csv", rows=1)
    record_audit(
        engine, at=LAST_SECOND_OF_FY2020 - timedelta(days=1), actor="U1", source="cli", action="export"
    )

    assert _plan(engine, FY2026 - SECOND) == PurgePlan()
    assert _plan(engine, FY2026) == PurgePlan(audit_records=2, export_records=1)
    assert _purge(engine, FY2026) == PurgePlan(audit_records=2, export_records=1)
    assert [r.at for r in list_audit(engine)] == [FIRST_SECOND_OF_FY2021]
    assert [r.at for r in list_exports(engine)] == [FIRST_SECOND_OF_FY2021]
    audit_years = RetentionPeriods(audit_years=4)
    assert _plan(engine, FY2026, audit_years) == PurgePlan(audit_records=1, export_records=1)


def test_everything_due_at_once(engine: Engine, flow_version: FlowVersionInfo) -> None:
    make_submission(engine, flow_version.id, user_id="U1", now=LAST_SECOND_OF_FY2020)
    make_submission(engine, flow_version.id, user_id="U2", now=FIRST_SECOND_OF_FY2021)
    start_draft(
        engine, team_id="T1", user_id="U3", flow_version_id=flow_version.id, now=FY2026 - timedelta(days=91)
    )
    record_audit(engine, at=LAST_SECOND_OF_FY2020, actor="U1", source="slack", action="statistics")
    record_export(
        engine, at=LAST_SECOND_OF_FY2020, actor="cli", source="cli", filter_text="", fmt="xlsx", rows=2
    )

    expected = PurgePlan(receipts=["2021-0001"], drafts=1, audit_records=1, export_records=1)
    assert not expected.empty
    assert _plan(engine, FY2026) == expected
    assert _purge(engine, FY2026) == expected
    assert _plan(engine, FY2026).empty
    # The erasure the purge recorded is newer than any cutoff: it stays.
    assert [(r.action, r.receipts) for r in list_audit(engine)] == [("erasure", "2021-0001")]
    assert _count(engine, Draft) == 2  # the two submitted drafts


# --- racing purges and the daily claim ------------------------------------------------------------


def test_two_purges_at_once_erase_each_submission_once(engine: Engine, flow_version: FlowVersionInfo) -> None:
    for index in range(4):
        submission = make_submission(
            engine, flow_version.id, user_id=f"U{index}", now=LAST_SECOND_OF_FY2020 - timedelta(hours=index)
        )
        for post in range(2):
            record_admin_message(
                engine,
                id_of(submission),
                channel="CADMIN",
                ts=f"{index}.{post}",
                is_summary=post == 0,
                now=NOW,
            )
        start_draft(
            engine,
            team_id="T1",
            user_id=f"UD{index}",
            flow_version_id=flow_version.id,
            now=FY2026 - timedelta(days=100),
        )
        record_audit(engine, at=LAST_SECOND_OF_FY2020, actor="U1", source="slack", action="full_answers")

    results = race(2, lambda _: _purge(engine, FY2026))
    plans = only(results, PurgePlan)
    assert len(plans) == 2, results
    erased = [receipt for plan in plans for receipt in plan.receipts]
    assert sorted(erased) == ["2021-0001", "2021-0002", "2021-0003", "2021-0004"]
    assert sum(plan.drafts for plan in plans) == 4
    assert sum(plan.audit_records for plan in plans) == 4
    assert _count(engine, AuditRecord, col(AuditRecord.action) == "erasure") == 4
    assert _count(engine, OutboxMessage, col(OutboxMessage.kind) == DELETE_ADMIN_MESSAGE) == 8
    assert _count(engine, Draft, col(Draft.status) == DraftStatus.IN_PROGRESS) == 0
    assert _plan(engine, FY2026).empty


def test_one_caller_a_day_runs_the_daily_job(engine: Engine) -> None:
    today, tomorrow = date(2026, 5, 11), date(2026, 5, 12)
    results = race(2, lambda index: claim_daily(engine, PURGE_JOB, today, worker=f"w{index}", now=NOW))
    assert sorted(results, key=str) == [False, True], results
    winner = f"w{results.index(True)}"
    assert claim_daily(engine, PURGE_JOB, today, worker="w9", now=NOW) is False
    assert claim_daily(engine, "another_job", today, worker="w9", now=NOW) is True
    assert claim_daily(engine, PURGE_JOB, tomorrow, worker="w1", now=NOW + timedelta(days=1)) is True
    with session_scope(engine, read_only=True) as session:
        runs = session.exec(select(JobRun).order_by(col(JobRun.day), col(JobRun.job))).all()
        assert [(run.job, run.day, run.claimed_by) for run in runs] == [
            ("another_job", today, "w9"),
            (PURGE_JOB, today, winner),
            (PURGE_JOB, tomorrow, "w1"),
        ]
