"""Who is chased: due drafts and invitations claimed under a lease, settled once, snoozed, invited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event
from sqlmodel import col, select, update

from storage import (
    Chased,
    Draft,
    DraftStatus,
    FlowVersionInfo,
    Invitation,
    InvitationStatus,
    Notification,
    OutboxMessage,
    ReminderFields,
    Settlement,
    cancel_draft,
    claim_due_reminders,
    count_outstanding,
    find_chased,
    get_draft,
    get_invitation,
    invite,
    outstanding,
    release_claim,
    save_answers,
    session_scope,
    settle_reminder,
    settle_reminders,
    snooze,
    start_draft,
    submit_draft,
)
from tests.storage.helpers import NOW, id_of, race

TOKYO = ZoneInfo("Asia/Tokyo")

LEASE = 120
LATER = NOW + timedelta(minutes=5)
TOMORROW = NOW + timedelta(days=1)
DUE = date(2026, 5, 20)


def _start(engine: Engine, flow_version: FlowVersionInfo, user_id: str = "U1", at: datetime = NOW) -> Draft:
    return start_draft(engine, team_id="T1", user_id=user_id, flow_version_id=flow_version.id, now=at)


def _invite(
    engine: Engine, user_id: str = "U1", due_date: date | None = DUE, at: datetime = NOW, team_id: str = "T1"
) -> int:
    invited = invite(
        engine,
        team_id=team_id,
        user_id=user_id,
        flow_id="leak_survey",
        invited_by="UADMIN",
        due_date=due_date,
        now=at,
        notification=lambda made: Notification(
            "invitation",
            {**{"team_id": team_id}, "invitation_id": made},
            f"invitation:{team_id}:{user_id}" + f":{made}",
        ),
    )
    return invited.id


def _claim(engine: Engine, worker_id: str, at: datetime = NOW, limit: int = 10) -> list[Chased]:
    return claim_due_reminders(engine, worker_id=worker_id, now=at, lease_seconds=LEASE, limit=limit)


def _keys(claimed: list[Chased]) -> list[tuple[str, int]]:
    return [(chased.kind, chased.id) for chased in claimed]


def _reminder(chased: Chased, at: datetime = NOW) -> Notification:
    return Notification(
        "reminder", {"kind": chased.kind, "id": chased.id}, f"reminder:{chased.kind}:{chased.id}:{at}"
    )


def _with(chased: Chased, changes: dict[str, Any]) -> ReminderFields:
    """The claimed row's reminder state with what the policy changed (as the sweep saves it)."""
    return replace(chased.reminder, **changes)


def _snooze(engine: Engine, kind: str, row_id: int, *, until: datetime, now: datetime) -> bool:
    """あとで as the bot saves it: the policy's snoozed state (record_snooze) and the next due time."""
    chased = find_chased(engine, kind, row_id, active_only=False)  # type: ignore[arg-type]  # the two kinds
    if chased is None:
        return False
    reminder = replace(chased.reminder, last_activity_at=now, reminders_sent=0, snoozed_until=until)
    return snooze(engine, chased, reminder=reminder, next_reminder_at=until)


def _settle(engine: Engine, chased: Chased, worker_id: str, **options: Any) -> bool:
    options.setdefault("next_reminder_at", TOMORROW)
    options.setdefault("now", NOW)
    return settle_reminder(engine, chased, worker_id=worker_id, **options)


