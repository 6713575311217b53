"""Each person's DM channel is asked of Slack at most once, by any number of processes, and never
when a payload has shown it: conversations.open is rate-limited (Tier 3)."""

from __future__ import annotations

from sqlalchemy import Engine

import storage
from bot.dm_learning import dm_of
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import OTHER, RESPONDENT, Clock, Person, build_bot, serve


def opens(fake: FakeSlack) -> list[str]:
    return [str(params.get("users")) for method, params in fake.calls if method == "conversations.open"]


def test_a_dm_shown_by_a_payload_is_never_asked_for(
    engine: Engine, fake_slack: FakeSlack, clock: Clock, respondent: Person
) -> None:
    # Typed in the DM first: the event names the channel, and the bot answers there.
    assert respondent.sender.send(sr.im_message(RESPONDENT, respondent.dm, "ヘルプ")).status == 200
    respondent.wait_for_message(lambda m: True)
    assert opens(fake_slack) == []
    assert storage.find_dm_channel(engine, RESPONDENT) == respondent.dm


def test_one_open_per_person_whatever_the_number_of_processes(
    engine: Engine, fake_slack: FakeSlack, clock: Clock
) -> None:
    first, second = build_bot(engine, fake_slack, clock), build_bot(engine, fake_slack, clock)
    with serve(first) as one, serve(second) as two:
        for url in (one, two, one):
            person = Person(RESPONDENT, fake_slack, sr.SlackSender(url, "test-signing-secret"))
            before = len(person.messages())
            # /survey teaches nothing (its channel may be a DM between two people): asked once, stored.
            assert person.command("ヘルプ").status == 200
            person.wait_for_message(lambda m: True, after=before)
    assert opens(fake_slack) == [RESPONDENT]
    assert storage.find_dm_channel(engine, RESPONDENT) == fake_slack.dm_channel(RESPONDENT)


def test_only_payloads_that_are_surely_the_bots_dm_teach() -> None:
    blocks = [{"type": "actions", "block_id": "b", "elements": [{"type": "button", "action_id": "kk_help"}]}]
    block_id, button = sr.find_element(blocks, "kk_help")
    click = sr.block_actions(
        user_id=RESPONDENT,
        team_id=sr.TEAM_ID,
        channel_id="D0RESPOND1",
        message_ts="1.2",
        message_blocks=blocks,
        action=sr.button_action(block_id, button),
    ).data
    assert dm_of(click) is None  # the bot knew that DM already; a forged click must not re-point it
    assert dm_of(sr.im_message(RESPONDENT, "D0RESPOND1", "開始").data) == (RESPONDENT, "D0RESPOND1")
    assert (
        dm_of(sr.slash_command(user_id=OTHER, team_id=sr.TEAM_ID, channel_id="D0SOMEONE", text="").data)
        is None
    )
    in_a_channel = {
        **click,
        "container": {"type": "message", "channel_id": "C0ADMIN001", "message_ts": "1.2"},
    }
    assert dm_of(in_a_channel) is None
    assert dm_of({"type": "event_callback", "event": "not an object"}) is None
