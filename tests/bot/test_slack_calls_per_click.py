"""Web API calls per answer click: none. The answered question is replaced and the next one posted
through the click's response_url (not a Web API method: outside the tiers and chat.postMessage's
workspace-wide limit). Where the response_url cannot serve (not at Slack's host, used up, expired,
refused), the bot falls back to chat.update and chat.postMessage, and nothing is lost."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

import storage
from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.app import Kikitori
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import Clock, Person, answer_with, start_and_answer_org


def methods_since(fake: FakeSlack, start: int) -> list[str]:
    return [method for method, _ in fake.calls[start:]]


def echo_of(person: Person, message: dict[str, Any]) -> dict[str, Any]:
    """The message as it stands now in the person's DM (after the bot replaced it)."""
    return next(m for m in person.messages() if m["ts"] == message["ts"])


def click_on_title(respondent: Person, via: str | None = None) -> tuple[dict[str, Any], int]:
    """Answer 所属 and 氏名, then click 主任 on the 職名 question; returns that question and the
    index of the fake's calls where the click began. `via` overrides the click's response_url."""
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    title = respondent.question("q1_title")
    start = len(respondent.fake.calls)
    if via is None:
        respondent.act(title, refs.ANSWER, "主任")
    else:
        block_id, element = sr.find_element(title["blocks"], lambda el: el.get("action_id") == refs.ANSWER)
        request = sr.block_actions(
            user_id=respondent.user_id,
            team_id=sr.TEAM_ID,
            channel_id=respondent.dm,
            message_ts=title["ts"],
            message_blocks=title["blocks"],
            action=sr.action_for(block_id, element, "主任"),
            trigger_id=respondent.fake.issue_trigger(respondent.user_id),
            response_url=via,
        )
        assert respondent.sender.send(request).status == 200
    respondent.question("q2_age")
    return title, start


def test_an_answer_click_spends_no_web_api_call(bot: Kikitori, respondent: Person) -> None:
    fake = respondent.fake
    title, start = click_on_title(respondent)  # and the next question came
    fake.wait_for(lambda: fake.edit_count(respondent.dm, title["ts"]) == 1)
    assert methods_since(fake, start) == []
    echo = echo_of(respondent, title)
    assert "主任" in str(echo["blocks"]) and not any(b["type"] == "actions" for b in echo["blocks"])


@pytest.mark.parametrize("kind", ["elsewhere", "used up"])
def test_a_response_url_that_cannot_serve_falls_back_to_chat_update(
    bot: Kikitori, respondent: Person, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = respondent.fake
    if kind == "elsewhere":
        # Signed and Slack-shaped, but the URL is not at the fake Slack's origin: never followed.
        url = sr.new_response_url(sr.TEAM_ID)
    else:
        url = fake.response_url(respondent.dm, respondent.user_id)
        for _ in range(5):  # Slack allows 5 uses; this one has none left
            fake.respond(url.rsplit("/", 1)[1], {"text": ""})
    title, start = click_on_title(respondent, via=url)
    fake.wait_for(lambda: "chat.update" in methods_since(fake, start))
    assert sorted(methods_since(fake, start)) == ["chat.postMessage", "chat.update"]
    assert fake.edit_count(respondent.dm, title["ts"]) == 1
    assert "主任" in str(echo_of(respondent, title)["blocks"])
    # The bot's lines (and its libraries'), not the fake Slack's own: a response_url is a
    # capability and is never logged.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("sandbox"))
    assert url not in logged and "/_fake/respond/" not in logged


def test_a_launch_of_clicks_spends_no_web_api_call_under_slacks_limits(
    bot: Kikitori, fake_slack: FakeSlack, clock: Clock, respondent: Person
) -> None:
    """With Slack's limits enforced, 60 people's clicks at once: chat.update (Tier 3, 50 a minute)
    would be refused past the 50th; through the response_urls no Web API call is spent."""
    fake_slack.enforce_rate_limits(lambda: clock.now.timestamp())
    people = [Person(f"U0CLICK{n:03d}", fake_slack, respondent.sender) for n in range(60)]
    for person in people:
        fake_slack.add_user(person.user_id, person.user_id)
        # Known already (they opened the bot's Home once), so no conversations.open either.
        storage.remember_dm_channel(bot.engine, person.user_id, person.dm, now=clock.now)
    questions = []
    for person in people:
        name = start_and_answer_org(person)
        questions.append(name)
    clock.now += timedelta(seconds=3)  # each DM's posting window (3 in 3 s) is clear again
    start = len(fake_slack.calls)
    for person, name in zip(people, questions, strict=True):
        person.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    for person in people:
        person.question("q1_title")
    assert methods_since(fake_slack, start) == []
    assert fake_slack.ratelimited() == {}


def test_a_long_text_modal_spends_only_its_views_open(bot: Kikitori, respondent: Person) -> None:
    """The modal's answer is echoed and the next question posted through the response_url of the
    click that opened the modal (kept in the modal's private_metadata)."""
    flow = bot.catalog.current
    start = start_and_answer_org(respondent)
    long_text = next(q for q in flow.questions if q.type == "long_text")
    plan = dict(LONGEST_PATH_ANSWERS)
    fake = respondent.fake
    message = start
    while True:  # answer up to the first long-text question
        question_id = next(
            block["block_id"].split("|")[3]
            for block in message["blocks"]
            if (block.get("block_id") or "").endswith("|input")
        )
        if question_id == long_text.id:
            break
        before = len(respondent.messages())
        answer_with(respondent, message, flow.by_id[question_id].type, plan[question_id])
        message = respondent.wait_for_message(
            lambda m: any((b.get("block_id") or "").endswith("|input") for b in m.get("blocks") or []),
            after=before,
        )
    start_calls = len(fake.calls)
    before = len(respondent.messages())
    answer_with(respondent, message, "long_text", plan[long_text.id])
    respondent.wait_for_message(
        lambda m: any((b.get("block_id") or "").endswith("|input") for b in m.get("blocks") or []),
        after=before,
    )
    assert methods_since(fake, start_calls) == ["views.open"]
    echo = echo_of(respondent, message)  # the question, answered, without its button
    assert not any((b.get("block_id") or "").endswith("|input") for b in echo["blocks"])
