"""What the fake Slack does for the sandbox beyond the Web API: people's own messages, replies to a
slash command or a response_url, and Slack's handling of an app's answer to a modal submission."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from sandbox.fake_slack import FakeSlack

USER = "U0SATO"
CHANNEL = "C0ADMINS"
MODAL = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "入力"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "一"}}],
}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(users={USER: "佐藤 花子"}) as running:
        running.add_channel(CHANNEL, "admins", is_private=True)
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.token, base_url=fake.base_url)


def test_a_persons_message_is_stored_as_theirs_and_not_as_an_api_call(fake: FakeSlack) -> None:
    stored = fake.post_user_message(fake.dm_channel(USER), USER, "再開")
    assert fake.messages(USER) == [stored]
    assert stored["user"] == USER and "bot_id" not in stored
    assert fake.calls == []


def test_replies_are_ephemeral_unless_in_channel(fake: FakeSlack) -> None:
    fake.apply_response(CHANNEL, USER, {"text": "あなただけに"})
    fake.apply_response(CHANNEL, USER, {"text": "みんなに", "response_type": "in_channel"})
    fake.apply_response(CHANNEL, USER, {})  # an empty ack shows nothing
    assert [m["text"] for m in fake.ephemeral(CHANNEL, USER)] == ["あなただけに"]
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["みんなに"]


def test_a_response_url_replaces_or_deletes_the_original(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=CHANNEL, text="元の投稿")["ts"]
    replace = fake.response_url(CHANNEL, USER, ts)
    _post(replace, {"replace_original": True, "text": "置き換え"})
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["置き換え"]
    assert fake.edit_count(CHANNEL, ts) == 1
    _post(fake.response_url(CHANNEL, USER, ts), {"delete_original": "true"})
    assert fake.messages(CHANNEL) == []
    with pytest.raises(urllib.error.HTTPError) as unknown:
        _post(fake.root_url + "_fake/respond/nope", {"text": "x"})
    assert unknown.value.code == 404


def test_an_apps_answer_to_a_submission(fake: FakeSlack, client: WebClient) -> None:
    root = client.views_open(trigger_id=fake.issue_trigger(USER), view=MODAL)["view"]["id"]
    errors = fake.answer_view_submission(
        USER, root, {"response_action": "errors", "errors": {"b": "必須です"}}
    )
    assert errors == {"b": "必須です"} and len(fake.open_views(USER)) == 1
    fake.answer_view_submission(
        USER,
        root,
        {"response_action": "update", "view": {**MODAL, "title": {"type": "plain_text", "text": "更新"}}},
    )
    assert fake.open_views(USER)[0]["title"]["text"] == "更新" and fake.open_views(USER)[0]["id"] == root
    fake.answer_view_submission(USER, root, {"response_action": "push", "view": MODAL})
    pushed = fake.open_views(USER)[-1]
    assert len(fake.open_views(USER)) == 2 and pushed["previous_view_id"] == root
    assert fake.answer_view_submission(USER, pushed["id"], {}) is None  # an empty ack closes that view only
    assert [v["id"] for v in fake.open_views(USER)] == [root]
    fake.answer_view_submission(USER, root, {"response_action": "push", "view": MODAL})
    fake.answer_view_submission(USER, root, {"response_action": "clear"})
    assert fake.open_views(USER) == []


def test_closing_a_view_closes_those_above_it(fake: FakeSlack, client: WebClient) -> None:
    root = client.views_open(trigger_id=fake.issue_trigger(USER), view=MODAL)["view"]["id"]
    client.views_push(trigger_id=fake.issue_trigger(USER), view=MODAL)
    fake.close_view(USER, root)
    assert fake.open_views(USER) == [] and fake.view(root) is None


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
