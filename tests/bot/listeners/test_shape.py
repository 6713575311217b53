"""Requests Bolt cannot route are refused with a 400 before its matchers raise (bot/listeners/shape.py);
ids in refs are ASCII digits an integer column holds (bot/refs.py parse_id). Found by tests/bot/test_fuzz.py."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.listeners.shape import unroutable
from bot.refs import MAX_ID, ChasedRef, DraftRef, ModalRef, StartRef, parse_id
from sandbox import slack_payloads as sr
from tests.bot.harness import RESPONDENT


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"type": "event_callback", "event": "message"}, "event is not an object"),
        ({"type": "block_actions", "actions": 5}, "actions is not a list of actions"),
        ({"type": "block_actions", "actions": []}, "actions is not a list of actions"),
        ({"type": "block_actions", "actions": ["kk_answer"]}, "the action has no action_id"),
        ({"type": "block_actions", "actions": [{"block_id": "b"}]}, "the action has no action_id"),
        ({"type": "view_submission", "view": 3}, "view is not an object"),
        ({"type": "view_submission", "view": {"callback_id": "kk_long_text"}}, "the view has no type"),
        (
            {"type": "view_submission", "view": {"type": "workflow_step", "callback_id": "x"}},
            "a workflow step",
        ),
        ({"type": "block_suggestion", "action_id": True}, "action_id is not a string"),
    ],
)
def test_what_bolt_cannot_route_is_named(body: dict[str, Any], problem: str) -> None:
    assert unroutable(body) == problem


def test_slack_shapes_pass() -> None:
    blocks = [{"type": "actions", "block_id": "b", "elements": [{"type": "button", "action_id": "kk_help"}]}]
    block_id, button = sr.find_element(blocks, "kk_help")
    click = sr.block_actions(
        user_id=RESPONDENT,
        team_id=sr.TEAM_ID,
        channel_id="DU0RESPOND1",
        message_ts="1.2",
        message_blocks=blocks,
        action=sr.button_action(block_id, button),
    )
    assert unroutable(click.data) is None
    assert unroutable(sr.im_message(RESPONDENT, "DU0RESPOND1", "ヘルプ").data) is None


def test_an_unroutable_request_gets_a_400_and_no_traceback(
    sender: sr.SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for payload in (
        {"type": "block_actions", "user": {"id": RESPONDENT}, "team": {"id": sr.TEAM_ID}, "actions": True},
        {"type": "view_submission", "user": {"id": RESPONDENT}, "team": {"id": sr.TEAM_ID}, "view": 7},
    ):
        assert sender.send(sr.interactivity_request(payload)).status == 400
    assert [r for r in caplog.records if r.exc_info] == []
    # Over HTTP the door (bot/wsgi.py) refuses it before Bolt; over Socket Mode the middleware does.
    assert [m for m in caplog.messages if "actions is not a list of actions" in m] != []


def test_the_middleware_refuses_what_socket_mode_brings() -> None:
    from slack_bolt import BoltRequest, BoltResponse

    from bot.listeners.shape import RefuseUnroutable

    payload = {
        "type": "block_actions",
        "user": {"id": RESPONDENT},
        "team": {"id": sr.TEAM_ID},
        "actions": True,
    }
    request = BoltRequest(body=payload, mode="socket_mode")
    answer = RefuseUnroutable().process(
        req=request, resp=BoltResponse(status=200), next=lambda: BoltResponse(status=200)
    )
    assert answer is not None and answer.status == 400


@pytest.mark.parametrize("text", ["²", "٣", "１", "9" * 11, str(MAX_ID + 1), "-1", "", " 1", 7, None])
def test_ids_are_ascii_digits_a_column_holds(text: object) -> None:
    assert parse_id(text) is None


def test_refs_with_odd_ids_do_not_decode() -> None:
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id("007") == 7
    assert DraftRef.decode("kk2|²|1|org|input") is None
    assert DraftRef.decode("kk2|1|99999999999999999999|org") is None
    assert DraftRef.decode(12) is None  # type: ignore[arg-type]
    assert ChasedRef.decode("kk2|draft|" + "9" * 5000) is None
    assert StartRef.decode("kk2|start|٣") is None
    assert ModalRef.decode('{"ref": "kk2|1|1|q", "flow": true}') is None
    assert ModalRef.decode('{"ref": "kk2|1|1|q", "flow": 99999999999}') is None
    assert ModalRef.decode(["kk2|1|1|q"]) is None  # type: ignore[arg-type]
