"""The test-side Slack client: shapes, signatures, and a real Bolt app receiving each request over HTTP."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import queue
import re
import threading
import time
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from sandbox import slack_payloads as sr

SECRET = "kikitori-test-signing-secret"
USER = "U0TESTER01"
TEAM = sr.TEAM_ID
DM = sr.dm_channel_for(USER)
TS_PATTERN = re.compile(r"^\d{10}\.\d{6}$")


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


# A survey question as the bot might post it: one block without a block_id, every element kind.
QUESTION_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*いつ気づきましたか？*"}},
    {
        "type": "actions",
        "block_id": "q_when",
        "elements": [
            {
                "type": "datepicker",
                "action_id": "answer:date",
                "initial_date": "2025-08-01",
                "placeholder": _plain("日付"),
            },
            {"type": "timepicker", "action_id": "answer:time", "placeholder": _plain("時刻")},
            {"type": "button", "action_id": "nav:back", "text": _plain("戻る"), "value": "back"},
            {
                "type": "button",
                "action_id": "nav:next",
                "text": _plain("次へ"),
                "value": "next",
                "style": "primary",
            },
        ],
    },
    {
        "type": "section",
        "block_id": "q_kind",
        "text": {"type": "mrkdwn", "text": "何が起きましたか？"},
        "accessory": {
            "type": "static_select",
            "action_id": "answer:kind",
            "placeholder": _plain("選んでください"),
            "options": [_option("メール誤送信", "email"), _option("紛失", "lost"), _option("盗難", "theft")],
        },
    },
    {
        "type": "actions",
        "block_id": "q_media",
        "elements": [
            {
                "type": "checkboxes",
                "action_id": "answer:media",
                "options": [
                    _option("紙", "paper"),
                    {"text": {"type": "mrkdwn", "text": "*USB*"}, "value": "usb"},
                    _option("PC", "pc"),
                ],
            },
            {
                "type": "radio_buttons",
                "action_id": "answer:severity",
                "options": [_option("高", "high"), _option("低", "low")],
            },
        ],
    },
    {
        "type": "input",
        "block_id": "q_detail",
        "dispatch_action": True,
        "label": _plain("詳しく"),
        "element": {
            "type": "plain_text_input",
            "action_id": "answer:detail",
            "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
        },
    },
    {
        "type": "section",
        "block_id": "q_dept",
        "text": {"type": "mrkdwn", "text": "部署"},
        "accessory": {
            "type": "external_select",
            "action_id": "answer:department",
            "min_query_length": 0,
            "placeholder": _plain("部署を検索"),
        },
    },
    {
        "type": "actions",
        "block_id": "q_systems",
        "elements": [
            {
                "type": "multi_static_select",
                "action_id": "answer:systems",
                "placeholder": _plain("システム"),
                "options": [_option("メール", "mail"), _option("ファイル共有", "share")],
            }
        ],
    },
]

HOME_VIEW: dict[str, Any] = {
    "type": "home",
    "callback_id": "home",
    "blocks": [
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "home:start",
                    "text": _plain("報告をはじめる"),
                    "value": "start",
                }
            ],
        }
    ],
}

MODAL_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "survey_modal",
    "private_metadata": json.dumps({"draft": 7}),
    "title": _plain("漏えい報告"),
    "submit": _plain("送信"),
    "close": _plain("キャンセル"),
    "blocks": [
        {
            "type": "input",
            "block_id": "m_detail",
            "label": _plain("詳しく"),
            "element": {"type": "plain_text_input", "action_id": "detail", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "m_when",
            "label": _plain("日付"),
            "element": {"type": "datepicker", "action_id": "date"},
        },
    ],
}

DEPARTMENT = {"text": _plain("情報システム部"), "value": "dept-it"}


def _element(prefix: str) -> tuple[str, dict[str, Any]]:
    return sr.find_element(QUESTION_BLOCKS, prefix)


def _click(action: dict[str, Any], **kwargs: Any) -> sr.SlackRequest:
    return sr.block_actions(
        user_id=USER,
        team_id=TEAM,
        channel_id=DM,
        message_ts="1754000000.000100",
        message_blocks=QUESTION_BLOCKS,
        action=action,
        message_text="いつ気づきましたか？",
        **kwargs,
    )


def _suggestion(typed: str) -> sr.SlackRequest:
    return sr.block_suggestion(
        user_id=USER,
        team_id=TEAM,
        action_id="answer:department",
        block_id="q_dept",
        value=typed,
        channel_id=DM,
    )


# --- signing --------------------------------------------------------------------------------------


def test_signature_verifies_with_slack_sdk() -> None:
    request = _click(sr.button_action(*_element("nav:next")))
    headers = sr.sign(request.body, SECRET)
    verifier = SignatureVerifier(SECRET)

    assert verifier.is_valid_request(request.body, headers)
    assert headers["X-Slack-Signature"] == verifier.generate_signature(
        timestamp=headers["X-Slack-Request-Timestamp"], body=request.body
    )
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_a_tampered_body_fails_verification() -> None:
    body = sr.im_message(USER, DM, "はい").body
    headers = sr.sign(body, SECRET)
    tampered = body.replace(f'"user":"{USER}"'.encode(), b'"user":"U0MALLORY1"')

    assert tampered != body
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert not SignatureVerifier(SECRET).is_valid_request(tampered, headers)
    assert not SignatureVerifier(SECRET).is_valid_request(body + b" ", headers)


def test_a_stale_timestamp_or_another_secret_fails_verification() -> None:
    body = sr.im_message(USER, DM, "hello").body

    assert not SignatureVerifier(SECRET).is_valid_request(body, sr.sign(body, SECRET, int(time.time()) - 600))
    assert not SignatureVerifier("another-secret").is_valid_request(body, sr.sign(body, SECRET))


def test_the_signature_is_hmac_sha256_over_v0_timestamp_body() -> None:
    headers = sr.sign(b"token=x&text=y", "secret", 1531420618)

    expected = hmac.new(b"secret", b"v0:1531420618:token=x&text=y", hashlib.sha256).hexdigest()
    assert headers == {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": f"v0={expected}",
    }
    assert sr.sign(b'{"type":"event_callback"}', "secret")["Content-Type"] == "application/json"


# --- bodies and rendering -------------------------------------------------------------------------


def test_interactivity_is_a_form_with_one_payload_field_of_json() -> None:
    request = _click(sr.button_action(*_element("nav:next")))
    fields = parse_qs(request.body.decode("ascii"), strict_parsing=True)

    assert request.content_type == "application/x-www-form-urlencoded"
    assert list(fields) == ["payload"]
    assert json.loads(fields["payload"][0]) == request.data
    assert request.body.isascii()  # Japanese travels as \u escapes inside the URL-encoded JSON


def test_rendered_blocks_carry_what_slack_adds_and_leave_the_input_alone() -> None:
    original = json.dumps(QUESTION_BLOCKS)
    rendered = sr.render_blocks(QUESTION_BLOCKS)

    assert json.dumps(QUESTION_BLOCKS) == original
    assert rendered == sr.render_blocks(QUESTION_BLOCKS)  # generated ids are stable
    assert re.fullmatch(r"[A-Za-z0-9]{5}", rendered[0]["block_id"])
    assert rendered[0]["text"] == {"type": "mrkdwn", "text": "*いつ気づきましたか？*", "verbatim": False}
    assert rendered[1]["elements"][3]["text"] == {"type": "plain_text", "text": "次へ", "emoji": True}
    assert rendered[4]["optional"] is False and rendered[4]["dispatch_action"] is True
    assert [block["block_id"] for block in rendered[1:]] == [
        "q_when",
        "q_kind",
        "q_media",
        "q_detail",
        "q_dept",
        "q_systems",
    ]


def test_an_element_without_action_id_gets_a_stable_one() -> None:
    blocks = [{"type": "actions", "elements": [{"type": "button", "text": _plain("OK")}]}]
    block_id, element = sr.find_element(blocks, lambda element: element["type"] == "button")

    assert (block_id, element) == sr.find_element(blocks, element["action_id"])
    assert re.fullmatch(r"[A-Za-z0-9]{5}", element["action_id"])


def test_find_element_by_prefix_or_predicate() -> None:
    assert _element("nav:")[1]["action_id"] == "nav:back"
    block_id, element = sr.find_element(QUESTION_BLOCKS, lambda element: element["type"] == "checkboxes")
    assert (block_id, element["action_id"]) == ("q_media", "answer:media")
    assert _element("answer:detail")[0] == "q_detail"
    with pytest.raises(LookupError, match="nav:back"):
        _element("nope")


# --- actions --------------------------------------------------------------------------------------


def test_button_action_has_slacks_shape() -> None:
    action = sr.button_action(*_element("nav:next"))
    action_ts = action.pop("action_ts")

    assert TS_PATTERN.fullmatch(action_ts)
    assert action == {
        "type": "button",
        "block_id": "q_when",
        "action_id": "nav:next",
        "text": {"type": "plain_text", "text": "次へ", "emoji": True},
        "value": "next",
        "style": "primary",
    }


def test_select_actions_report_the_chosen_option_as_rendered() -> None:
    kind = sr.static_select_action(*_element("answer:kind"), "lost")
    assert kind["selected_option"] == {
        "text": {"type": "plain_text", "text": "紛失", "emoji": True},
        "value": "lost",
    }
    assert kind["placeholder"] == {"type": "plain_text", "text": "選んでください", "emoji": True}
    with pytest.raises(ValueError, match="no option 'fire'"):
        sr.static_select_action(*_element("answer:kind"), "fire")
    with pytest.raises(ValueError, match="expected a static_select"):
        sr.static_select_action(*_element("answer:severity"), "high")

    radio = sr.radio_action(*_element("answer:severity"), "high")
    assert radio["type"] == "radio_buttons"
    assert radio["selected_option"] == {
        "text": {"type": "plain_text", "text": "高", "emoji": True},
        "value": "high",
    }

    boxes = sr.checkboxes_action(*_element("answer:media"), ["pc", "usb"])
    assert [option["value"] for option in boxes["selected_options"]] == ["usb", "pc"]  # in display order
    assert boxes["selected_options"][0]["text"] == {"type": "mrkdwn", "text": "*USB*", "verbatim": False}

    multi = sr.multi_static_select_action(*_element("answer:systems"), ["share", "mail"])
    assert [option["value"] for option in multi["selected_options"]] == ["share", "mail"]
    assert multi["initial_options"] == []

    external = sr.external_select_action(*_element("answer:department"), DEPARTMENT)
    assert external["selected_option"] == {
        "text": {"type": "plain_text", "text": "情報システム部", "emoji": True},
        "value": "dept-it",
    }
    with pytest.raises(ValueError, match="option dict"):
        sr.external_select_action(*_element("answer:department"), "dept-it")  # type: ignore[arg-type]  # a bare value, refused at run time


def test_picker_and_text_actions() -> None:
    picked = sr.datepicker_action(*_element("answer:date"), "2025-08-02")
    assert (picked["selected_date"], picked["initial_date"]) == ("2025-08-02", "2025-08-01")
    assert sr.timepicker_action(*_element("answer:time"), "10:30")["selected_time"] == "10:30"
    for bad in ("2025-8-1", "2025-02-30"):
        with pytest.raises(ValueError):
            sr.datepicker_action(*_element("answer:date"), bad)
    for bad in ("9:30", "24:00", "10:60"):
        with pytest.raises(ValueError, match="HH:mm"):
            sr.timepicker_action(*_element("answer:time"), bad)

    typed = sr.plain_text_input_action(*_element("answer:detail"), "宛先を間違えました")
    assert set(typed) == {"type", "block_id", "action_id", "value", "action_ts"}
    assert typed["type"] == "plain_text_input" and typed["value"] == "宛先を間違えました"


@pytest.mark.parametrize(
    ("prefix", "value", "expected"),
    [
        ("answer:detail", "メモ", {"type": "plain_text_input", "value": "メモ"}),
        ("answer:detail", None, {"type": "plain_text_input", "value": None}),
        (
            "answer:kind",
            "email",
            {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "メール誤送信", "emoji": True},
                    "value": "email",
                },
            },
        ),
        ("answer:kind", None, {"type": "static_select", "selected_option": None}),
        ("answer:media", [], {"type": "checkboxes", "selected_options": []}),
        ("answer:date", "2025-08-01", {"type": "datepicker", "selected_date": "2025-08-01"}),
        ("answer:time", None, {"type": "timepicker", "selected_time": None}),
        ("answer:time", "09:05", {"type": "timepicker", "selected_time": "09:05"}),
        (
            "answer:department",
            DEPARTMENT,
            {
                "type": "external_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "情報システム部", "emoji": True},
                    "value": "dept-it",
                },
            },
        ),
    ],
)
def test_state_value_for(prefix: str, value: Any, expected: dict[str, Any]) -> None:
    assert sr.state_value_for(_element(prefix)[1], value) == expected


def test_state_value_for_a_button_is_an_error() -> None:
    with pytest.raises(ValueError, match="no value in state"):
        sr.state_value_for(_element("nav:next")[1], "next")


def test_state_values_for_holds_every_stateful_element() -> None:
    state = sr.state_values_for(QUESTION_BLOCKS, {"answer:kind": "theft", ("q_detail", "answer:detail"): "x"})

    assert state == {
        "q_when": {
            "answer:date": {"type": "datepicker", "selected_date": "2025-08-01"},
            "answer:time": {"type": "timepicker", "selected_time": None},
        },
        "q_kind": {"answer:kind": sr.state_value_for(_element("answer:kind")[1], "theft")},
        "q_media": {
            "answer:media": {"type": "checkboxes", "selected_options": []},
            "answer:severity": {"type": "radio_buttons", "selected_option": None},
        },
        "q_detail": {"answer:detail": {"type": "plain_text_input", "value": "x"}},
        "q_dept": {"answer:department": {"type": "external_select", "selected_option": None}},
        "q_systems": {"answer:systems": {"type": "multi_static_select", "selected_options": []}},
    }
    with pytest.raises(KeyError, match="answer:typo"):
        sr.state_values_for(QUESTION_BLOCKS, {"answer:typo": "x"})


# --- payloads -------------------------------------------------------------------------------------


def test_block_actions_from_a_message() -> None:
    action = sr.static_select_action(*_element("answer:kind"), "lost")
    payload = _click(action).data

    # The keys, in order, of a block_actions payload captured from Slack for a message with input blocks.
    assert list(payload) == [
        "type",
        "user",
        "api_app_id",
        "token",
        "container",
        "trigger_id",
        "team",
        "enterprise",
        "is_enterprise_install",
        "channel",
        "message",
        "state",
        "response_url",
        "actions",
    ]
    assert payload["type"] == "block_actions"
    assert payload["user"] == {
        "id": USER,
        "username": "user-u0tester01",
        "name": "user-u0tester01",
        "team_id": TEAM,
    }
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1754000000.000100",
        "channel_id": DM,
        "is_ephemeral": False,
    }
    assert payload["channel"] == {"id": DM, "name": "directmessage"}
    assert payload["team"] == {"id": TEAM, "domain": sr.TEAM_DOMAIN}
    assert re.fullmatch(r"\d{13}\.\d{12}\.[0-9a-f]{32}", payload["trigger_id"])
    assert payload["response_url"].startswith(f"https://hooks.slack.com/actions/{TEAM}/")
    message = payload["message"]
    assert (message["user"], message["bot_id"], message["app_id"]) == (
        sr.BOT_USER_ID,
        sr.BOT_ID,
        sr.API_APP_ID,
    )
    assert (message["ts"], message["text"], message["team"]) == (
        "1754000000.000100",
        "いつ気づきましたか？",
        TEAM,
    )
    assert message["blocks"] == sr.render_blocks(QUESTION_BLOCKS)
    assert payload["state"]["values"]["q_kind"]["answer:kind"] == {
        "type": "static_select",
        "selected_option": action["selected_option"],
    }
    assert payload["state"]["values"]["q_when"]["answer:date"]["selected_date"] == "2025-08-01"
    assert payload["actions"] == [action]


def test_block_actions_state_can_be_given_and_ephemeral_messages_are_not_echoed() -> None:
    state = sr.state_values_for(QUESTION_BLOCKS, {"answer:detail": "途中まで"})
    payload = _click(sr.button_action(*_element("nav:next")), state_values=state, is_ephemeral=True).data

    assert payload["state"] == {"values": state}
    assert payload["container"]["is_ephemeral"] is True
    assert "message" not in payload


def test_block_actions_refuses_an_action_from_other_blocks() -> None:
    action = sr.button_action(*sr.find_element(HOME_VIEW["blocks"], "home:start"))
    with pytest.raises(ValueError, match="not an element of the blocks"):
        _click(action)


def test_block_actions_from_the_app_home() -> None:
    action = sr.button_action(*sr.find_element(HOME_VIEW["blocks"], "home:start"))
    payload = sr.block_actions(
        user_id=USER, team_id=TEAM, action=action, container_type="view", view=HOME_VIEW
    ).data

    # As captured from an App Home tab: no channel, message, response_url or top-level state.
    assert list(payload) == [
        "type",
        "user",
        "api_app_id",
        "token",
        "container",
        "trigger_id",
        "team",
        "enterprise",
        "is_enterprise_install",
        "view",
        "actions",
    ]
    view = payload["view"]
    assert payload["container"] == {"type": "view", "view_id": view["id"]}
    assert re.fullmatch(r"V[A-Z0-9]{10}", view["id"])
    assert (view["type"], view["callback_id"], view["root_view_id"]) == ("home", "home", view["id"])
    assert (view["app_id"], view["bot_id"], view["team_id"]) == (sr.API_APP_ID, sr.BOT_ID, TEAM)
    assert view["title"] == {"type": "plain_text", "text": "View Title", "emoji": True}
    assert (view["close"], view["submit"]) == (None, None)
    assert view["state"] == {"values": {}}


def test_view_submission_payload() -> None:
    state = sr.state_values_for(MODAL_VIEW["blocks"], {"detail": "誤送信", "date": "2025-08-01"})
    payload = sr.view_submission(user_id=USER, team_id=TEAM, view=MODAL_VIEW, state_values=state).data

    assert payload["type"] == "view_submission"
    assert set(payload) >= {"team", "user", "api_app_id", "token", "trigger_id", "view", "response_urls"}
    view = payload["view"]
    assert view["state"] == {"values": state}
    assert (view["callback_id"], view["private_metadata"]) == ("survey_modal", MODAL_VIEW["private_metadata"])
    assert view["submit"] == {"type": "plain_text", "text": "送信", "emoji": True}
    assert re.fullmatch(r"\d{10}\.[A-Za-z0-9]{8}", view["hash"])
    # Without state_values, the modal is submitted untouched.
    untouched = sr.view_submission(user_id=USER, team_id=TEAM, view=MODAL_VIEW).data["view"]["state"]
    assert untouched["values"]["m_detail"]["detail"] == {"type": "plain_text_input", "value": None}


def test_block_suggestion_payloads() -> None:
    in_message = _suggestion("情報").data
    assert in_message["type"] == "block_suggestion"
    assert (in_message["action_id"], in_message["block_id"]) == ("answer:department", "q_dept")
    assert in_message["value"] == "情報"
    assert in_message["container"]["type"] == "message"
    assert in_message["channel"] == {"id": DM, "name": "directmessage"}

    in_view = sr.block_suggestion(
        user_id=USER, team_id=TEAM, action_id="a", block_id="b", value="", view=MODAL_VIEW
    ).data
    assert in_view["container"] == {"type": "view", "view_id": in_view["view"]["id"]}
    assert "channel" not in in_view


def test_slash_command_fields_in_slacks_order() -> None:
    request = sr.slash_command(user_id=USER, team_id=TEAM, channel_id=DM, text="はじめる 2025/08/01")
    fields = parse_qsl(request.body.decode("ascii"), keep_blank_values=True, strict_parsing=True)

    assert [name for name, _ in fields] == [
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    ]
    assert dict(fields) == request.data
    assert request.data["command"] == "/survey" and b"command=%2Fsurvey" in request.body
    assert request.data["is_enterprise_install"] == "false"
    assert request.data["response_url"].startswith(f"https://hooks.slack.com/commands/{TEAM}/")
    grid = sr.slash_command(
        user_id=USER, team_id=TEAM, channel_id=DM, enterprise_id="E0GRID", enterprise_name="Org"
    )
    assert list(grid.data)[3:5] == ["enterprise_id", "enterprise_name"]


def test_event_envelope() -> None:
    request = sr.im_message(USER, DM, "はい", ts="1754000000.000200")
    envelope = json.loads(request.body)

    assert request.content_type == "application/json" and envelope == request.data
    assert list(envelope) == [
        "token",
        "team_id",
        "context_team_id",
        "context_enterprise_id",
        "api_app_id",
        "event",
        "type",
        "event_id",
        "event_time",
        "authorizations",
        "is_ext_shared_channel",
        "event_context",
    ]
    assert envelope["type"] == "event_callback" and envelope["event_time"] == 1754000000
    assert re.fullmatch(r"Ev[A-Z0-9]{10}", envelope["event_id"])
    assert envelope["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": TEAM,
            "user_id": sr.BOT_USER_ID,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    context = envelope["event_context"]
    assert context.startswith("4-")
    assert json.loads(base64.urlsafe_b64decode(context[2:] + "==")) == {
        "et": "message",
        "tid": TEAM,
        "aid": sr.API_APP_ID,
        "cid": DM,
    }
    event = envelope["event"]
    assert {
        key: event[key] for key in ("type", "channel_type", "user", "text", "channel", "ts", "event_ts")
    } == {
        "type": "message",
        "channel_type": "im",
        "user": USER,
        "text": "はい",
        "channel": DM,
        "ts": "1754000000.000200",
        "event_ts": "1754000000.000200",
    }
    assert event["blocks"][0]["elements"][0]["elements"] == [{"type": "text", "text": "はい"}]


def test_app_home_opened_event() -> None:
    without_view = sr.app_home_opened(USER, tab="messages").data["event"]
    assert list(without_view) == ["type", "user", "channel", "tab", "event_ts"]
    assert (without_view["channel"], without_view["tab"]) == (DM, "messages")

    with_view = sr.app_home_opened(USER, view=HOME_VIEW).data["event"]
    assert with_view["tab"] == "home" and with_view["view"]["type"] == "home"


# --- a real Bolt app over HTTP --------------------------------------------------------------------


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@dataclasses.dataclass
class BoltHarness:
    sender: sr.SlackSender
    calls: queue.Queue[dict[str, Any]]

    def next_call(self) -> dict[str, Any]:
        return self.calls.get(timeout=5)


def _bolt_app(calls: queue.Queue[dict[str, Any]]) -> App:
    def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token="xoxb-kikitori-test",
            bot_id=sr.BOT_ID,
            bot_user_id=sr.BOT_USER_ID,
        )

    app = App(
        signing_secret=SECRET,
        authorize=authorize,
        request_verification_enabled=True,
        # Any Web API call would go to a closed loopback port, never to Slack.
        client=WebClient(base_url="http://127.0.0.1:9/api/"),
    )

    @app.action(re.compile(".*"))
    def on_action(ack, body, action, context, request) -> None:
        ack()
        calls.put(
            {
                "kind": "action",
                "body": body,
                "action": action,
                "context": dict(context),
                "headers": request.headers,
            }
        )

    @app.options(re.compile(".*"))
    def on_options(ack, payload) -> None:
        ack(options=[{"text": {"type": "plain_text", "text": f"{payload['value']}課"}, "value": "dept-x"}])
        calls.put({"kind": "options", "payload": payload})

    @app.view("survey_modal")
    def on_submission(ack, view, body) -> None:
        values = view["state"]["values"]
        if not values["m_detail"]["detail"]["value"]:
            ack(response_action="errors", errors={"m_detail": "入力してください"})
        else:
            ack()
        calls.put({"kind": "view", "view": view, "body": body})

    @app.command("/survey")
    def on_command(ack, command, context) -> None:
        ack(text=f"受け付けました: {command['text']}")
        calls.put({"kind": "command", "command": command, "context": dict(context)})

    @app.event("message")
    def on_message(event, request) -> None:
        calls.put({"kind": "message", "event": event, "headers": request.headers})

    @app.event("app_home_opened")
    def on_home(event) -> None:
        calls.put({"kind": "home", "event": event})

    return app


@pytest.fixture(scope="module")
def bolt_server() -> Iterator[BoltHarness]:
    calls: queue.Queue[dict[str, Any]] = queue.Queue()
    with pytest.MonkeyPatch.context() as env:
        for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            env.delenv(name, raising=False)
        app = _bolt_app(calls)
    server = make_server(
        "127.0.0.1",
        0,
        SlackRequestHandler(app),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield BoltHarness(sr.SlackSender(f"http://127.0.0.1:{server.server_port}", SECRET), calls)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def bolt(bolt_server: BoltHarness) -> BoltHarness:
    while not bolt_server.calls.empty():
        bolt_server.calls.get_nowait()
    return bolt_server


def test_bolt_receives_a_button_click(bolt: BoltHarness) -> None:
    action = sr.button_action(*_element("nav:next"))
    response = bolt.sender.send(_click(action))

    assert (response.status, response.body) == (200, b"")
    call = bolt.next_call()
    assert call["action"] == action
    body = call["body"]
    assert body["actions"][0]["value"] == "next"
    assert body["container"]["message_ts"] == "1754000000.000100"
    assert body["state"]["values"]["q_when"]["answer:date"]["selected_date"] == "2025-08-01"
    context = call["context"]
    assert (context["user_id"], context["channel_id"], context["team_id"]) == (USER, DM, TEAM)
    assert context["bot_user_id"] == sr.BOT_USER_ID
    assert context["response_url"] == body["response_url"]
    headers = call["headers"]
    assert headers["content-type"] == ["application/x-www-form-urlencoded"]
    assert headers["user-agent"] == [sr.USER_AGENT]


@pytest.mark.parametrize(
    ("prefix", "value", "field"),
    [
        ("answer:kind", "theft", "selected_option"),
        ("answer:severity", "low", "selected_option"),
        ("answer:media", ["paper", "usb"], "selected_options"),
        ("answer:systems", ["mail"], "selected_options"),
        ("answer:department", DEPARTMENT, "selected_option"),
        ("answer:date", "2025-07-31", "selected_date"),
        ("answer:time", "10:30", "selected_time"),
        ("answer:detail", "宛先を間違えました", "value"),
    ],
)
def test_bolt_receives_each_element_action(bolt: BoltHarness, prefix: str, value: Any, field: str) -> None:
    block_id, element = _element(prefix)
    action = sr.action_for(block_id, element, value)

    assert bolt.sender.send(_click(action)).status == 200
    call = bolt.next_call()
    assert call["action"] == action and field in call["action"]
    state = call["body"]["state"]["values"]
    assert state[block_id][element["action_id"]] == sr.state_value_for(element, value)


def test_bolt_receives_an_app_home_action(bolt: BoltHarness) -> None:
    action = sr.button_action(*sr.find_element(HOME_VIEW["blocks"], "home:start"))
    request = sr.view_block_actions(user_id=USER, team_id=TEAM, view=HOME_VIEW, action=action)

    assert bolt.sender.send(request).status == 200
    call = bolt.next_call()
    assert call["body"]["container"]["type"] == "view"
    assert call["body"]["view"]["state"]["values"] == {}
    assert call["context"]["user_id"] == USER and call["context"].get("channel_id") is None


def test_bolt_answers_a_block_suggestion_with_options(bolt: BoltHarness) -> None:
    response = bolt.sender.send(_suggestion("情報"))

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "options": [{"text": {"type": "plain_text", "text": "情報課"}, "value": "dept-x"}]
    }
    assert bolt.next_call()["payload"]["value"] == "情報"


def test_bolt_reads_a_view_submission(bolt: BoltHarness) -> None:
    empty = sr.view_submission(user_id=USER, team_id=TEAM, view=MODAL_VIEW)
    response = bolt.sender.send(empty)
    assert response.status == 200
    assert response.json() == {"response_action": "errors", "errors": {"m_detail": "入力してください"}}
    assert bolt.next_call()["view"]["private_metadata"] == MODAL_VIEW["private_metadata"]

    state = sr.state_values_for(MODAL_VIEW["blocks"], {"detail": "誤送信しました", "date": "2025-08-01"})
    filled = sr.view_submission(user_id=USER, team_id=TEAM, view=MODAL_VIEW, state_values=state)
    assert (bolt.sender.send(filled).status, bolt.next_call()["view"]["state"]["values"]) == (200, state)


def test_bolt_receives_a_slash_command(bolt: BoltHarness) -> None:
    text = "はじめる  2025/08/01 & more=yes+1"
    response = bolt.sender.send(sr.slash_command(user_id=USER, team_id=TEAM, channel_id=DM, text=text))

    assert response.status == 200
    assert response.text == f"受け付けました: {text}"  # Bolt answers ack(text=...) as plain text
    command = bolt.next_call()["command"]
    assert (command["text"], command["command"], command["channel_id"], command["user_id"]) == (
        text,
        "/survey",
        DM,
        USER,
    )


def test_bolt_receives_a_dm_message(bolt: BoltHarness) -> None:
    response = bolt.sender.send(sr.im_message(USER, DM, "報告したいです"))

    assert response.status == 200
    event = bolt.next_call()["event"]
    assert (event["channel"], event["channel_type"], event["user"]) == (DM, "im", USER)
    assert event["text"] == "報告したいです"


def test_bolt_receives_app_home_opened(bolt: BoltHarness) -> None:
    assert bolt.sender.send(sr.app_home_opened(USER, view=HOME_VIEW)).status == 200
    event = bolt.next_call()["event"]
    assert (event["user"], event["tab"], event["view"]["callback_id"]) == (USER, "home", "home")


def test_bolt_answers_url_verification(bolt: BoltHarness) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    response = bolt.sender.send(sr.url_verification(challenge))

    assert (response.status, response.json()) == (200, {"challenge": challenge})


def test_bolt_passes_slacks_retry_headers(bolt: BoltHarness) -> None:
    retried = sr.im_message(USER, DM, "もう一度")
    assert bolt.sender.send(retried, retry_num=2, retry_reason="http_error").status == 200
    headers = bolt.next_call()["headers"]
    assert (headers["x-slack-retry-num"], headers["x-slack-retry-reason"]) == (["2"], ["http_error"])

    with pytest.raises(ValueError, match="at most 3"):
        bolt.sender.send(sr.im_message(USER, DM, "x"), retry_num=4)
    with pytest.raises(ValueError, match="retry_reason"):
        bolt.sender.send(sr.im_message(USER, DM, "x"), retry_num=1, retry_reason="bored")


def test_bolt_rejects_forged_stale_and_tampered_requests(bolt: BoltHarness) -> None:
    request = _click(sr.button_action(*_element("nav:next")))
    now = int(time.time())
    genuine = sr.sign(request.body, SECRET, now)["X-Slack-Signature"]
    tampered = dataclasses.replace(request, body=request.body.replace(b"next", b"back"))

    assert bolt.sender.send(request, signature="v0=" + "0" * 64).status == 401
    assert bolt.sender.send(request, timestamp=now - 600).status == 401
    assert bolt.sender.send(tampered, timestamp=now, signature=genuine).status == 401
    assert sr.SlackSender(bolt.sender.base_url, "wrong-secret").send(request).status == 401
    assert bolt.calls.empty()
    # The same request, honestly signed, goes through.
    assert bolt.sender.send(request, timestamp=now, signature=genuine).status == 200
    assert bolt.next_call()["action"]["value"] == "next"


def test_an_unknown_path_is_not_found(bolt: BoltHarness) -> None:
    assert bolt.sender.send(sr.im_message(USER, DM, "x"), path="/elsewhere").status == 404
