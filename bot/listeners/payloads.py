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


def as_dict(value: Any) -> dict[str, Any]:
    """`value` if it is an object, else an empty one: a payload's parts are read without trusting
    their shape."""
    return value if isinstance(value, dict) else {}


def element_value(element: Mapping[str, Any]) -> Any:
    """The value an element holds: a list for multi-choice, a str (or None) for everything else."""
    kind = element.get("type") if isinstance(element.get("type"), str) else None
    if kind in _MANY:
        options = element.get("selected_options")
        return [as_dict(option).get("value") for option in options] if isinstance(options, list) else []
    if kind in _ONE:
        return as_dict(element.get("selected_option")).get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "plain_text_input":
        return element.get("value") or ""
    return element.get("value")  # a button


def typed_text(element: Mapping[str, Any]) -> str | None:
    """What the person typed, to show again after an error; None for elements that are not typed."""
    if element.get("type") != "plain_text_input":
        return None
    value = element.get("value")
    return value if isinstance(value, str) else ""


def actor_of(body: Mapping[str, Any]) -> Actor:
    user, team = body.get("user"), as_dict(body.get("team"))
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    team_id = team.get("id") or as_dict(user).get("team_id") or body.get("team_id")
    return Actor(team_id=str(team_id), user_id=str(user_id))


def posted_of(body: Mapping[str, Any]) -> Posted | None:
    container = as_dict(body.get("container"))
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("type") == "message" and isinstance(channel, str) and isinstance(ts, str):
        response_url = body.get("response_url")
        url = response_url if isinstance(response_url, str) and response_url else None
        return Posted(channel, ts, url) if channel and ts else None
    return None


def action_of(body: Mapping[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    return dict(as_dict(actions[0])) if isinstance(actions, list) and actions else {}


def ref_of(body: Mapping[str, Any]) -> DraftRef | None:
    return DraftRef.decode(action_of(body).get("block_id"))


def input_element(body: Mapping[str, Any], ref: DraftRef) -> Mapping[str, Any]:
    """The question's input element in the message's state.values (empty if Slack sent none)."""
    values = as_dict(as_dict(as_dict(body.get("state")).get("values")).get(ref.block_id("input")))
    return as_dict(next(iter(values.values()), {}))


def from_an_earlier_release(body: Mapping[str, Any]) -> bool:
    """A click on a message that a previous version of the bot rendered (another encoding)."""
    block_id = str(action_of(body).get("block_id") or "")
    return block_id.startswith("kk") and not block_id.startswith(ENCODING)


def from_home_tab(body: Mapping[str, Any]) -> bool:
    return as_dict(body.get("view")).get("type") == "home"


WARNING_MARK = ":warning:"  # how rendering marks an error next to a question's input


def shows_warning(body: Mapping[str, Any]) -> bool:
    """Whether the message acted on shows an error now (so it is redrawn once the error is fixed)."""
    return any(
        WARNING_MARK in str(as_dict(element).get("text", ""))
        for block in _list(as_dict(body.get("message")).get("blocks"))
        if as_dict(block).get("type") == "context"
        for element in _list(as_dict(block).get("elements"))
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
