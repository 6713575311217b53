"""Reading Slack's payloads: who acted, where, on what, and the value of any element.

One reader (`element_value`) serves every element type, for the element that was acted on and
for the message's `state.values` alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Actor
from bot.refs import ENCODING, DraftRef
from bot.replies import Posted

_MANY = frozenset({"checkboxes", "multi_static_select", "multi_external_select"})
_ONE = frozenset({"radio_buttons", "static_select", "external_select"})


def element_value(element: Mapping[str, Any]) -> Any:
    """The value an element holds: a list for multi-choice, a str (or None) for everything else."""
    kind = element.get("type")
    if kind in _MANY:
        return [option["value"] for option in element.get("selected_options") or []]
    if kind in _ONE:
        return (element.get("selected_option") or {}).get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "plain_text_input":
        return element.get("value") or ""
    return element.get("value")  # a button


def typed_text(element: Mapping[str, Any]) -> str | None:
    """What the person typed, to show again after an error; None for elements that are not typed."""
    return (element.get("value") or "") if element.get("type") == "plain_text_input" else None


def actor_of(body: Mapping[str, Any]) -> Actor:
    user = body.get("user") or {}
    team = body.get("team") or {}
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    team_id = (
        (team.get("id") if isinstance(team, dict) else None) or user.get("team_id") or body.get("team_id")
    )
    return Actor(team_id=str(team_id), user_id=str(user_id))


def posted_of(body: Mapping[str, Any]) -> Posted | None:
    container = body.get("container") or {}
    if container.get("type") == "message" and container.get("channel_id") and container.get("message_ts"):
        return Posted(container["channel_id"], container["message_ts"])
    return None


def action_of(body: Mapping[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return dict(actions[0])


def ref_of(body: Mapping[str, Any]) -> DraftRef | None:
    return DraftRef.decode(action_of(body).get("block_id"))


def input_element(body: Mapping[str, Any], ref: DraftRef) -> Mapping[str, Any]:
    """The question's input element in the message's state.values (empty if Slack sent none)."""
    values = ((body.get("state") or {}).get("values") or {}).get(ref.block_id("input")) or {}
    return next(iter(values.values()), {})


def from_an_earlier_release(body: Mapping[str, Any]) -> bool:
    """A click on a message that a previous version of the bot rendered (another encoding)."""
    block_id = str(action_of(body).get("block_id") or "")
    return block_id.startswith("kk") and not block_id.startswith(ENCODING)


def from_home_tab(body: Mapping[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


WARNING_MARK = ":warning:"  # how rendering marks an error next to a question's input


def shows_warning(body: Mapping[str, Any]) -> bool:
    """Whether the message acted on shows an error now (so it is redrawn once the error is fixed)."""
    blocks = (body.get("message") or {}).get("blocks") or []
    return any(
        WARNING_MARK in str(element.get("text", ""))
        for block in blocks
        if block.get("type") == "context"
        for element in block.get("elements") or []
    )
