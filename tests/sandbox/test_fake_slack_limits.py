"""The fake Slack's rate-limit mode (sandbox/fake_slack/limits.py): Slack's published tiers, 429 with
Retry-After, per-channel chat.postMessage, counts of refusals; and the member lists it serves
(conversations.members, usergroups.users.list) for bulk invitations. The clock is injected: nothing
sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from sandbox.fake_slack import FakeSlack
from sandbox.fake_slack.limits import (
    METHOD_BUDGETS,
    POST_MESSAGE_PER_CHANNEL,
    POST_MESSAGE_PER_WORKSPACE,
    TIER_3,
    Budget,
    RateLimits,
)
from sandbox.fake_slack.state import _API

USER = "U0SATO"
OTHER = "U0SUZUKI"


@dataclass
class Seconds:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(users={USER: "Sato Hanako", OTHER: "Suzuki Ichiro"}) as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.token, base_url=fake.base_url, timeout=5)  # no rate-limit retries


def refused(call: Callable[..., object], *args: Any, **kwargs: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return caught.value


def retry_after(error: SlackApiError) -> int:
    return int(error.response.headers["Retry-After"])


def test_the_limits_are_off_by_default(fake: FakeSlack, client: WebClient) -> None:
    for _ in range(TIER_3.calls + 10):
        client.conversations_open(users=USER)
    for _ in range(POST_MESSAGE_PER_CHANNEL.calls + 5):
        client.chat_postMessage(channel=USER, text="hi")
    assert fake.rate_limits is None and fake.ratelimited() == {}


def test_a_tier_3_method_is_refused_after_its_budget_with_the_seconds_until_the_window_frees(
    fake: FakeSlack, client: WebClient
) -> None:
    clock = Seconds()
    fake.enforce_rate_limits(clock)
    for step in range(TIER_3.calls):  # 50 in 49 s: within one minute
        clock.now = 1_000.0 + step
        client.conversations_open(users=USER)
    error = refused(client.conversations_open, users=USER)
    assert error.response.status_code == 429
    assert error.response.data == {"ok": False, "error": "ratelimited"}
    assert retry_after(error) == 11  # the first call (at 1000 s) leaves the window at 1060 s
    clock.now = 1_059.5
    assert retry_after(refused(client.conversations_open, users=USER)) == 1  # rounded up
    assert fake.ratelimited() == {"conversations.open": 2}

    # Other methods have budgets of their own.
    client.users_info(user=USER)
    client.chat_update(channel=USER, ts=client.chat_postMessage(channel=USER, text="a")["ts"], text="b")


def test_the_budget_refills_with_the_clock(fake: FakeSlack, client: WebClient) -> None:
    clock = Seconds()
    fake.enforce_rate_limits(clock)
    for _ in range(TIER_3.calls):
        client.conversations_open(users=USER)
    assert retry_after(refused(client.conversations_open, users=USER)) == 60
    clock.now += 60  # the whole minute has passed: a full budget again
    for _ in range(TIER_3.calls):
        client.conversations_open(users=USER)
    assert retry_after(refused(client.conversations_open, users=USER)) == 60
    assert fake.ratelimited() == {"conversations.open": 2}


def test_chat_post_message_is_limited_per_channel(fake: FakeSlack, client: WebClient) -> None:
    clock = Seconds()
    fake.enforce_rate_limits(clock)
    for _ in range(POST_MESSAGE_PER_CHANNEL.calls):  # a short burst is allowed
        client.chat_postMessage(channel=USER, text="hi")
    error = refused(client.chat_postMessage, channel=f"D{USER}", text="hi")  # the same DM, by its id
    assert error.response.status_code == 429 and retry_after(error) == 3
    client.chat_postMessage(channel=OTHER, text="hi")  # another channel is not held up
    clock.now += 1
    assert retry_after(refused(client.chat_postMessage, channel=USER, text="hi")) == 2
    clock.now += 2  # about one a second
    client.chat_postMessage(channel=USER, text="hi")
    assert fake.ratelimited() == {"chat.postMessage": 2}
    assert len(fake.messages(USER)) == POST_MESSAGE_PER_CHANNEL.calls + 1  # refused posts left nothing


def test_chat_post_message_has_a_workspace_wide_limit_too() -> None:
    clock = Seconds()
    limits = RateLimits(clock)
    for number in range(POST_MESSAGE_PER_WORKSPACE.calls):
        assert limits.admit("chat.postMessage", f"D0USER{number}") is None
    assert limits.admit("chat.postMessage", "D0SOMEONEELSE") == 60
    assert limits.ratelimited() == {"chat.postMessage": 1}


def test_a_refused_call_does_not_use_the_budget() -> None:
    clock = Seconds()
    limits = RateLimits(clock, {"a.method": Budget(2, 10)})
    assert limits.admit("a.method") is None and limits.admit("a.method") is None
    for _ in range(5):
        assert limits.admit("a.method") == 10
    clock.now += 10
    assert limits.admit("a.method") is None and limits.admit("a.method") is None
    assert limits.admit("a.method") == 10
    assert limits.ratelimited() == {"a.method": 6}


def test_reset_forgets_the_windows_and_the_counts(fake: FakeSlack, client: WebClient) -> None:
    fake.enforce_rate_limits(Seconds())
    for _ in range(TIER_3.calls):
        client.conversations_open(users=USER)
    refused(client.conversations_open, users=USER)
    fake.reset()
    assert fake.ratelimited() == {}
    client.conversations_open(users=USER)  # still on, with a fresh budget
    assert fake.rate_limits is not None


def test_every_method_of_the_fake_has_a_budget() -> None:
    assert set(_API) <= set(METHOD_BUDGETS)
    assert METHOD_BUDGETS["conversations.open"] == TIER_3
    assert METHOD_BUDGETS["usergroups.users.list"].calls == 20
    assert METHOD_BUDGETS["conversations.members"].calls == METHOD_BUDGETS["users.info"].calls == 100
    assert METHOD_BUDGETS["chat.postEphemeral"].calls == 100
    assert METHOD_BUDGETS["chat.update"] == TIER_3
    assert {
        METHOD_BUDGETS[m].calls for m in ("views.open", "views.push", "views.update", "views.publish")
    } == {100}


# ----- the member lists behind bulk invitations -----------------------------------------------------


def test_conversations_members_pages_through_a_channel(fake: FakeSlack, client: WebClient) -> None:
    people = [f"U0P{n:05d}" for n in range(2_500)]
    fake.add_channel("C0ALL", "all-staff", members=people)
    first = client.conversations_members(channel="C0ALL", limit=1000)
    assert first["members"] == people[:1000]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_members(channel="C0ALL", limit=1000, cursor=cursor)
    third = client.conversations_members(
        channel="C0ALL", limit=1000, cursor=second["response_metadata"]["next_cursor"]
    )
    assert third["members"] == [*people[2000:], fake.bot_user_id]  # the bot is a member too
    assert third["response_metadata"]["next_cursor"] == ""
    assert (
        refused(client.conversations_members, channel="C0ALL", limit=1001).response["error"]
        == "invalid_limit"
    )
    assert client.conversations_members(channel="C0ALL")["members"] == people[:100]  # Slack's default


def test_conversations_members_of_a_private_channel_needs_the_bot_in_it(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_channel("G0SECRET", "secret", is_private=True, is_member=False, members=[USER])
    fake.add_channel("C0TEAM", "team", is_private=True, members=[USER])
    assert refused(client.conversations_members, channel="G0SECRET").response["error"] == "channel_not_found"
    assert client.conversations_members(channel="C0TEAM")["members"] == [USER, fake.bot_user_id]
    fake.add_members("C0TEAM", [OTHER, USER])
    assert client.conversations_members(channel="C0TEAM")["members"] == [USER, fake.bot_user_id, OTHER]
    assert refused(client.conversations_members, channel="C0NONE").response["error"] == "channel_not_found"


def test_usergroup_members_need_their_scope() -> None:
    with FakeSlack(scopes="chat:write,channels:read") as fake:
        fake.add_usergroup("S0KANRI", "kanri", [USER])
        client = WebClient(token=fake.token, base_url=fake.base_url, timeout=5)
        assert refused(client.usergroups_users_list, usergroup="S0KANRI").response["error"] == "missing_scope"


def test_usergroups_users_list(fake: FakeSlack, client: WebClient) -> None:
    fake.add_usergroup("S0KANRI", "kanri", [USER, OTHER, USER])
    assert client.usergroups_users_list(usergroup="S0KANRI")["users"] == [USER, OTHER]
    assert refused(client.usergroups_users_list, usergroup="S0NONE").response["error"] == "no_such_subteam"


def test_a_deactivated_account_cannot_be_messaged(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U0GONE", "Gone Person", deleted=True)
    assert refused(client.conversations_open, users="U0GONE").response["error"] == "user_disabled"
    assert client.users_info(user="U0GONE")["user"]["deleted"] is True


def _respond(url: str, text: str, *, anew: bool = False) -> tuple[int, str, str | None]:
    """POST to a response_url as slack_sdk's WebhookClient does, replacing the original or posting
    `anew` in the channel: (status, body, Retry-After)."""
    body = {"response_type": "in_channel", "text": text} if anew else {"replace_original": True, "text": text}
    response = WebhookClient(url, timeout=5, retry_handlers=[]).send_dict(body)
    return response.status_code, response.body, response.headers.get("Retry-After", [None])[0]


def test_a_response_url_serves_five_uses_within_thirty_minutes(fake: FakeSlack, client: WebClient) -> None:
    clock = Seconds()
    fake.enforce_rate_limits(clock)
    ts = client.chat_postMessage(channel=USER, text="質問")["ts"]
    url = fake.response_url(USER, USER, ts)
    for use in range(5):
        clock.now += 2  # inside the channel's budget
        assert _respond(url, f"回答 {use}")[:2] == (200, '{"ok": true}')
    clock.now += 2
    assert _respond(url, "六回目")[:2] == (404, "used_url")
    late = fake.response_url(USER, USER, ts)
    clock.now += 30 * 60 + 1
    assert _respond(late, "遅い")[:2] == (404, "expired_url")
    assert [m["text"] for m in fake.messages(fake.dm_channel(USER))] == ["回答 4"]


def test_messages_posted_through_response_urls_have_a_channels_posting_budget(
    fake: FakeSlack, client: WebClient
) -> None:
    clock = Seconds()
    fake.enforce_rate_limits(clock)
    ts = client.chat_postMessage(channel=USER, text="質問")["ts"]
    urls = [fake.response_url(USER, USER, ts) for _ in range(POST_MESSAGE_PER_CHANNEL.calls + 1)]
    for url in urls[:-1]:
        assert _respond(url, "置き換え")[0] == 200  # a replacement posts nothing new: not counted
        assert _respond(url, "次の質問", anew=True)[0] == 200
    status, body, wait = _respond(urls[-1], "多すぎ", anew=True)
    assert (status, body, wait) == (429, "rate_limited", "3")
    assert fake.ratelimited() == {"response_url": 1}
    # chat.postMessage into the same DM has its own window: still room for two more.
    client.chat_postMessage(channel=USER, text="次の質問")
    client.chat_postMessage(channel=USER, text="次の次")
    clock.now += 3
    assert _respond(urls[-1], "間に合った", anew=True)[0] == 200
