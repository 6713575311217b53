"""Slack's retried deliveries (X-Slack-Retry-Num, same event_id) are handled once."""

from __future__ import annotations

import time

from bot.app import Kikitori
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import Person


def settle(fake: FakeSlack, quiet: float = 0.4) -> None:
    """Wait until the bot has made no Web API call for `quiet` seconds: listeners run after the ack,
    so a duplicate handled by mistake shows up only later."""
    seen, since = len(fake.calls), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.05)
        if len(fake.calls) != seen:
            seen, since = len(fake.calls), time.monotonic()


def test_a_redelivered_dm_starts_the_survey_once(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    title = bot.catalog.current.title
    request = sr.im_message(respondent.user_id, respondent.dm, "開始")
    assert respondent.sender.send(request).status == 200
    respondent.question("org")
    for retry in (1, 2, 3):
        assert respondent.sender.send(request, retry_num=retry).status == 200
    settle(fake_slack)
    # A different event with the same text is handled: it offers to resume, proving events still flow.
    assert respondent.sender.send(sr.im_message(respondent.user_id, respondent.dm, "開始")).status == 200
    respondent.wait_for_message(lambda m: "回答途中の調査があります" in m.get("text", ""))
    settle(fake_slack)
    assert [m.get("text") for m in respondent.messages()].count(title) == 1
    assert sum("回答途中の調査があります" in m.get("text", "") for m in respondent.messages()) == 1


def test_a_redelivered_home_opened_publishes_once(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    request = sr.app_home_opened(respondent.user_id)
    assert respondent.sender.send(request).status == 200
    fake_slack.wait_for(lambda: fake_slack.home_view(respondent.user_id))
    assert respondent.sender.send(request, retry_num=1, retry_reason="http_error").status == 200
    settle(fake_slack)
    second = sr.app_home_opened(respondent.user_id)
    assert respondent.sender.send(second).status == 200
    fake_slack.wait_for(lambda: [m for m, _ in fake_slack.calls].count("views.publish") >= 2)
    settle(fake_slack)
    assert [m for m, _ in fake_slack.calls].count("views.publish") == 2
