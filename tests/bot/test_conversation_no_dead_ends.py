"""What a real person does, through the real app over signed HTTP (issue 10): no dead ends, no
wrong data, nothing lost. Every test runs on SQLite and PostgreSQL (the `bot` fixture)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

import storage
from bot import refs, texts
from bot.app import Kikitori
from flows.engine import apply_answer
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN, Clock, Person, build_bot, start_and_answer_org, wait_until_found

ORG_ANSWER = {"code": "010020", "name": "総務部 法務文書課"}
BEFORE_Q21_6 = {
    "org": ORG_ANSWER,
    "respondent_name": "新潟 太郎",
    "q1_title": "主任",
    "q2_age": "30代",
    "q3_years_employed": "8",
    "q4_years_in_unit": "2",
    "q5_years_in_task": "2",
    "q6_training": "ない",
    "q7_rule_doc": "知らない",
    "q8_rule_steps": "一部知っていた",
    "q10_when_precision": "特定できない",
    "q11_place": "執務室(自席)",
    "q12_task": "メール送信",
    "q13_info_kinds": ["氏名"],
    "q14_persons": "5",
    "q15_discovery": "本人からの連絡",
    "q16_experience": "初めて行った",
    "q17_before": "同じ作業を続けていた",
    "q18_busyness": "普段どおり",
    "q19_multitask": "していなかった",
    "q20_followed": "すべて実施した",
    "q21_burden": "負担ではなかった",
}
ALL_BUT_CONTRACTORS = {
    **BEFORE_Q21_6,
    "q21_6_reactions": ["理解を示してくれた"],
    "q22_causes": ["思い込み・うっかり"],
    "q23_measures": "ダブルチェック",
    "q24_improvements": "",
    "q25_alert_known": "知らなかった",
    "q26_alert_use": "している",
    "q27_checksheet": "促している",
}


def prepare(bot: Kikitori, person: Person, answers: dict[str, Any]) -> storage.Draft:
    """A draft holding `answers` (normalised as the engine stores them), as if answered earlier."""
    flow = bot.catalog.current
    stored: dict[str, Any] = {}
    for question in flow.questions:
        if question.id in answers:
            stored = apply_answer(flow, stored, question.id, answers[question.id]).answers
    now = bot.clock.now()
    draft = storage.start_draft(
        bot.engine,
        team_id=sr.TEAM_ID,
        user_id=person.user_id,
        flow_version_id=bot.catalog.current_version_id,
        now=now,
    )
    assert draft.id is not None
    return storage.save_answers(
        bot.engine,
        draft.id,
        expected_version=draft.version,
        answers=stored,
        current_question_id=None,
        now=now,
    )


def draft_of(bot: Kikitori, person: Person) -> storage.Draft:
    found = storage.find_active_draft(
        bot.engine, team_id=sr.TEAM_ID, user_id=person.user_id, flow_id=bot.catalog.current.id
    )
    assert found is not None
    return found


def say(person: Person, text: str) -> None:
    """The person types `text` in the DM's message box."""
    assert person.sender.send(sr.im_message(person.user_id, person.dm, text)).status == 200


