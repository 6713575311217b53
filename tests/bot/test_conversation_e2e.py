"""The whole survey in Slack: the real Bolt app over HTTP, the fake Slack, real databases."""

from __future__ import annotations

from typing import Any

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.app import Kikitori
from tests.bot.harness import Person, complete_survey, start_and_answer_org, wait_until_found


def test_longest_path_to_review_and_submit(bot: Kikitori, respondent: Person) -> None:
    response = respondent.command("")
    assert response.status == 200
    flow = bot.catalog.current
    review = complete_survey(respondent, flow, LONGEST_PATH_ANSWERS)
    text = str(review["blocks"])
    assert "令和7年8月1日(金)" in text and "課内勉強会" in text
    before = len(respondent.messages())
    respondent.act(review, refs.SUBMIT)
    receipt = respondent.wait_for_message(lambda m: "受付番号" in m.get("text", ""), after=before)
    assert "2026-0001" in receipt["text"]
    summary = respondent.fake.wait_for(lambda: respondent.fake.messages("C0ADMIN001"))
    assert len(summary) == 1 and "2026-0001" in str(summary[0]["blocks"])
    # Submitting twice (a double click on 送信) creates nothing more.
    respondent.act(review, refs.SUBMIT)
    respondent.fake.wait_for(lambda: respondent.fake.ephemeral(respondent.dm, respondent.user_id))
    assert len(respondent.fake.messages("C0ADMIN001")) == 1


def _start(person: Person) -> dict:
    assert person.command("").status == 200
    return person.question("org")


def test_name_is_prefilled_from_the_profile_and_validation_keeps_input(
    bot: Kikitori, respondent: Person
) -> None:
    name = start_and_answer_org(respondent)
    assert "新潟 太郎" in str(name["blocks"])  # users.info real_name
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "   "})
    errored = wait_until_found(
        respondent.fake,
        lambda: next(
            (m for m in respondent.messages() if "回答を入力してください" in str(m["blocks"])), None
        ),
    )
    assert errored["ts"] == name["ts"]  # shown next to the input, in the same message
    draft = _draft_of(bot, respondent)
    assert "respondent_name" not in draft.answers