def _outbox(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def _set(engine: Engine, model: Any, row_id: int, **values: Any) -> None:
    """A plain UPDATE, as if time had passed or another code path had written the row."""
    with session_scope(engine) as session:
        session.exec(
            update(model)
            .where(model.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


# --- claims --------------------------------------------------------------------------------------


def test_a_due_draft_is_claimed_with_its_reminder_fields(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)  # a new draft is due at once: the sweep decides its first time
    [chased] = _claim(engine, "w1")
    assert chased.kind == "draft" and chased.id == draft.id
    assert (chased.team_id, chased.user_id, chased.flow_id) == ("T1", "U1", "leak_survey")
    assert chased.flow_version_id == flow_version.id
    assert (chased.last_activity_at, chased.created_at, chased.reminders_sent) == (NOW, NOW, 0)
    assert (chased.last_reminder_at, chased.snoozed_until, chased.escalated_at) == (None, None, None)
    stored = get_draft(engine, draft.id)
    assert stored.reminder_claimed_by == "w1"
    assert stored.reminder_claimed_until == NOW + timedelta(seconds=LEASE)
    assert stored.version == draft.version  # a claim never makes the person's screen stale


def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [first] = _claim(engine, "w1")
    almost = NOW + timedelta(seconds=LEASE - 1)
    assert _claim(engine, "w1", at=almost) == []  # not even by the same worker
    assert _claim(engine, "w2") == []
    assert _claim(engine, "w2", at=almost) == []

    # w1 died: at the end of its lease the row is w2's.
    [retaken] = _claim(engine, "w2", at=NOW + timedelta(seconds=LEASE))
    assert retaken.id == first.id == draft.id
    assert get_draft(engine, draft.id).reminder_claimed_by == "w2"
    # The late w1 can no longer act on it; w2 can, once.
    assert not _settle(engine, first, "w1", notifications=[_reminder(first)])
    assert _settle(engine, retaken, "w2", notifications=[_reminder(retaken)])
    assert not _settle(engine, retaken, "w2", notifications=[_reminder(retaken, LATER)])
    assert len(_outbox(engine)) == 1


def test_only_due_rows_are_claimed_oldest_first_up_to_the_limit(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    drafts = [_start(engine, flow_version, user_id=f"U{index}") for index in range(5)]
    _set(engine, Draft, id_of(drafts[0]), next_reminder_at=NOW - timedelta(minutes=1))
    _set(engine, Draft, id_of(drafts[1]), next_reminder_at=NOW - timedelta(minutes=2))
    _set(engine, Draft, id_of(drafts[2]), next_reminder_at=NOW + timedelta(seconds=1))  # not yet
    _set(engine, Draft, id_of(drafts[3]), next_reminder_at=None)  # nothing left to do
    invitation = _invite(engine, user_id="U9", at=NOW - timedelta(minutes=3))

    # Drafts first (the longest due first), then invitations, never more than the limit in all.
    # RETURNING gives no order: compare sets.
    assert set(_keys(_claim(engine, "w1", limit=2))) == {("draft", drafts[1].id), ("draft", drafts[0].id)}
    assert set(_keys(_claim(engine, "w1", limit=2))) == {("draft", drafts[4].id), ("invitation", invitation)}
    assert _claim(engine, "w1") == []
    assert _keys(_claim(engine, "w2", at=NOW + timedelta(seconds=1))) == [("draft", drafts[2].id)]


def test_submitted_cancelled_and_closed_rows_are_never_claimed(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submitted, cancelled, active = (_start(engine, flow_version, user_id=u) for u in ("U1", "U2", "U3"))
    submit_draft(
        engine,
        id_of(submitted),
        expected_version=submitted.version,
        answers={"name": "新潟"},
        now=NOW,
        timezone=TOKYO,
    )
    cancel_draft(engine, id_of(cancelled), expected_version=cancelled.version, now=NOW)
    withdrawn = _invite(engine, user_id="U4")
    _set(engine, Invitation, withdrawn, status=InvitationStatus.WITHDRAWN)
    started = _invite(engine, user_id="U5")
    taken_over = _start(engine, flow_version, user_id="U5")  # takes the invitation over
    # Even with a due time left behind, a closed row is never picked up.
    for model, row_id in ((Draft, id_of(submitted)), (Draft, id_of(cancelled)), (Invitation, withdrawn)):
        _set(engine, model, row_id, next_reminder_at=NOW - timedelta(days=1))
    _set(engine, Invitation, started, next_reminder_at=NOW - timedelta(days=1))

    claimed = _claim(engine, "w1", limit=100)
    assert sorted(_keys(claimed)) == sorted([("draft", active.id), ("draft", taken_over.id)])
    assert get_draft(engine, id_of(submitted)).status == DraftStatus.SUBMITTED
    assert get_draft(engine, id_of(submitted)).reminder_claimed_by is None


@pytest.mark.parametrize("limit", [3, 100])
def test_concurrent_workers_claim_disjoint_rows(
    engine: Engine, flow_version: FlowVersionInfo, limit: int
) -> None:
    total, workers = 60, 8
    drafts = {id_of(_start(engine, flow_version, user_id=f"U{index:03d}")) for index in range(total)}

    def work(worker: int) -> list[int]:
        claimed: list[int] = []
        while batch := _claim(engine, f"w{worker}", limit=limit):
            claimed += [chased.id for chased in batch]
        return claimed

    results = race(workers, work)
    assert not [result for result in results if isinstance(result, BaseException)], results
    holders = {
        row_id: f"w{worker}"
        for worker, result in enumerate(results)
        if isinstance(result, list)
        for row_id in result
    }
    claimed = [row_id for result in results if isinstance(result, list) for row_id in result]
    assert len(claimed) == len(set(claimed)) == total
    assert set(claimed) == drafts
    # Each row is held by the worker that got it.
    assert all(get_draft(engine, row_id).reminder_claimed_by == holders[row_id] for row_id in drafts)


# --- settling ------------------------------------------------------------------------------------


def test_settle_saves_the_decision_enqueues_once_and_releases_the_claim(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    changes = {"reminders_sent": 1, "last_reminder_at": NOW}
    assert _settle(engine, chased, "w1", reminder=_with(chased, changes), notifications=[_reminder(chased)])

    [message] = _outbox(engine)
    assert (message.kind, message.payload) == ("reminder", {"kind": "draft", "id": draft.id})
    assert (message.status, message.next_attempt_at) == ("pending", NOW)
    stored = get_draft(engine, id_of(draft))
    assert (stored.reminders_sent, stored.last_reminder_at, stored.next_reminder_at) == (1, NOW, TOMORROW)
    assert (stored.reminder_claimed_by, stored.reminder_claimed_until) == (None, None)
    assert stored.version == draft.version

    # Settled: a second settle of the same claim does nothing, and nothing is due until TOMORROW.
    assert not _settle(
        engine, chased, "w1", reminder=_with(chased, changes), notifications=[_reminder(chased, LATER)]
    )
    assert len(_outbox(engine)) == 1
    assert _claim(engine, "w2", at=TOMORROW - timedelta(seconds=1)) == []
    [again] = _claim(engine, "w2", at=TOMORROW)
    assert (again.reminders_sent, again.last_reminder_at) == (1, NOW)


def test_settle_without_a_message_only_moves_the_next_time(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    assert _settle(engine, chased, "w1")
    assert _outbox(engine) == []
    assert get_draft(engine, id_of(draft)).next_reminder_at == TOMORROW


def test_only_the_claim_holder_can_settle(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    assert not _settle(
        engine, chased, "w2", reminder=_with(chased, {"reminders_sent": 1}), notifications=[_reminder(chased)]
    )
    assert _outbox(engine) == []
    stored = get_draft(engine, id_of(draft))
    assert (stored.reminders_sent, stored.reminder_claimed_by) == (0, "w1")
    # A claim that lapsed but that nobody took over is still the holder's to settle.
    assert _settle(engine, chased, "w1", now=NOW + timedelta(seconds=LEASE + 1))


def test_activity_after_the_claim_makes_settle_fail_and_enqueue_nothing(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    # The person answers between the claim and the settle.
    save_answers(
        engine,
        id_of(draft),
        expected_version=draft.version,
        answers={"name": "新潟 花子"},
        current_question_id="role",
        now=LATER,
        reminder=ReminderFields(last_activity_at=LATER),  # what record_activity gives
        next_reminder_at=LATER,
    )
    assert not _settle(
        engine, chased, "w1", reminder=_with(chased, {"reminders_sent": 1}), notifications=[_reminder(chased)]
    )
    assert _outbox(engine) == []
    stored = get_draft(engine, id_of(draft))
    assert (stored.reminders_sent, stored.last_activity_at, stored.last_reminder_at) == (0, LATER, None)
    # The answer made the draft due for a fresh look; the next sweep sees the new activity.
    assert stored.next_reminder_at == LATER
    [again] = _claim(engine, "w2", at=LATER)
    assert again.last_activity_at == LATER


def test_a_batch_is_settled_in_one_transaction_skipping_rows_acted_on_since_the_claim(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    drafts = [_start(engine, flow_version, user_id=f"U{n}") for n in range(3)]
    claimed = _claim(engine, "w1")
    assert sorted(c.id for c in claimed) == sorted(id_of(d) for d in drafts)
    answered = next(c for c in claimed if c.id == id_of(drafts[1]))
    save_answers(  # the person answers between the claim and the settle
        engine,
        answered.id,
        expected_version=drafts[1].version,
        answers={"name": "新潟 花子"},
        current_question_id="role",
        now=LATER,
        reminder=ReminderFields(last_activity_at=LATER),
        next_reminder_at=LATER,
    )
    commits: list[object] = []
    event.listen(engine, "commit", commits.append)
    settlements = [
        Settlement(c, TOMORROW, _with(c, {"reminders_sent": 1, "last_reminder_at": NOW}), (_reminder(c),))
        for c in claimed
    ]
    settled = settle_reminders(engine, settlements, worker_id="w1", now=NOW)

    assert settled == [c.id != answered.id for c in claimed]
    assert len(commits) == 1
    assert sorted(m.payload["id"] for m in _outbox(engine)) == sorted(
        c.id for c in claimed if c.id != answered.id
    )
    for c in claimed:
        stored = get_draft(engine, c.id)
        assert stored.reminders_sent == (0 if c.id == answered.id else 1)
    assert settle_reminders(engine, [], worker_id="w1", now=NOW) == []


def test_a_snooze_after_the_claim_makes_settle_fail(engine: Engine) -> None:
    invitation = _invite(engine)
    [chased] = _claim(engine, "w1")
    assert chased.kind == "invitation"
    assert _snooze(engine, "invitation", invitation, until=TOMORROW, now=LATER)
    assert not _settle(
        engine, chased, "w1", reminder=_with(chased, {"reminders_sent": 1}), notifications=[_reminder(chased)]
    )
    assert [message.kind for message in _outbox(engine)] == ["invitation"]  # only the invitation itself
    found = find_chased(engine, "invitation", invitation)
    assert found is not None and (found.reminders_sent, found.snoozed_until) == (0, TOMORROW)


def test_the_message_is_enqueued_in_the_settle_transaction(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    unstorable = Notification("reminder", {"not json": object()}, "reminder:broken")
    with pytest.raises(Exception):  # noqa: B017 - the driver's error for an unserialisable payload
        _settle(
            engine,
            chased,
            "w1",
            reminder=_with(chased, {"reminders_sent": 1}),
            notifications=[_reminder(chased), unstorable],
        )
    # Rolled back together: neither message, and the row still claimed and unchanged.
    assert _outbox(engine) == []
    stored = get_draft(engine, id_of(draft))
    assert (stored.reminders_sent, stored.next_reminder_at, stored.reminder_claimed_by) == (0, NOW, "w1")
    assert _settle(
        engine, chased, "w1", reminder=_with(chased, {"reminders_sent": 1}), notifications=[_reminder(chased)]
    )
    assert len(_outbox(engine)) == 1


def test_release_gives_the_row_back_due_at_once(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    release_claim(engine, chased, worker_id="w2")  # not w2's to release
    assert _claim(engine, "w2") == []
    release_claim(engine, chased, worker_id="w1")
    [again] = _claim(engine, "w2")
    assert again.id == draft.id
    assert not _settle(engine, chased, "w1")


# --- snooze --------------------------------------------------------------------------------------


def test_snooze_resets_the_count_and_moves_the_next_reminder(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    assert _settle(
        engine, chased, "w1", reminder=_with(chased, {"reminders_sent": 2, "last_reminder_at": NOW})
    )
    [_] = _claim(engine, "w1", at=TOMORROW)  # claimed again when snooze comes in

    assert _snooze(engine, "draft", id_of(draft), until=TOMORROW + timedelta(days=1), now=LATER)
    stored = get_draft(engine, id_of(draft))
    assert (stored.reminders_sent, stored.last_activity_at) == (0, LATER)
    assert stored.snoozed_until == stored.next_reminder_at == TOMORROW + timedelta(days=1)
    assert (stored.reminder_claimed_by, stored.reminder_claimed_until) == (None, None)
    assert stored.version == draft.version
    assert _claim(engine, "w2", at=TOMORROW + timedelta(hours=1)) == []
    assert len(_claim(engine, "w2", at=TOMORROW + timedelta(days=1))) == 1


def test_snooze_of_a_closed_or_missing_row_does_nothing(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    cancel_draft(engine, id_of(draft), expected_version=draft.version, now=NOW)
    assert not _snooze(engine, "draft", id_of(draft), until=TOMORROW, now=LATER)
    assert not _snooze(engine, "invitation", 12345, until=TOMORROW, now=LATER)
    assert get_draft(engine, id_of(draft)).next_reminder_at is None


# --- invitations ---------------------------------------------------------------------------------


def test_invite_creates_an_invitation_and_its_message(engine: Engine) -> None:
    invited = invite(
        engine,
        team_id="T1",
        user_id="U1",
        flow_id="leak_survey",
        invited_by="UADMIN",
        due_date=DUE,
        now=NOW,
        notification=lambda made: Notification(
            "invitation", {**{"team_id": "T1"}, "invitation_id": made}, "invitation:T1:U1" + f":{made}"
        ),
    )
    assert invited.kind == "invitation" and invited.created
    invitation = get_invitation(engine, invited.id)
    assert invitation is not None
    assert (invitation.status, invitation.invited_by, invitation.due_date) == ("pending", "UADMIN", DUE)
    assert invitation.last_activity_at == invitation.created_at == invitation.next_reminder_at == NOW
    [message] = _outbox(engine)
    assert message.kind == "invitation"
    assert message.payload == {"team_id": "T1", "invitation_id": invited.id}
    assert message.dedupe_key == f"invitation:T1:U1:{invited.id}"
    # Reminded like a draft that has not begun.
    [chased] = _claim(engine, "w1")
    assert (chased.kind, chased.id, chased.due_date, chased.invited_by) == (
        "invitation",
        invited.id,
        DUE,
        "UADMIN",
    )
    assert chased.flow_version_id is None


def test_inviting_again_updates_the_due_date_without_a_second_message(engine: Engine) -> None:
    first = _invite(engine, due_date=DUE)
    [chased] = _claim(engine, "w1")
    assert _settle(engine, chased, "w1")  # next reminder TOMORROW
    later_due = DUE + timedelta(days=7)
    again = invite(
        engine,
        team_id="T1",
        user_id="U1",
        flow_id="leak_survey",
        invited_by="UADMIN2",
        due_date=later_due,
        now=LATER,
        notification=lambda made: Notification(
            "invitation", {**{}, "invitation_id": made}, "invitation:T1:U1" + f":{made}"
        ),
    )
    assert (again.kind, again.id, again.created) == ("invitation", first, False)
    invitation = get_invitation(engine, first)
    assert invitation is not None
    assert (invitation.due_date, invitation.invited_by, invitation.next_reminder_at) == (
        later_due,
        "UADMIN2",
        LATER,  # the sweep looks again at once: the new due date may change what is due
    )
    assert len(_outbox(engine)) == 1


def test_inviting_someone_already_answering_sets_the_due_date_on_their_draft(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    [chased] = _claim(engine, "w1")
    assert _settle(engine, chased, "w1")
    invited = invite(
        engine,
        team_id="T1",
        user_id="U1",
        flow_id="leak_survey",
        invited_by="UADMIN",
        due_date=DUE,
        now=LATER,
        notification=lambda made: Notification(
            "invitation", {**{}, "invitation_id": made}, "invitation:T1:U1" + f":{made}"
        ),
    )
    assert (invited.kind, invited.id, invited.created) == ("draft", draft.id, False)
    stored = get_draft(engine, id_of(draft))
    assert (stored.due_date, stored.invited_by, stored.next_reminder_at) == (DUE, "UADMIN", LATER)
    assert stored.version == draft.version
    assert _outbox(engine) == []
    with session_scope(engine) as session:
        assert list(session.exec(select(Invitation))) == []


def test_start_draft_takes_over_a_pending_invitation(engine: Engine, flow_version: FlowVersionInfo) -> None:
    invitation_id = _invite(engine, due_date=DUE)
    [chased] = _claim(engine, "w1")
    assert _settle(
        engine, chased, "w1", reminder=_with(chased, {"escalated_at": NOW})
    )  # it was escalated already

    draft = _start(engine, flow_version, at=LATER)
    invitation = get_invitation(engine, invitation_id)
    assert invitation is not None
    assert (invitation.status, invitation.draft_id, invitation.next_reminder_at) == (
        InvitationStatus.STARTED,
        draft.id,
        None,
    )
    stored = get_draft(engine, id_of(draft))
    assert (stored.due_date, stored.invited_by, stored.escalated_at) == (DUE, "UADMIN", NOW)
    assert stored.next_reminder_at == LATER
    # From now on the draft is what is chased.
    assert _keys(_claim(engine, "w2", at=TOMORROW, limit=100)) == [("draft", draft.id)]
    assert find_chased(engine, "invitation", invitation_id) is None
    found = find_chased(engine, "invitation", invitation_id, active_only=False)
    assert found is not None and found.user_id == "U1"


def test_start_draft_without_an_invitation_or_for_someone_else_takes_nothing_over(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    invitation_id = _invite(engine, user_id="U2")
    draft = _start(engine, flow_version, user_id="U1")
    assert (draft.due_date, draft.invited_by, draft.escalated_at) == (None, None, None)
    invitation = get_invitation(engine, invitation_id)
    assert invitation is not None and invitation.status == InvitationStatus.PENDING


# --- who is outstanding --------------------------------------------------------------------------


def test_outstanding_lists_drafts_in_progress_and_pending_invitations(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    answering = _start(engine, flow_version, user_id="U1", at=NOW + timedelta(minutes=2))
    submitted = _start(engine, flow_version, user_id="U2")
    submit_draft(
        engine, id_of(submitted), expected_version=submitted.version, answers={}, now=NOW, timezone=TOKYO
    )
    cancelled = _start(engine, flow_version, user_id="U3")
    cancel_draft(engine, id_of(cancelled), expected_version=cancelled.version, now=NOW)
    invited = _invite(engine, user_id="U4", at=NOW + timedelta(minutes=1))
    _invite(engine, user_id="U5")
    _start(engine, flow_version, user_id="U5", at=NOW + timedelta(minutes=3))  # started: a draft now
    _invite(engine, user_id="U6", team_id="T2")  # another workspace

    everyone = outstanding(engine, team_id="T1", flow_ids=["leak_survey"])
    assert [(chased.kind, chased.user_id) for chased in everyone] == [
        ("invitation", "U4"),
        ("draft", "U1"),
        ("draft", "U5"),
    ]
    assert everyone[0].id == invited and everyone[1].id == answering.id
    assert _keys(outstanding(engine, team_id="T1", flow_ids=["leak_survey"], user_id="U1")) == [
        ("draft", answering.id)
    ]
    assert outstanding(engine, team_id="T1", flow_ids=["leak_survey"], user_id="U2") == []
    assert outstanding(engine, team_id="T1", flow_ids=["other_survey"]) == []
    assert [c.user_id for c in outstanding(engine, team_id="T2", flow_ids=["leak_survey"])] == ["U6"]


def test_find_chased(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    found = find_chased(engine, "draft", id_of(draft))
    assert found is not None and (found.kind, found.id, found.user_id) == ("draft", draft.id, "U1")
    assert find_chased(engine, "draft", id_of(draft) + 1) is None
    assert find_chased(engine, "nonsense", id_of(draft)) is None  # type: ignore[arg-type]  # an unknown kind on purpose
    cancel_draft(engine, id_of(draft), expected_version=draft.version, now=NOW)
    assert find_chased(engine, "draft", id_of(draft)) is None
    closed = find_chased(engine, "draft", id_of(draft), active_only=False)
    assert closed is not None and closed.id == draft.id


def test_outstanding_is_counted_without_loading_rows(engine: Engine, flow_version: FlowVersionInfo) -> None:
    _start(engine, flow_version)
    _invite(engine, user_id="U2")
    assert count_outstanding(engine, team_id="T1", flow_ids=["leak_survey"]) == (1, 1)
    assert count_outstanding(engine, team_id="T1", flow_ids=["another"]) == (0, 0)
