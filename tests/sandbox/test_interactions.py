"""What a person does in the page reaches the bot as Slack would send it: signed, shaped, with a usable
trigger_id and response_url; and the bot's answers are shown as Slack would show them."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from sandbox import slack_payloads as sp
from sandbox.fake_slack import FakeSlack
from sandbox.interactions import NOT_A_MEMBER, STALE_MESSAGE, Interactions
from sandbox.people import ADMIN, ADMIN_CHANNEL_ID, PEOPLE, make_workspace
from tests.sandbox.recording_bot import SECRET, RecordingBot

TOKEN = "xoxb-sandbox-test"
RESPONDENT = PEOPLE[0]
QUESTION_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*質問* どれですか?"}},
    {
        "type": "actions",
        "elements": [
            {
                "type": "radio_buttons",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "A"}, "value": "a"},
                    {"text": {"type": "plain_text", "text": "B"}, "value": "b"},
                ],
            }
        ],
    },
    {
        "type": "input",
        "dispatch_action": True,
        "element": {"type": "plain_text_input", "action_id": "note", "initial_value": "最初"},
        "label": {"type": "plain_text", "text": "メモ"},
    },
    {
        "type": "actions",
        "elements": [{"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "次へ"}}],
    },
]
MODAL = {
    "type": "modal",
    "callback_id": "long",
    "title": {"type": "plain_text", "text": "回答の入力"},
    "submit": {"type": "plain_text", "text": "保存"},
    "blocks": [
        {
            "type": "input",
            "block_id": "answer_block",
            "element": {"type": "plain_text_input", "action_id": "answer", "multiline": True},
            "label": {"type": "plain_text", "text": "回答"},
        }
    ],
}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with make_workspace(TOKEN) as running:
        yield running


@pytest.fixture
def bot() -> Iterator[RecordingBot]:
    with RecordingBot() as recording:
        yield recording


@pytest.fixture
def interactions(fake: FakeSlack, bot: RecordingBot) -> Interactions:
    return Interactions(fake, sp.SlackSender(bot.url, SECRET))


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url)


def posted_question(fake: FakeSlack, client: WebClient) -> dict[str, Any]:
    client.chat_postMessage(channel=RESPONDENT.id, text="質問", blocks=QUESTION_BLOCKS)
    message = fake.messages(RESPONDENT.id)[-1]
    return {**message, "blocks": sp.render_blocks(message["blocks"])}  # what the page shows


def ids_of(blocks: list[dict[str, Any]], action_id: str) -> str:
    return next(
        block_id for block_id, element in sp.iter_elements(blocks) if element["action_id"] == action_id
    )


def test_a_choice_arrives_as_slacks_signed_block_actions_with_the_whole_state(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    message = posted_question(fake, client)
    dm = fake.dm_channel(RESPONDENT.id)
    pick, note = ids_of(message["blocks"], "pick"), ids_of(message["blocks"], "note")

    outcome = interactions.message_action(
        RESPONDENT,
        dm,
        message["ts"],
        pick,
        "pick",
        "b",
        [{"block_id": note, "action_id": "note", "value": "書いた"}],
    )

    assert outcome.ok
    [received] = bot.received
    assert received.signed and received.path == "/slack/events"
    assert received.content_type == "application/x-www-form-urlencoded"
    payload = received.payload()
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == RESPONDENT.id and payload["team"]["id"] == sp.TEAM_ID
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": dm,
        "is_ephemeral": False,
    }
    assert payload["message"]["blocks"] == message["blocks"]
    [action] = payload["actions"]
    assert (action["type"], action["block_id"], action["action_id"]) == ("radio_buttons", pick, "pick")
    assert action["selected_option"]["value"] == "b"
    assert payload["state"]["values"] == {
        pick: {"pick": {"type": "radio_buttons", "selected_option": action["selected_option"]}},
        note: {"note": {"type": "plain_text_input", "value": "書いた"}},
    }
    # The trigger_id opens a modal; the response_url answers in the conversation, only to that person.
    assert client.views_open(trigger_id=payload["trigger_id"], view=MODAL)["ok"]
    reply = urllib.request.Request(
        payload["response_url"],
        data=json.dumps({"text": "受け付けました"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(reply) as answered:
        assert answered.status == 200
    assert fake.ephemeral(dm, RESPONDENT.id)[-1]["text"] == "受け付けました"


def test_untouched_inputs_report_their_initial_value(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    message = posted_question(fake, client)
    go, note = ids_of(message["blocks"], "go"), ids_of(message["blocks"], "note")
    interactions.message_action(RESPONDENT, fake.dm_channel(RESPONDENT.id), message["ts"], go, "go", None)
    payload = bot.received[-1].payload()
    assert payload["actions"][0]["type"] == "button"
    assert payload["state"]["values"][note]["note"]["value"] == "最初"


def test_stale_or_someone_elses_actions_never_reach_the_bot(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    message = posted_question(fake, client)
    dm = fake.dm_channel(RESPONDENT.id)
    pick = ids_of(message["blocks"], "pick")
    assert interactions.message_action(RESPONDENT, dm, "1.000001", pick, "pick", "a").error == STALE_MESSAGE
    assert (
        interactions.message_action(RESPONDENT, dm, message["ts"], "gone", "pick", "a").error == STALE_MESSAGE
    )
    assert (
        interactions.message_action(RESPONDENT, dm, message["ts"], pick, "pick", "z").error == STALE_MESSAGE
    )
    # Another person's DM and the private admin channel are not theirs to act in.
    assert interactions.message_action(PEOPLE[1], dm, message["ts"], pick, "pick", "a").error == NOT_A_MEMBER
    assert interactions.command(RESPONDENT, ADMIN_CHANNEL_ID, "/survey").error == NOT_A_MEMBER
    assert bot.received == []


def test_a_keyword_asks_the_app_for_options(
    fake: FakeSlack, bot: RecordingBot, interactions: Interactions
) -> None:
    options = [{"text": {"type": "plain_text", "text": "010020 総務部 法務文書課"}, "value": "010020"}]
    bot.answer({"options": options})
    dm = fake.dm_channel(RESPONDENT.id)
    outcome = interactions.suggest(
        RESPONDENT, "kk|1|1|org|input", "kk_answer", "法務", channel=dm, ts="1.000100"
    )
    assert outcome.options == options
    payload = bot.received[-1].payload()
    assert bot.received[-1].signed
    assert (payload["type"], payload["value"], payload["action_id"]) == (
        "block_suggestion",
        "法務",
        "kk_answer",
    )
    assert payload["container"]["channel_id"] == dm


def test_a_modal_stays_open_with_the_apps_errors_and_closes_on_an_empty_ack(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    view = client.views_open(trigger_id=fake.issue_trigger(RESPONDENT.id), view=MODAL)["view"]
    values = [{"block_id": "answer_block", "action_id": "answer", "value": "短い"}]
    bot.answer({"response_action": "errors", "errors": {"answer_block": "10文字以上で入力してください。"}})

    outcome = interactions.submit_view(RESPONDENT, view["id"], values)

    assert outcome.view_errors == {"answer_block": "10文字以上で入力してください。"}
    assert [v["id"] for v in fake.open_views(RESPONDENT.id)] == [view["id"]]
    payload = bot.received[-1].payload()
    assert payload["type"] == "view_submission" and payload["view"]["callback_id"] == "long"
    assert payload["view"]["state"]["values"] == {
        "answer_block": {"answer": {"type": "plain_text_input", "value": "短い"}}
    }
    bot.answer(None)
    assert interactions.submit_view(RESPONDENT, view["id"], values).ok
    assert fake.open_views(RESPONDENT.id) == []


def test_closing_a_modal_tells_the_app_only_when_it_asked(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    quiet = client.views_open(trigger_id=fake.issue_trigger(RESPONDENT.id), view=MODAL)["view"]
    interactions.close_view(RESPONDENT, quiet["id"])
    assert fake.open_views(RESPONDENT.id) == [] and bot.received == []
    loud = client.views_open(
        trigger_id=fake.issue_trigger(RESPONDENT.id), view={**MODAL, "notify_on_close": True}
    )
    interactions.close_view(RESPONDENT, loud["view"]["id"])
    assert bot.received[-1].payload()["type"] == "view_closed"


def test_a_slash_commands_reply_is_shown_only_to_that_person(
    fake: FakeSlack, bot: RecordingBot, interactions: Interactions
) -> None:
    bot.answer({"text": "ボットとのダイレクトメッセージでお知らせします。"})
    dm = fake.dm_channel(RESPONDENT.id)
    assert interactions.command(RESPONDENT, dm, "/survey  再開 ").ok
    received = bot.received[-1]
    assert received.signed and received.content_type == "application/x-www-form-urlencoded"
    form = received.form()
    assert (form["command"], form["text"], form["user_id"], form["channel_id"]) == (
        "/survey",
        "再開",
        RESPONDENT.id,
        dm,
    )
    assert [m["text"] for m in fake.ephemeral(dm, RESPONDENT.id)] == [
        "ボットとのダイレクトメッセージでお知らせします。"
    ]
    assert fake.ephemeral(dm, PEOPLE[1].id) == [] and fake.messages(dm) == []


def test_a_command_the_app_does_not_declare_is_refused_by_slack(
    bot: RecordingBot, interactions: Interactions
) -> None:
    outcome = interactions.command(RESPONDENT, "D" + RESPONDENT.id, "/unknown")
    assert not outcome.ok and "/unknown" in (outcome.error or "")
    assert bot.received == []


def test_a_direct_message_is_stored_then_sent_as_message_im(
    fake: FakeSlack, bot: RecordingBot, interactions: Interactions
) -> None:
    assert interactions.direct_message(RESPONDENT, "再開").ok
    [stored] = fake.messages(RESPONDENT.id)
    assert stored["user"] == RESPONDENT.id and "bot_id" not in stored
    envelope = bot.received[-1].payload()
    assert bot.received[-1].signed and envelope["type"] == "event_callback"
    event = envelope["event"]
    assert (event["type"], event["channel_type"], event["text"], event["ts"]) == (
        "message",
        "im",
        "再開",
        stored["ts"],
    )


def test_opening_the_home_tab_sends_the_published_view(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    client.views_publish(user_id=RESPONDENT.id, view={"type": "home", "blocks": QUESTION_BLOCKS[:1]})
    bot.answer(None, status=404)  # an app with no listener for it: Slack shows nothing
    assert interactions.open_tab(RESPONDENT, "home").ok
    event = bot.received[-1].payload()["event"]
    assert (event["type"], event["tab"], event["user"]) == ("app_home_opened", "home", RESPONDENT.id)
    home = fake.home_view(RESPONDENT.id)
    assert home is not None and event["view"]["id"] == home["id"]


def test_an_administrator_acts_in_the_admin_channel(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    client.chat_postMessage(channel=ADMIN_CHANNEL_ID, text="概要", blocks=QUESTION_BLOCKS[3:])
    message = fake.messages(ADMIN_CHANNEL_ID)[-1]
    go = ids_of(sp.render_blocks(message["blocks"]), "go")
    assert interactions.message_action(ADMIN, ADMIN_CHANNEL_ID, message["ts"], go, "go", None).ok
    assert (
        interactions.message_action(RESPONDENT, ADMIN_CHANNEL_ID, message["ts"], go, "go", None).error
        == NOT_A_MEMBER
    )
    payload = bot.received[-1].payload()
    assert payload["user"]["id"] == ADMIN.id and payload["channel"]["id"] == ADMIN_CHANNEL_ID


def test_a_bot_that_fails_is_reported_to_the_person(
    fake: FakeSlack, client: WebClient, bot: RecordingBot, interactions: Interactions
) -> None:
    message = posted_question(fake, client)
    go = ids_of(message["blocks"], "go")
    bot.answer(None, status=500)
    outcome = interactions.message_action(
        RESPONDENT, fake.dm_channel(RESPONDENT.id), message["ts"], go, "go", None
    )
    assert not outcome.ok and "HTTP 500" in (outcome.error or "")