def test_number_validation_messages(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    title = respondent.question("q1_title")
    respondent.act(title, refs.ANSWER, "主任")
    respondent.act(respondent.question("q2_age"), refs.ANSWER, "30代")
    years = respondent.question("q3_years_employed")
    for typed, message in (("abc", "数字で入力してください"), ("51", "1以上50以下")):
        respondent.act(respondent.question("q3_years_employed"), refs.NEXT, state={refs.ANSWER: typed})

        def showing(message: str = message) -> dict[str, Any] | None:
            return next((m for m in respondent.messages() if message in str(m["blocks"])), None)

        shown = wait_until_found(respondent.fake, showing)
        assert typed in str(shown["blocks"])  # what was typed is kept in the input
    respondent.act(respondent.question("q3_years_employed"), refs.NEXT, state={refs.ANSWER: "３年目"})
    unit = respondent.question("q4_years_in_unit")
    respondent.act(unit, refs.NEXT, state={refs.ANSWER: "5"})
    respondent.fake.wait_for(
        lambda: next(
            (m for m in respondent.messages() if "より大きい数は入力できません" in str(m["blocks"])), None
        )
    )
    assert _draft_of(bot, respondent).answers["q3_years_employed"] == 3
    assert "q4_years_in_unit" not in _draft_of(bot, respondent).answers
    assert years["ts"] != unit["ts"]


def test_double_click_and_old_messages_change_nothing(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    title = respondent.question("q1_title")
    respondent.act(title, refs.ANSWER, "主任")
    respondent.question("q2_age")
    version = _draft_of(bot, respondent).version
    respondent.act(title, refs.ANSWER, "係長・副参事")  # the same (now outdated) message again
    respondent.fake.wait_for(lambda: respondent.fake.ephemeral(respondent.dm, respondent.user_id))
    draft = _draft_of(bot, respondent)
    assert draft.version == version and draft.answers["q1_title"] == "主任"
    assert "反映されませんでした" in respondent.fake.ephemeral(respondent.dm, respondent.user_id)[-1]["text"]


def test_another_user_cannot_act_on_my_draft(bot: Kikitori, respondent: Person, other_person: Person) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"}, user_id=other_person.user_id)
    told = respondent.fake.wait_for(lambda: respondent.fake.ephemeral(other_person.dm, other_person.user_id))
    assert "別の方" in told[-1]["text"]
    assert "respondent_name" not in _draft_of(bot, respondent).answers


def test_starting_again_offers_to_resume_instead_of_a_second_draft(bot: Kikitori, respondent: Person) -> None:
    start_and_answer_org(respondent)
    before = len(respondent.messages())
    respondent.command("開始")
    offer = respondent.wait_for_message(
        lambda m: "回答途中の調査があります" in m.get("text", ""), after=before
    )
    respondent.act(offer, refs.RESUME)
    respondent.question("respondent_name", after=before)
    assert _draft_of(bot, respondent) is not None


def test_change_that_alters_the_path_asks_first(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.act(respondent.question("q1_title"), refs.ANSWER, "その他")
    other = respondent.question("q1_title_other")
    respondent.act(other, refs.NEXT, state={refs.ANSWER: "嘱託員"})
    respondent.question("q2_age")
    # 修正 on the collapsed q1 message, then choose something that drops the follow-up.
    collapsed = next(m for m in respondent.messages() if m.get("text") == "質問1 職名: 回答済み")
    before = len(respondent.messages())
    respondent.act(collapsed, refs.EDIT)
    again = respondent.question("q1_title", after=before)
    respondent.act(again, refs.ANSWER, "主任")
    confirm = respondent.wait_for_message(lambda m: "回答の変更の確認" in m.get("text", ""), after=before)
    assert (
        "削除されます" in str(confirm["blocks"])
        and _draft_of(bot, respondent).answers["q1_title"] == "その他"
    )
    respondent.act(confirm, refs.CONFIRM_CHANGE)
    respondent.fake.wait_for(lambda: _draft_of(bot, respondent).answers.get("q1_title") == "主任")
    assert "q1_title_other" not in _draft_of(bot, respondent).answers


def test_back_returns_to_the_previous_question(bot: Kikitori, respondent: Person) -> None:
    name = start_and_answer_org(respondent)
    before = len(respondent.messages())
    respondent.act(name, refs.BACK)
    again = respondent.question("org", after=before)
    assert "010020 総務部 法務文書課" in str(again["blocks"])  # the current answer is shown


def _draft_of(bot: Kikitori, person: Person):
    import storage

    return storage.find_active_draft(
        bot.engine, team_id="T0KIKITORI", user_id=person.user_id, flow_id=bot.catalog.current.id
    )


def test_bad_signature_and_stale_timestamp_are_refused(bot: Kikitori, respondent: Person) -> None:
    import time

    from sandbox import slack_payloads as sr

    request = sr.slash_command(user_id=respondent.user_id, team_id=sr.TEAM_ID, channel_id=respondent.dm)
    assert respondent.sender.send(request, signature="v0=" + "0" * 64).status == 401
    assert respondent.sender.send(request, timestamp=int(time.time()) - 600).status == 401
    assert respondent.messages() == []  # nothing happened


def test_resume_after_the_bot_process_restarts(bot: Kikitori, respondent: Person, fake_slack, clock) -> None:
    from sandbox import slack_payloads as sr
    from tests.bot.harness import SIGNING_SECRET, build_bot, serve

    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.question("q1_title")
    # A new process: a new app, a new engine on the same database, a new HTTP server.
    from storage import make_engine

    restarted_engine = make_engine(bot.engine.url.render_as_string(hide_password=False))
    restarted = build_bot(restarted_engine, fake_slack, clock)
    with serve(restarted) as url:
        person = Person(respondent.user_id, fake_slack, sr.SlackSender(url, SIGNING_SECRET))
        before = len(person.messages())
        person.command("再開")
        resumed = person.question("q1_title", after=before)
        person.act(resumed, refs.ANSWER, "主任")
        person.question("q2_age", after=before)
    restarted_engine.dispose()
    assert _draft_of(bot, respondent).answers["respondent_name"] == "新潟 太郎"