def element(message: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    return next(
        (
            el
            for block in message.get("blocks") or []
            for el in [
                *(block.get("elements") or []),
                block.get("accessory") or {},
                block.get("element") or {},
            ]
            if isinstance(el, dict) and el.get("action_id") == action_id
        ),
        None,
    )


def live_messages(person: Person) -> list[dict[str, Any]]:
    """Messages in the DM that can still answer or submit something."""
    return [
        message
        for message in person.messages()
        if any(
            (block.get("block_id") or "").endswith(("|input", "|review_actions", "|change_actions"))
            for block in message.get("blocks") or []
        )
    ]


def one_live(person: Person) -> None:
    """Exactly one live message, once the bot has collapsed the one it replaced (just after posting)."""
    wait_until_found(person.fake, lambda: len(live_messages(person)) == 1)


def ephemerals(person: Person) -> list[str]:
    return [str(m.get("text")) for m in person.fake.ephemeral(person.dm, person.user_id)]


# --- a question shown again -------------------------------------------------------------------


def test_a_question_shown_again_can_be_kept_as_it_is(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.act(respondent.question("q1_title"), refs.ANSWER, "主任")
    age = respondent.question("q2_age")
    assert element(age, refs.KEEP_CURRENT) is None  # nothing to keep yet
    respondent.act(age, refs.ANSWER, "30代")
    respondent.act(respondent.question("q3_years_employed"), refs.BACK)
    again = respondent.question("q2_age", after=len(respondent.messages()) - 1)
    assert "30代" in str(element(again, refs.ANSWER))  # preselected: choosing it again sends nothing
    respondent.act(again, refs.KEEP_CURRENT)
    respondent.question("q3_years_employed", after=len(respondent.messages()) - 1)
    assert draft_of(bot, respondent).answers["q2_age"] == "30代"


def test_from_the_review_a_question_goes_back_to_the_review(bot: Kikitori, respondent: Person) -> None:
    prepare(bot, respondent, {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない"})
    respondent.command("再開")
    review = respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    before = len(respondent.messages())
    respondent.act(review, refs.REVIEW_EDIT, "respondent_name")  # 修正 from the first item's menu
    name = respondent.question("respondent_name", after=before)
    assert element(name, refs.BACK) is None and element(name, refs.BACK_TO_REVIEW) is not None
    respondent.act(name, refs.BACK_TO_REVIEW)
    respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE, after=before)
    one_live(respondent)


# --- multi-choice --------------------------------------------------------------------------------


def test_ticks_survive_an_error_and_an_exclusive_choice_is_flagged_at_once(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    prepare(bot, respondent, BEFORE_Q21_6)
    respondent.command("再開")
    question = respondent.question("q21_6_reactions")
    labels = str(element(question, refs.TOGGLE))
    assert "特に反応はなかった" + texts.EXCLUSIVE_MARK in labels  # said before any error
    both = ["理解を示してくれた", "特に反応はなかった"]

    respondent.act(question, refs.TOGGLE, both)
    flagged = wait_until_found(
        fake_slack,
        lambda: next(
            (m for m in respondent.messages() if m["ts"] == question["ts"] and ":warning:" in str(m)), None
        ),
    )
    ticked = [o["value"] for o in (element(flagged, refs.TOGGLE) or {}).get("initial_options") or []]
    assert ticked == both  # every tick kept, the conflict named

    respondent.act(flagged, refs.NEXT, state={refs.TOGGLE: both})  # 次へ anyway: refused, ticks kept
    wait_until_found(fake_slack, lambda: fake_slack.edit_count(respondent.dm, question["ts"]) >= 2)
    current = next(m for m in respondent.messages() if m["ts"] == question["ts"])
    assert [o["value"] for o in (element(current, refs.TOGGLE) or {}).get("initial_options") or []] == both
    assert "q21_6_reactions" not in draft_of(bot, respondent).answers

    respondent.act(current, refs.TOGGLE, ["特に反応はなかった"])  # resolved: the flag goes
    wait_until_found(
        fake_slack,
        lambda: ":warning:" not in str(next(m for m in respondent.messages() if m["ts"] == question["ts"])),
    )
    resolved = next(m for m in respondent.messages() if m["ts"] == question["ts"])
    respondent.act(resolved, refs.NEXT, state={refs.TOGGLE: ["特に反応はなかった"]})
    respondent.question("q22_causes")
    assert draft_of(bot, respondent).answers["q21_6_reactions"] == ["特に反応はなかった"]


# --- declining -------------------------------------------------------------------------------------


def test_an_optional_question_can_be_declined_and_the_review_says_what_is_unanswered(
    bot: Kikitori, respondent: Person
) -> None:
    name = start_and_answer_org(respondent)
    assert element(name, refs.SKIP) is None  # 氏名 is required
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    title = respondent.question("q1_title")
    respondent.act(title, refs.SKIP)
    respondent.question("q2_age")
    assert draft_of(bot, respondent).answers["q1_title"] == ""

    prepare_rest = {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない", "q1_title": None}
    bot_draft = draft_of(bot, respondent)
    storage.cancel_draft(
        bot.engine, bot_draft.id or 0, expected_version=bot_draft.version, now=bot.clock.now()
    )
    prepare(bot, respondent, prepare_rest)  # None: declined, as 回答しない stores it
    respondent.command("再開")
    review = respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    shown = str(review["blocks"])
    assert "未回答の質問が *2問*" in shown  # 質問1 and 質問24, both answered 回答しない
    assert "回答しない" in shown
    submit = element(review, refs.SUBMIT) or {}
    assert "未回答の質問が2問あります" in submit["confirm"]["text"]["text"]


# --- typing in the message box --------------------------------------------------------------------


def test_what_is_typed_in_the_dm_answers_the_current_question(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    say(respondent, "新潟 太郎")
    title = respondent.question("q1_title")
    assert bot.catalog.current.by_id["q1_title"].choices[1].value == "主任"
    say(respondent, "２")  # the second choice, typed full-width
    respondent.question("q2_age", after=len(respondent.messages()) - 1)
    say(respondent, "30代")
    respondent.question("q3_years_employed", after=len(respondent.messages()) - 1)
    say(respondent, "abc")  # not a number: the question again, at the bottom, with what to do
    again = respondent.wait_for_message(lambda m: "数字で入力してください" in str(m.get("blocks")))
    assert "|q3_years_employed|input" in str(again["blocks"])
    say(respondent, "８年目")
    respondent.question("q4_years_in_unit", after=len(respondent.messages()) - 1)
    answers = draft_of(bot, respondent).answers
    assert (answers["respondent_name"], answers["q1_title"], answers["q2_age"]) == (
        "新潟 太郎",
        "主任",
        "30代",
    )
    assert answers["q3_years_employed"] == 8
    # The answered questions read as answered where they were asked; one question is live.
    assert any("主任" in str(m["blocks"]) and m["ts"] == title["ts"] for m in respondent.messages())
    assert name["ts"] != title["ts"]
    one_live(respondent)


def test_with_no_survey_in_progress_typing_gets_the_help(bot: Kikitori, respondent: Person) -> None:
    say(respondent, "こんにちは")
    respondent.wait_for_message(lambda m: "`/survey` 回答を始める" in m.get("text", ""))


# --- one live question ------------------------------------------------------------------------------


def test_only_one_question_or_review_is_ever_live(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.act(respondent.question("q1_title"), refs.ANSWER, "主任")
    respondent.act(respondent.question("q2_age"), refs.BACK)  # 戻る
    respondent.command("再開")  # and a second copy by command
    respondent.command("再開")
    # 戻る showed 質問1 again; each 再開 showed the current question anew and collapsed the one before.
    wait_until_found(
        respondent.fake,
        lambda: len([m for m in respondent.messages() if m.get("text") == texts.SUPERSEDED]) >= 2,
    )
    one_live(respondent)


def test_a_stale_click_says_so_where_the_person_looks_and_shows_the_current_question(
    bot: Kikitori, respondent: Person
) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    title = respondent.question("q1_title")
    respondent.act(title, refs.ANSWER, "主任")
    respondent.question("q2_age")
    before = len(respondent.messages())
    respondent.act(title, refs.ANSWER, "課長以上")  # the old message, clicked again
    wait_until_found(respondent.fake, lambda: texts.STALE_SHOWN in ephemerals(respondent))
    respondent.question("q2_age", after=before)  # shown again, at the bottom
    assert draft_of(bot, respondent).answers["q1_title"] == "主任"
    one_live(respondent)


# --- nothing lost when Slack fails --------------------------------------------------------------


def test_a_saved_answer_whose_next_question_never_came_is_recovered(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    name = start_and_answer_org(respondent)
    # The click's response_url fails (the echo, then the next question), and so does the Web API
    # the bot falls back to for the question, past the click client's retries.
    fake_slack.fail_next("response_url", status=500, times=2)
    fake_slack.fail_next("chat.postMessage", status=500, times=4)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    wait_until_found(fake_slack, lambda: draft_of(bot, respondent).answers.get("respondent_name"))
    # The click on the question it left behind shows where the person is.
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.question("q1_title")
    assert texts.STALE_SHOWN in ephemerals(respondent)


def test_the_receipt_reaches_the_respondent_whatever_fails(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Any
) -> None:
    prepare(bot, respondent, {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない"})
    respondent.command("再開")
    review = respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    fake_slack.fail_next("chat.postMessage", status=500, times=1)  # the outbox's first try fails
    respondent.act(review, refs.SUBMIT)
    wait_until_found(fake_slack, lambda: _outbox_errors(bot.engine))
    assert not [m for m in respondent.messages() if "ご回答ありがとうございました" in str(m)]
    clock.now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # an hour later: the retry is due
    bot.deliver()
    receipt = respondent.wait_for_message(lambda m: "ご回答ありがとうございました" in str(m.get("blocks")))
    assert "2026-0001" in str(receipt["blocks"])

    # /survey afterwards first names what was sent, then offers a new response.
    before = len(respondent.messages())
    respondent.command("")
    told = respondent.wait_for_message(lambda m: "2026-0001" in m.get("text", ""), after=before)
    assert "送信済み" in told["text"]
    assert (
        storage.find_active_draft(
            bot.engine, team_id=sr.TEAM_ID, user_id=respondent.user_id, flow_id=bot.catalog.current.id
        )
        is None
    )
    respondent.act(told, refs.START_NEW)
    respondent.question("org", after=before)


def test_a_process_that_dies_right_after_the_submission_loses_no_receipt(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    prepare(bot, respondent, {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない"})
    respondent.command("再開")
    review = respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    bot.stop_timers()  # this process will send nothing more: it dies right after the commit
    respondent.act(review, refs.SUBMIT)
    wait_until_found(fake_slack, lambda: storage.get_submission(bot.engine, draft_id=draft_id_of(review)))
    survivor = build_bot(bot.engine, fake_slack, clock)  # another process, same database
    survivor.deliver()
    receipt = respondent.wait_for_message(lambda m: "ご回答ありがとうございました" in str(m.get("blocks")))
    assert "2026-0001" in str(receipt["blocks"]) and fake_slack.messages("C0ADMIN001")


def draft_id_of(message: dict[str, Any]) -> int:
    ref = refs.DraftRef.decode(next(b["block_id"] for b in message["blocks"] if b.get("block_id")))
    assert ref is not None
    return ref.draft_id


def _outbox_errors(engine: Engine) -> list[str]:
    with storage.session_scope(engine) as session:
        from sqlmodel import select

        return [row.last_error for row in session.exec(select(storage.OutboxMessage)) if row.last_error]


def test_the_long_text_modal_is_acknowledged_in_time_when_slack_is_slow(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    prepare(
        bot,
        respondent,
        {k: v for k, v in ALL_BUT_CONTRACTORS.items() if k not in ("q23_measures", "q24_improvements")},
    )
    respondent.command("再開")
    question = respondent.question("q23_measures")
    q24 = "|q24_improvements|input"
    respondent.act(question, refs.OPEN_LONG_TEXT)
    view = wait_until_found(
        fake_slack, lambda: next(reversed(fake_slack.open_views(respondent.user_id)), None)
    )
    fake_slack.slow("chat.update", 4.0)
    fake_slack.slow("chat.postMessage", 4.0)
    request = sr.view_submission(
        user_id=respondent.user_id,
        team_id=sr.TEAM_ID,
        view=view,
        state_values=sr.state_values_for(view["blocks"], {refs.ANSWER: "宛先を二人で確認する"}),
    )
    started = datetime.now(UTC)
    response = respondent.sender.send(request)
    took = (datetime.now(UTC) - started).total_seconds()
    assert response.status == 200 and took < 3.0, took  # within Slack's 3 s, though Slack is slow
    assert draft_of(bot, respondent).answers["q23_measures"] == "宛先を二人で確認する"
    fake_slack.slow("chat.update", 0)
    fake_slack.slow("chat.postMessage", 0)
    # Slack, slow as it was, then shows the next question: nothing was lost on the way.
    wait_until_found(fake_slack, lambda: any(q24 in str(m) for m in respondent.messages()), timeout=15)


# --- replays ------------------------------------------------------------------------------------------


def test_a_replayed_restart_or_cancel_changes_nothing(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    start_and_answer_org(respondent)
    respondent.command("開始")  # a draft exists: 続きから / 最初からやり直す
    offer = respondent.wait_for_message(lambda m: "回答途中の調査があります" in m.get("text", ""))
    restart = _click_request(respondent, fake_slack, offer, refs.RESTART)
    assert respondent.sender.send(restart).status == 200
    fresh = respondent.question("org", after=len(respondent.messages()) - 2)
    respondent.act(fresh, refs.ANSWER, {"text": {"type": "plain_text", "text": "x"}, "value": "010020"})
    respondent.question("respondent_name", after=len(respondent.messages()) - 1)
    answered = draft_of(bot, respondent)

    assert respondent.sender.send(restart).status == 200  # the same signed request, replayed
    respondent.wait_for_message(lambda m: m.get("text") == texts.STALE)
    assert (
        draft_of(bot, respondent).id == answered.id and draft_of(bot, respondent).answers == answered.answers
    )


# --- the database ---------------------------------------------------------------------------------------


def test_cancel_erases_the_answers(bot: Kikitori, respondent: Person) -> None:
    start_and_answer_org(respondent)
    draft = draft_of(bot, respondent)
    respondent.command("中止")
    asked = respondent.wait_for_message(lambda m: "中止しますか" in m.get("text", ""))
    respondent.act(asked, refs.CANCEL)
    respondent.wait_for_message(lambda m: "削除しました" in m.get("text", ""))
    erased = storage.get_draft(bot.engine, draft.id or 0)
    assert erased.status == "cancelled" and erased.answers == {}  # what the bot said is true


def test_text_no_database_can_store_is_refused_the_same_everywhere(
    bot: Kikitori, respondent: Person, caplog: pytest.LogCaptureFixture
) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟\ud800太郎"})
    wait_until_found(respondent.fake, lambda: any("使えない文字" in str(m) for m in respondent.messages()))
    assert "respondent_name" not in draft_of(bot, respondent).answers
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟\x00太郎"})
    respondent.question("q1_title")
    assert draft_of(bot, respondent).answers["respondent_name"] == "新潟太郎"
    assert "新潟" not in caplog.text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's own write lock
def test_a_locked_sqlite_database_loses_nothing_and_says_so(
    bot: Kikitori, respondent: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.db

    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    bot.engine.dispose()  # new connections take the short wait
    name = start_and_answer_org(respondent)
    database = bot.engine.url.database
    assert database is not None
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the wait
    try:
        options = respondent.sender.send(
            sr.block_suggestion(
                user_id=respondent.user_id,
                team_id=sr.TEAM_ID,
                action_id=refs.ANSWER,
                block_id="b",
                value="総務",
                container="message",
                channel_id=respondent.dm,
                message_ts=name["ts"],
            )
        )
        assert options.status == 200 and "010020" in options.text  # reads never wait for the lock
        respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
        wait_until_found(respondent.fake, lambda: texts.DB_UNAVAILABLE in ephemerals(respondent))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "respondent_name" not in draft_of(bot, respondent).answers
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})  # pressed again: saved
    respondent.question("q1_title")


# --- smaller things -------------------------------------------------------------------------------------


def test_an_administrator_can_assign_in_the_dm_and_the_help_says_so(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack
) -> None:
    admin = Person(ADMIN, fake_slack, respondent.sender)
    say(admin, f"依頼 <@{other_person.user_id}>")
    admin.wait_for_message(lambda m: "依頼を送りました" in m.get("text", ""))
    admin.command("ヘルプ")
    admin.wait_for_message(lambda m: "/survey assign" in m.get("text", ""))
    respondent.command("ヘルプ")
    help_text = respondent.wait_for_message(lambda m: "/survey ヘルプ" in m.get("text", ""))["text"]
    assert "/survey assign" not in help_text


def test_a_command_typed_in_the_dm_is_answered_there_without_a_pointer(
    bot: Kikitori, respondent: Person
) -> None:
    response = respondent.command("")
    assert response.status == 200 and texts.SEE_DM not in response.text
    respondent.question("org")


def test_a_replayed_cancel_or_start_changes_nothing(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    start_and_answer_org(respondent)
    respondent.command("中止")
    asked = respondent.wait_for_message(lambda m: "中止しますか" in m.get("text", ""))
    cancel = _click_request(respondent, fake_slack, asked, refs.CANCEL)
    assert respondent.sender.send(cancel).status == 200
    done = respondent.wait_for_message(lambda m: "削除しました" in m.get("text", ""))
    start = _click_request(respondent, fake_slack, done, refs.START)  # 最初から回答する
    assert respondent.sender.send(start).status == 200
    org = respondent.question("org", after=len(respondent.messages()) - 2)
    respondent.act(org, refs.ANSWER, {"text": {"type": "plain_text", "text": "x"}, "value": "010020"})
    respondent.question("respondent_name", after=len(respondent.messages()) - 1)
    fresh = draft_of(bot, respondent)

    for replay in (cancel, start):  # the same signed requests, sent again within Slack's 5 minutes
        before = len(respondent.messages())
        assert respondent.sender.send(replay).status == 200
        respondent.wait_for_message(
            lambda m: texts.STALE in m.get("text", "") or "回答途中" in m.get("text", ""), after=before
        )
    assert draft_of(bot, respondent).id == fresh.id and draft_of(bot, respondent).answers == fresh.answers


def _click_request(
    person: Person, fake: FakeSlack, message: dict[str, Any], action_id: str
) -> sr.SlackRequest:
    block_id, button = sr.find_element(message["blocks"], lambda el: el.get("action_id") == action_id)
    return sr.block_actions(
        user_id=person.user_id,
        team_id=sr.TEAM_ID,
        channel_id=person.dm,
        message_ts=message["ts"],
        message_blocks=message["blocks"],
        action=sr.action_for(block_id, button, None),
        trigger_id=fake.issue_trigger(person.user_id),
    )


def test_the_respondents_copy_is_their_own_only(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack
) -> None:
    prepare(bot, respondent, {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない"})
    respondent.command("再開")
    review = respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    respondent.act(review, refs.SUBMIT)
    respondent.wait_for_message(lambda m: "ご回答ありがとうございました" in str(m.get("blocks")))
    for asked in ("控え", "控え ２０２６-０００１"):  # the latest, or by its receipt number (full-width too)
        before = len(respondent.messages())
        respondent.command(asked)
        copy = respondent.wait_for_message(
            lambda m: m.get("text") == texts.copy_title("2026-0001"), after=before
        )
        assert "新潟 太郎" in str(copy["blocks"]) and "ダブルチェック" in str(copy["blocks"])
    other_person.command("控え 2026-0001")  # someone else's receipt: as if it did not exist
    other_person.wait_for_message(lambda m: texts.COPY_NOT_FOUND in m.get("text", ""))
    assert not any("新潟 太郎" in str(m) for m in other_person.messages())


def test_typing_answers_the_question_on_screen_even_after_going_back(
    bot: Kikitori, respondent: Person
) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.act(respondent.question("q1_title"), refs.ANSWER, "主任")
    respondent.act(respondent.question("q2_age"), refs.BACK)  # 質問1 is shown again, live
    respondent.question("q1_title", after=len(respondent.messages()) - 1)
    wait_until_found(respondent.fake, lambda: draft_of(bot, respondent).live_question_id == "q1_title")
    say(respondent, "3")  # meant for 質問1: 係長・副参事
    wait_until_found(
        respondent.fake, lambda: draft_of(bot, respondent).answers.get("q1_title") == "係長・副参事"
    )
    assert "q2_age" not in draft_of(bot, respondent).answers


def test_a_typed_answer_that_begins_with_a_command_word_is_an_answer(
    bot: Kikitori, respondent: Person
) -> None:
    name = start_and_answer_org(respondent)
    say(respondent, "状況 確認 太郎")  # a name that happens to begin with 状況
    respondent.question("q1_title")
    assert draft_of(bot, respondent).answers["respondent_name"] == "状況 確認 太郎"
    assert name["ts"]
