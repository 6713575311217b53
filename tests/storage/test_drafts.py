"""Drafts: one in progress per person and flow, saved with an optimistic lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from storage import (
    Draft,
    DraftAlreadyActive,
    DraftClosed,
    DraftConflict,
    DraftNotFound,
    DraftStatus,
    FlowVersionInfo,
    ReminderFields,
    cancel_draft,
    find_active_draft,
    get_draft,
    register_flow,
    save_answers,
    session_scope,
    start_draft,
    swap_live_message,
)
from tests.storage.helpers import NOW, id_of, make_flow, only, race

LATER = NOW + timedelta(minutes=5)
TOMORROW = NOW + timedelta(days=1)

JAPANESE_ANSWERS = {
    "name": "新潟 花子",
    "role": "その他",
    "role_other": "会計年度任用職員(窓口担当)",
    "channels": ["メール", "FAX"],
    "years": 3,
}


def _start(engine: Engine, flow_version: FlowVersionInfo, user_id: str = "U1") -> Draft:
    return start_draft(engine, team_id="T1", user_id=user_id, flow_version_id=flow_version.id, now=NOW)


def test_start_and_find(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    assert draft.id is not None
    assert draft.status == DraftStatus.IN_PROGRESS
    assert draft.version == 1
    assert draft.answers == {}
    assert draft.flow_id == "leak_survey"
    assert draft.created_at == draft.updated_at == draft.last_activity_at == NOW
    assert draft.reminders_sent == 0
    assert draft.next_reminder_at == NOW and draft.escalated_at is None  # the sweep decides when

    found = find_active_draft(engine, team_id="T1", user_id="U1", flow_id="leak_survey")
    assert found is not None and found.id == draft.id
    assert find_active_draft(engine, team_id="T1", user_id="U2", flow_id="leak_survey") is None
    assert find_active_draft(engine, team_id="T2", user_id="U1", flow_id="leak_survey") is None
    assert get_draft(engine, draft.id).id == draft.id


def test_one_in_progress_draft_per_person_and_flow(engine: Engine, flow_version: FlowVersionInfo) -> None:
    first = _start(engine, flow_version)
    with pytest.raises(DraftAlreadyActive) as raised:
        _start(engine, flow_version)
    assert raised.value.draft.id == first.id
    assert raised.value.draft.status == DraftStatus.IN_PROGRESS

    # Other people, teams and flows are independent.
    _start(engine, flow_version, user_id="U2")
    start_draft(engine, team_id="T2", user_id="U1", flow_version_id=flow_version.id, now=NOW)
    other_flow = register_flow(engine, make_flow(flow_id="exit_survey"), now=NOW)
    _start(engine, other_flow)

    # Closed drafts do not count: after cancelling, a new one can begin.
    cancel_draft(engine, id_of(first), expected_version=first.version, now=LATER)
    assert _start(engine, flow_version).id != first.id


def test_the_database_itself_refuses_a_second_in_progress_draft(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    def row(status: str) -> Draft:
        return Draft(
            team_id="T1",
            user_id="U1",
            flow_id="leak_survey",
            flow_version_id=flow_version.id,
            status=status,
            created_at=NOW,
            updated_at=NOW,
            last_activity_at=NOW,
        )

    with session_scope(engine) as session:  # many closed drafts are fine
        session.add_all([row("cancelled"), row("cancelled"), row("submitted"), row("in_progress")])
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(row("in_progress"))


def test_starting_at_the_same_moment_gives_one_draft(engine: Engine, flow_version: FlowVersionInfo) -> None:
    results = race(4, lambda _: _start(engine, flow_version))
    started = only(results, Draft)
    refused = only(results, DraftAlreadyActive)
    assert len(started) == 1, results
    assert len(refused) == 3, results
    assert {error.draft.id for error in refused} == {started[0].id}


def test_answers_round_trip_with_japanese_text(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    saved = save_answers(
        engine,
        id_of(draft),
        expected_version=draft.version,
        answers=JAPANESE_ANSWERS,
        current_question_id="role_other",
        now=LATER,
        reminder=ReminderFields(last_activity_at=LATER),  # the policy's state after this activity
        next_reminder_at=TOMORROW,
    )
    assert saved.version == draft.version + 1
    loaded = get_draft(engine, id_of(draft))
    assert loaded.answers == JAPANESE_ANSWERS
    assert loaded.current_question_id == "role_other"
    assert loaded.version == saved.version
    assert loaded.updated_at == loaded.last_activity_at == LATER
    assert loaded.next_reminder_at == TOMORROW
    assert loaded.created_at == NOW


def test_changing_the_returned_dict_saves_nothing(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    draft.answers["name"] = "書き換え"
    assert get_draft(engine, id_of(draft)).answers == {}


def test_a_stale_version_is_a_conflict_and_overwrites_nothing(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _start(engine, flow_version)
    save_answers(
        engine,
        id_of(draft),
        expected_version=1,
        answers={"name": "一回目"},
        current_question_id="role",
        now=LATER,
    )
    with pytest.raises(DraftConflict) as raised:
        save_answers(
            engine,
            id_of(draft),
            expected_version=1,
            answers={"name": "古い画面から"},
            current_question_id=None,
            now=LATER,
        )
    assert raised.value.draft.version == 2
    assert raised.value.draft.answers == {"name": "一回目"}
    assert get_draft(engine, id_of(draft)).answers == {"name": "一回目"}


def test_two_writers_racing_on_one_draft(engine: Engine, flow_version: FlowVersionInfo) -> None:
    for round_ in range(5):
        draft = _start(engine, flow_version, user_id=f"U{round_}")

        def write(index: int, draft: Draft = draft) -> Draft:
            return save_answers(
                engine,
                id_of(draft),
                expected_version=draft.version,
                answers={"name": f"writer {index}"},
                current_question_id="role",
                now=LATER,
            )

        results = race(2, write)
        winners = only(results, Draft)
        assert len(winners) == 1, results
        assert len(only(results, DraftConflict)) == 1, results
        stored = get_draft(engine, id_of(draft))
        assert stored.answers == winners[0].answers  # the loser did not overwrite the winner
        assert stored.version == draft.version + 1


def test_a_cancelled_draft_is_closed(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _start(engine, flow_version)
    cancelled = cancel_draft(engine, id_of(draft), expected_version=draft.version, now=LATER)
    assert cancelled.status == DraftStatus.CANCELLED
    assert find_active_draft(engine, team_id="T1", user_id="U1", flow_id="leak_survey") is None
    with pytest.raises(DraftClosed) as raised:
        save_answers(
            engine,
            id_of(draft),
            expected_version=cancelled.version,
            answers={"name": "x"},
            current_question_id=None,
            now=LATER,
        )
    assert raised.value.draft.status == DraftStatus.CANCELLED
    with pytest.raises(DraftClosed):
        cancel_draft(engine, id_of(draft), expected_version=cancelled.version, now=LATER)


def test_unknown_draft(engine: Engine) -> None:
    with pytest.raises(DraftNotFound):
        get_draft(engine, 12345)
    with pytest.raises(DraftNotFound):
        save_answers(engine, 12345, expected_version=1, answers={}, current_question_id=None, now=NOW)


def test_errors_and_reprs_never_show_answers(engine: Engine, flow_version: FlowVersionInfo) -> None:
    private = {"name": "Niigata Hanako", "phone": "090-1234-5678"}
    draft = _start(engine, flow_version)
    saved = save_answers(
        engine, id_of(draft), expected_version=1, answers=private, current_question_id=None, now=LATER
    )
    assert "Hanako" not in repr(saved)
    with pytest.raises(IntegrityError) as raised, session_scope(engine) as session:
        duplicate = Draft(
            team_id="T1",
            user_id="U1",
            flow_id="leak_survey",
            flow_version_id=flow_version.id,
            answers=private,
            created_at=NOW,
            updated_at=NOW,
            last_activity_at=NOW,
        )
        session.add(duplicate)
    assert "Hanako" not in str(raised.value)
    assert "1234" not in str(raised.value)


def test_the_live_message_is_swapped_even_when_its_ts_is_unknown(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    """A question posted through a response_url has no ts that Slack told (None). It replaces the
    live message as any other, and is handed back, ts unknown, when it is replaced in its turn."""
    draft = _start(engine, flow_version)
    assert swap_live_message(engine, id_of(draft), "D1", "1.000", "q1") is None
    assert swap_live_message(engine, id_of(draft), "D1", None, "q2") == ("D1", "1.000", "q1")
    assert swap_live_message(engine, id_of(draft), "D1", None, "q3") == ("D1", None, "q2")
    assert swap_live_message(engine, id_of(draft), "D1", "2.000", None) == ("D1", None, "q3")
    assert swap_live_message(engine, id_of(draft), "D1", "2.000", None) is None  # the same one
    stored = get_draft(engine, id_of(draft))
    assert (stored.live_channel, stored.live_ts, stored.live_question_id) == ("D1", "2.000", None)
