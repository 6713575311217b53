"""The administrators' side end to end: the summary survives a refused post, and only administrators
can open the full answers."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

import storage
from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.app import Kikitori
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN, ADMIN_CHANNEL, Clock, Person, complete_survey


def _submit(bot: Kikitori, person: Person) -> str:
    person.command("")
    review = complete_survey(person, bot.catalog.current, LONGEST_PATH_ANSWERS)
    before = len(person.messages())
    person.act(review, refs.SUBMIT)
    receipt = person.wait_for_message(lambda m: "受付番号" in m.get("text", ""), after=before)
    return receipt["text"].split("受付番号は ")[1].split(" ")[0]


def _outbox(bot: Kikitori) -> list[storage.OutboxMessage]:
    """The admin posts in the outbox (the receipt to the respondent is its own message)."""
    with storage.session_scope(bot.engine) as session:
        rows = session.exec(select(storage.OutboxMessage))
        return [row for row in rows if row.kind == "admin_summary"]


def test_admin_post_refused_then_delivered_once_with_nothing_lost(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    # The bot has not been invited to the private admin channel yet: Slack answers channel_not_found.
    fake_slack.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=True, is_member=False)
    receipt = _submit(bot, respondent)
    fake_slack.wait_for(lambda: _outbox(bot)[0].last_error is not None)
    [pending] = _outbox(bot)
    assert (pending.status, pending.last_error) == (storage.OutboxStatus.PENDING, "channel_not_found")
    assert fake_slack.messages(ADMIN_CHANNEL) == []

    # Slack then fails once more with a server error, and the administrator invites the bot.
    fake_slack.fail_next("chat.postMessage", status=500)  # the outbox's client leaves retrying to the outbox
    clock.now += timedelta(minutes=1)
    bot.run_due_work()
    assert fake_slack.messages(ADMIN_CHANNEL) == []
    fake_slack.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=True, is_member=True)
    for _ in range(3):
        clock.now += timedelta(hours=1)
        bot.run_due_work()
    [summary] = fake_slack.messages(ADMIN_CHANNEL)
    assert receipt in summary["text"]
    assert [row.status for row in _outbox(bot)] == [storage.OutboxStatus.SENT]


def test_only_administrators_open_the_full_answers(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack
) -> None:
    receipt = _submit(bot, respondent)
    [summary] = fake_slack.wait_for(lambda: fake_slack.messages(ADMIN_CHANNEL))
    summary = {**summary, "channel": ADMIN_CHANNEL}

    other_person.act(summary, refs.ADMIN_FULL_ANSWERS)
    refused = fake_slack.wait_for(
        lambda: (
            fake_slack.ephemeral(ADMIN_CHANNEL, other_person.user_id)
            or fake_slack.ephemeral(other_person.dm, other_person.user_id)
        )
    )
    assert "管理者のみ" in refused[0]["text"]
    assert fake_slack.open_views(other_person.user_id) == []

    admin = Person(ADMIN, fake_slack, respondent.sender)
    admin.act(summary, refs.ADMIN_FULL_ANSWERS)
    [view] = fake_slack.wait_for(lambda: fake_slack.open_views(ADMIN))
    text = str(view["blocks"])
    assert receipt in text and "新潟 太郎" in text
    assert view["title"]["text"] == "回答の全文"
