"""The fake Slack answers the real slack_sdk WebClient over loopback HTTP as Slack would."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from sandbox.fake_slack import FakeSlack

USER = "U0SATO"
OTHER = "U0SUZUKI"
ADMIN_CHANNEL = "C0ADMINS"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Q1"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Survey"}, "blocks": [SECTION]}
HOME = {"type": "home", "blocks": [SECTION]}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(users={USER: "Sato Hanako", OTHER: "Suzuki Ichiro"}) as running:
        running.add_channel(ADMIN_CHANNEL, "survey-admins")
        running.add_channel("C0SECRET", "secret", is_private=True, is_member=False)
        running.add_channel("C0OUTSIDE", "outside", is_member=False)
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.token, base_url=fake.base_url, timeout=5)


def refused(call: Callable[..., object], *args: Any, **kwargs: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return caught.value


def error_of(call: Callable[..., object], *args: Any, **kwargs: Any) -> str:
    """The `error` of a call that must be refused."""
    return str(refused(call, *args, **kwargs).response["error"])


# ----- identity and lifecycle -----------------------------------------------------------------------


def test_auth_test_tells_the_bot_who_it_is(fake: FakeSlack, client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["ok"] is True
    assert answer["user_id"] == fake.bot_user_id
    assert answer["bot_id"] == fake.bot_id
    assert answer["team_id"] == fake.team_id
    assert answer["url"].startswith("https://")
    assert "chat:write" in answer.headers["x-oauth-scopes"]  # Bolt reads the bot's scopes from here


def test_bolt_app_constructs_against_the_fake(fake: FakeSlack) -> None:
    app = App(client=WebClient(token=fake.token, base_url=fake.base_url), signing_secret="s3cret")
    assert app.client.base_url == fake.base_url
    assert fake.calls[0][0] == "auth.test"


def test_base_url_ends_with_a_slash_and_stop_frees_the_port() -> None:
    fake = FakeSlack().start()
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/api/"
    fake.stop()
    with pytest.raises(RuntimeError):
        _ = fake.base_url


def test_tokens_are_checked(fake: FakeSlack) -> None:
    assert error_of(WebClient(token="xoxb-wrong", base_url=fake.base_url).auth_test) == ("invalid_auth")
    assert error_of(WebClient(base_url=fake.base_url).auth_test) == "not_authed"


def test_unknown_method(client: WebClient) -> None:
    assert error_of(client.api_call, "chat.meMessage") == "unknown_method"


def test_token_sent_as_form_field_is_accepted_and_never_recorded(fake: FakeSlack) -> None:
    bare = WebClient(base_url=fake.base_url)
    bare.api_call("chat.postMessage", params={"token": fake.token, "channel": USER, "text": "hi"})
    assert fake.calls == [("chat.postMessage", {"channel": USER, "text": "hi"})]
    assert fake.token not in json.dumps(fake.snapshot())


# ----- messages ----------------------------------------------------------------------------------------


def test_post_then_update_keeps_the_current_version_and_counts_edits(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = client.conversations_open(users=USER)["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, text="Q1?", blocks=[SECTION])
    assert posted["channel"] == channel
    assert posted["message"]["text"] == "Q1?"
    assert posted["message"]["user"] == fake.bot_user_id
    second = client.chat_postMessage(channel=channel, text="Q2?", thread_ts=posted["ts"])
    assert float(second["ts"]) > float(posted["ts"])

    updated = client.chat_update(channel=channel, ts=posted["ts"], text="Q1: answered")
    assert updated["ts"] == posted["ts"]
    assert updated["message"]["blocks"] == [SECTION]  # blocks left out are kept, as Slack does

    texts = [(m["text"], m.get("thread_ts")) for m in fake.messages(channel)]
    assert texts == [("Q1: answered", None), ("Q2?", posted["ts"])]
    assert fake.edit_count(channel, posted["ts"]) == 1
    assert [v["text"] for v in fake.versions(channel, posted["ts"])] == ["Q1?", "Q1: answered"]
    assert [m["channel"] for m in fake.all_messages()] == [channel, channel]


def test_update_of_a_missing_message_is_refused(fake: FakeSlack, client: WebClient) -> None:
    assert error_of(client.chat_update, channel=USER, ts="1.000001", text="x") == "message_not_found"
    assert fake.messages(USER) == []


def test_delete(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=USER, text="bye")
    client.chat_delete(channel=posted["channel"], ts=posted["ts"])
    assert fake.messages(USER) == []


def test_posting_to_a_user_id_lands_in_their_dm(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=USER, text="hi")
    assert (
        posted["channel"] == fake.dm_channel(USER) == client.conversations_open(users=USER)["channel"]["id"]
    )
    assert fake.dm_channel(USER) != fake.dm_channel(OTHER)
    assert fake.messages(USER) == fake.messages(fake.dm_channel(USER))


def test_channel_errors(fake: FakeSlack, client: WebClient) -> None:
    for channel, error in [("C0NOWHERE", "channel_not_found"), ("C0SECRET", "channel_not_found")]:
        assert error_of(client.chat_postMessage, channel=channel, text="x") == error
    assert error_of(client.chat_postMessage, channel="C0OUTSIDE", text="x") == "not_in_channel"
    assert client.chat_postMessage(channel="#survey-admins", text="by name")["channel"] == ADMIN_CHANNEL
    assert fake.all_messages()[0]["channel"] == ADMIN_CHANNEL


def test_ephemeral_is_kept_apart_from_the_channel(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel=ADMIN_CHANNEL, user=USER, text="only you", blocks=[SECTION])
    assert answer["message_ts"]
    assert fake.messages(ADMIN_CHANNEL) == []
    assert [m["text"] for m in fake.ephemeral(ADMIN_CHANNEL, USER)] == ["only you"]
    assert fake.ephemeral(ADMIN_CHANNEL, OTHER) == []
    assert (
        error_of(client.chat_postEphemeral, channel=fake.dm_channel(OTHER), user=USER, text="x")
        == "user_not_in_channel"
    )


def test_blocks_as_json_body_and_as_form_field_are_both_stored_as_dicts(
    fake: FakeSlack, client: WebClient
) -> None:
    client.chat_postMessage(channel=USER, text="json", blocks=[SECTION])  # slack_sdk sends JSON here
    client.api_call(
        "chat.postMessage", params={"channel": USER, "text": "form", "blocks": json.dumps([SECTION])}
    )
    assert [m["blocks"] for m in fake.messages(USER)] == [[SECTION], [SECTION]]
    assert [c[1]["blocks"] for c in fake.calls] == [[SECTION], json.dumps([SECTION])]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_block_mistakes_are_refused_and_nothing_is_stored(fake: FakeSlack, client: WebClient) -> None:
    too_many = [{"type": "divider"}] * 51
    twins = [{**SECTION, "block_id": "q"}, {"type": "divider", "block_id": "q"}]
    for blocks in (too_many, twins):
        assert error_of(client.chat_postMessage, channel=USER, blocks=blocks) == "invalid_blocks"
    assert (
        error_of(client.api_call, "chat.postMessage", params={"channel": USER, "blocks": "[{"})
        == "invalid_blocks_format"
    )
    assert error_of(client.chat_postMessage, channel=USER) == "no_text"
    assert fake.all_messages() == []


# ----- people and channels ------------------------------------------------------------------------------


def test_users_info(client: WebClient) -> None:
    user = client.users_info(user=USER)["user"]
    assert user["real_name"] == user["profile"]["real_name"] == "Sato Hanako"
    assert user["profile"]["display_name"] == "Sato Hanako"
    assert (user["tz"], user["is_admin"]) == ("Asia/Tokyo", False)
    assert error_of(client.users_info, user="U0NOBODY") == "user_not_found"


def test_add_user_overrides_fields(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U0BOSS", "Boss", is_admin=True, display_name="boss")
    user = client.users_info(user="U0BOSS")["user"]
    assert (user["is_admin"], user["profile"]["display_name"]) == (True, "boss")


def test_conversations_info(fake: FakeSlack, client: WebClient) -> None:
    channel = client.conversations_info(channel=ADMIN_CHANNEL)["channel"]
    assert (channel["id"], channel["name"], channel["is_private"], channel["is_member"]) == (
        ADMIN_CHANNEL,
        "survey-admins",
        False,
        True,
    )
    assert client.conversations_info(channel=fake.dm_channel(USER))["channel"]["is_im"] is True
    for missing in ("C0NOWHERE", "C0SECRET"):
        assert error_of(client.conversations_info, channel=missing) == "channel_not_found"


# ----- views ----------------------------------------------------------------------------------------------


def test_home_view_is_published_per_user_with_a_stable_id(fake: FakeSlack, client: WebClient) -> None:
    first = client.views_publish(user_id=USER, view=HOME)["view"]
    second = client.views_publish(user_id=USER, view={**HOME, "blocks": []})["view"]
    assert first["id"] == second["id"]
    home = fake.home_view(USER)
    assert home is not None and home["blocks"] == []
    assert fake.home_view(OTHER) is None


def test_modals_open_push_and_update(fake: FakeSlack, client: WebClient) -> None:
    assert error_of(client.views_open, trigger_id="", view=MODAL) == "invalid_arguments"
    assert error_of(client.views_open, trigger_id="1.2.3", view=MODAL) == "invalid_trigger_id"

    trigger = fake.issue_trigger(USER)
    opened = client.views_open(trigger_id=trigger, view={**MODAL, "external_id": "draft-1"})["view"]
    assert opened["id"].startswith("V") and opened["state"] == {"values": {}}
    assert error_of(client.views_open, trigger_id=trigger, view=MODAL) == "exchanged_trigger_id"

    pushed = client.views_push(trigger_id=fake.issue_trigger(USER), view=MODAL)["view"]
    assert pushed["previous_view_id"] == opened["id"]
    client.views_update(external_id="draft-1", view={**MODAL, "blocks": []})
    assert [v["blocks"] for v in fake.open_views(USER)] == [[], [SECTION]]

    assert error_of(client.views_update, view_id=opened["id"], hash="stale", view=MODAL) == "hash_conflict"
    fake.close_views(USER)
    assert fake.open_views(USER) == []
    assert error_of(client.views_update, view_id=opened["id"], view=MODAL) == "not_found"


def test_expired_trigger_is_refused() -> None:
    with FakeSlack(trigger_ttl=0.0) as strict:
        late = WebClient(token=strict.token, base_url=strict.base_url)
        trigger = strict.issue_trigger(USER)
        time.sleep(0.01)
        assert error_of(late.views_open, trigger_id=trigger, view=MODAL) == "expired_trigger_id"
        assert strict.open_views(USER) == []


def test_a_modal_title_over_24_characters_is_refused(fake: FakeSlack, client: WebClient) -> None:
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    assert (
        error_of(client.views_open, trigger_id=fake.issue_trigger(USER), view=long_title)
        == "invalid_arguments"
    )


# ----- files -------------------------------------------------------------------------------------------------


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    content = "氏名,回答\n佐藤,はい\n".encode("utf-8-sig")
    answer = client.files_upload_v2(
        channel=ADMIN_CHANNEL, content=content, filename="a.csv", initial_comment="results"
    )
    file_id = answer["file"]["id"]
    assert answer["files"] == [{"id": file_id, "title": "a.csv"}]

    upload = fake.uploads[file_id]
    assert (upload["content"], upload["filename"], upload["shared_to"]) == (content, "a.csv", [ADMIN_CHANNEL])
    (share,) = fake.messages(ADMIN_CHANNEL)
    assert share["text"] == "results"
    assert [(f["id"], f["name"], f["size"]) for f in share["files"]] == [(file_id, "a.csv", len(content))]

    with urllib.request.urlopen(f"http://127.0.0.1:{fake.port}/_fake/files/{file_id}") as download:
        assert download.read() == content


def test_a_shared_image_says_its_size_and_any_name_can_be_downloaded(
    fake: FakeSlack, client: WebClient
) -> None:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (975).to_bytes(4, "big") + (1300).to_bytes(4, "big")
    client.files_upload_v2(channel=USER, content=header + b"\x08\x02\x00\x00\x00", filename="グラフ.png")
    client.files_upload_v2(channel=USER, content=b"a,b\n", filename="a.csv")
    image, table = (message["files"][0] for message in fake.messages(USER))
    assert (image["mimetype"], image["original_w"], image["original_h"]) == ("image/png", 975, 1300)
    assert table["mimetype"] == "text/csv" and "original_w" not in table
    assert fake.shared_file(image["id"]) is not None

    with urllib.request.urlopen(f"http://127.0.0.1:{fake.port}/_fake/files/{image['id']}") as download:
        disposition = download.headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"___.png\"; filename*=UTF-8''%E3%82%B0%E3%83%A9%E3%83%95.png"


def test_upload_url_accepts_a_multipart_form_as_curl_sends(fake: FakeSlack, client: WebClient) -> None:
    upload_url = client.files_getUploadURLExternal(filename="b.txt", length=3)["upload_url"]
    assert upload_url.startswith(f"http://127.0.0.1:{fake.port}/upload/")
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="filename"; filename="b.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nabc\r\n--XyZ--\r\n"
    )
    request = urllib.request.Request(
        upload_url, data=body, headers={"Content-Type": "multipart/form-data; boundary=XyZ"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.read() == b"OK - 3"
    assert [u["content"] for u in fake.uploads.values()] == [b"abc"]


def test_completing_an_upload_that_never_arrived_is_refused(fake: FakeSlack, client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="a.csv", length=3)["file_id"]
    assert (
        error_of(client.files_completeUploadExternal, files=[{"id": file_id}], channel_id=ADMIN_CHANNEL)
        == "file_not_found"
    )
    assert fake.messages(ADMIN_CHANNEL) == []


def test_upload_url_failure(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("upload", status=500)
    with pytest.raises(Exception, match="500"):
        client.files_upload_v2(channel=ADMIN_CHANNEL, content=b"x", filename="a.csv")
    assert fake.messages(ADMIN_CHANNEL) == []


# ----- failure injection ---------------------------------------------------------------------------------


def test_rate_limit_is_retried_after_retry_after_and_stored_once(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("slack_sdk.http_retry.builtin_handlers.random.random", lambda: 0.0)  # no jitter
    client = WebClient(token=fake.token, base_url=fake.base_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    fake.fail_next("chat.postMessage", status=429, retry_after=0)

    client.chat_postMessage(channel=USER, text="once")

    assert [m["text"] for m in fake.messages(USER)] == ["once"]
    assert [method for method, _ in fake.calls] == ["chat.postMessage", "chat.postMessage"]


def test_rate_limit_without_a_retry_handler_surfaces_429(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", retry_after=7)
    error = refused(client.chat_postMessage, channel=USER, text="x")
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"
    assert fake.messages(USER) == []


def test_server_errors_are_retried(fake: FakeSlack) -> None:
    client = WebClient(token=fake.token, base_url=fake.base_url)
    client.retry_handlers.append(
        ServerErrorRetryHandler(
            max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
        )
    )
    fake.fail_next("chat.postMessage", status=500, times=2)
    client.chat_postMessage(channel=USER, text="third time")
    assert len(fake.messages(USER)) == 1
    assert len(fake.calls) == 3


def test_injected_error_surfaces_as_slack_api_error_and_stores_nothing(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found")
    error = refused(client.chat_postMessage, channel=USER, text="x")
    assert (error.response.status_code, error.response["error"]) == (200, "channel_not_found")
    assert fake.messages(USER) == []
    client.chat_postMessage(channel=USER, text="now it works")
    assert len(fake.messages(USER)) == 1


def test_fail_next_rejects_a_misspelt_method(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="chat.postmessage"):
        fake.fail_next("chat.postmessage")


def test_slow_delays_the_answer(fake: FakeSlack, client: WebClient) -> None:
    fake.slow("auth.test", 0.2)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.2
    fake.slow("auth.test", 0)
    assert fake.delay_for("auth.test") == 0


# ----- introspection -----------------------------------------------------------------------------------


def test_wait_for_sees_a_message_sent_from_another_thread(fake: FakeSlack, client: WebClient) -> None:
    sender = threading.Timer(0.05, lambda: client.chat_postMessage(channel=USER, text="later"))
    sender.start()
    found = fake.wait_for(lambda: fake.messages(USER), timeout=2)
    assert found[0]["text"] == "later"
    sender.join()
    with pytest.raises(TimeoutError):
        fake.wait_for(lambda: fake.messages(OTHER), timeout=0.05)


def test_state_endpoint_returns_json(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=USER, text="hi")
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="hi again")
    client.views_publish(user_id=USER, view=HOME)
    client.files_upload_v2(channel=ADMIN_CHANNEL, content=b"a,b\n", filename="a.csv")

    with urllib.request.urlopen(f"http://127.0.0.1:{fake.port}/_fake/state") as response:
        assert response.headers.get_content_type() == "application/json"
        state = json.load(response)

    (message,) = state["channels"][fake.dm_channel(USER)]["messages"]
    assert (message["text"], message["edit_count"]) == ("hi again", 1)
    assert state["home_views"][USER]["type"] == "home"
    (upload,) = state["files"].values()
    assert upload["url"].startswith("/_fake/files/") and "content" not in upload
    assert state["calls"][0]["method"] == "chat.postMessage"


def test_introspection_returns_copies(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel=USER, text="original")
    fake.messages(USER)[0]["text"] = "tampered"
    assert fake.messages(USER)[0]["text"] == "original"


def test_reset_forgets_activity_but_keeps_configuration(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel=USER, text="x")
    fake.fail_next("auth.test", error="invalid_auth")
    fake.reset()
    assert (fake.all_messages(), fake.calls, fake.uploads) == ([], [], {})
    assert client.auth_test()["ok"] is True  # the pending failure went too
    assert client.users_info(user=USER)["user"]["real_name"] == "Sato Hanako"
    assert float(client.chat_postMessage(channel=USER, text="y")["ts"]) > float(first["ts"])


def test_the_fakes_own_pages_answer_only_loopback_names() -> None:
    with FakeSlack() as fake:
        url = f"http://127.0.0.1:{fake.port}/_fake/state"
        with urllib.request.urlopen(url, timeout=5) as reply:
            assert reply.status == 200
        rebound = urllib.request.Request(url, headers={"Host": f"attacker.example:{fake.port}"})
        try:
            urllib.request.urlopen(rebound, timeout=5)
        except urllib.error.HTTPError as refused:
            assert refused.code == 403
        else:
            raise AssertionError("a foreign Host was served")


# ----- history and message metadata ----------------------------------------------------------------


def test_history_is_newest_first_without_replies_and_metadata_only_when_asked(client: WebClient) -> None:
    marked = {"event_type": "kikitori_outbox_message", "event_payload": {"outbox_id": 7}}
    first = client.chat_postMessage(channel=ADMIN_CHANNEL, text="one", metadata=marked)["ts"]
    second = client.chat_postMessage(channel=ADMIN_CHANNEL, text="two")["ts"]
    reply = client.chat_postMessage(
        channel=ADMIN_CHANNEL, text="in thread", thread_ts=first, metadata=marked
    )["ts"]

    plain = client.conversations_history(channel=ADMIN_CHANNEL)["messages"]
    assert [m["ts"] for m in plain] == [second, first] and all("metadata" not in m for m in plain)
    with_metadata = client.conversations_history(channel=ADMIN_CHANNEL, include_all_metadata=True)["messages"]
    assert with_metadata[1]["metadata"] == marked
    page = client.conversations_history(channel=ADMIN_CHANNEL, limit=1)
    assert page["has_more"] and page["response_metadata"]["next_cursor"]
    rest = client.conversations_history(
        channel=ADMIN_CHANNEL, limit=1, cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in rest["messages"]] == [first]

    thread = client.conversations_replies(channel=ADMIN_CHANNEL, ts=first, include_all_metadata=True)[
        "messages"
    ]
    assert [m["ts"] for m in thread] == [first, reply] and thread[1]["metadata"] == marked
    assert error_of(client.conversations_replies, channel=ADMIN_CHANNEL, ts="1.000000") == "thread_not_found"
    assert error_of(client.conversations_history, channel="C0SECRET") == "channel_not_found"


def test_history_needs_its_scope() -> None:
    with FakeSlack(scopes="chat:write,channels:read,groups:read") as fake:
        fake.add_channel(ADMIN_CHANNEL, "survey-admins", is_private=True)
        client = WebClient(token=fake.token, base_url=fake.base_url, timeout=5)
        assert error_of(client.conversations_history, channel=ADMIN_CHANNEL) == "missing_scope"
