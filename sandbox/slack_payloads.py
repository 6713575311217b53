"""Slack's side of the wire: requests shaped as Slack sends them, signed as Slack signs them, sent over HTTP.

The browser sandbox plays Slack towards the real bot with these, and the end-to-end tests and
benchmarks send the very same requests (tests/sandbox/test_slack_payloads.py proves the shapes against
Bolt's own parsing). Nothing here talks to Slack. The builders return a
`SlackRequest` (the exact body bytes and their content type); `sign` adds the signature headers;
`SlackSender` posts a request to the bot's endpoint with urllib.

Where the shapes come from:

* interactivity (``payload=<JSON>`` form bodies): Slack's "block_actions payload", "block_suggestion
  payload" and "View interaction payloads" reference pages; the fixtures of slackapi/bolt-python
  (tests/scenario_tests/test_block_actions.py, test_block_suggestion.py, test_view_submission.py);
  slackapi/java-slack-sdk json-logs/samples/app-backend (BlockActionPayload.json, ViewSubmissionPayload.json);
  the element action types of slackapi/bolt-js (src/types/actions/block-action.ts); and payloads captured
  from Slack and published in public repositories (a message with input blocks and its full ``state``, an
  App Home view with ``container.type == "view"``).
* slash commands (form fields): Slack's "Slash commands" page, java-slack-sdk SlashCommandPayload.json and a
  captured request (field order, ``is_enterprise_install=false``, ``channel_name=directmessage`` in a DM).
* events (JSON): Slack's Events API envelope and the ``message.im``, ``app_home_opened`` and
  ``url_verification`` pages, with captured envelopes for ``authorizations``, ``is_ext_shared_channel``,
  ``context_team_id`` and ``event_context``.
* signing: Slack's "Verifying requests from Slack" (``v0:{timestamp}:{body}``, HMAC-SHA256).

What Slack echoes back is what it rendered, not what the bot sent: `render_blocks` adds what Slack adds
(``emoji: true`` on plain_text, ``verbatim: false`` on mrkdwn, ``block_id``/``action_id`` where the bot gave
none, ``optional``/``dispatch_action`` on input blocks). Generated ids are derived from the content, so the
same blocks always get the same refs.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import string
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

# Defaults for the workspace the tests pretend to be. IDs have Slack's shape: a type letter, then
# upper-case letters and digits.
TEAM_ID = "T0KIKITORI"
TEAM_DOMAIN = "kikitori-test"
API_APP_ID = "A0KIKITORI"
BOT_ID = "B0KIKITORI"
BOT_USER_ID = "U0KIKIBOT0"
# The deprecated verification token Slack still puts in every request; Bolt ignores it.
VERIFICATION_TOKEN = "kikitoriVerificationTkn"

EVENTS_PATH = "/slack/events"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# Why Slack retried an event delivery (the X-Slack-Retry-Reason header).
RETRY_REASONS = frozenset(
    {"http_timeout", "too_many_redirects", "connection_failed", "ssl_error", "http_error", "unknown_error"}
)

TEXT_INPUTS = frozenset({"plain_text_input", "email_text_input", "url_text_input", "number_input"})
# Elements whose current value Slack reports in state.values (buttons and overflow menus have none).
STATEFUL = TEXT_INPUTS | {
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "radio_buttons",
    "checkboxes",
    "datepicker",
    "timepicker",
    "datetimepicker",
}
INTERACTIVE = STATEFUL | {"button", "overflow"}

# The key each element type's value is reported under, in actions and in state.values.
_VALUE_KEY = {
    **dict.fromkeys(TEXT_INPUTS, "value"),
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
}
# Where an element keeps its initial value; Slack's state starts from it.
_INITIAL_KEY = {
    **dict.fromkeys(TEXT_INPUTS, "initial_value"),
    "static_select": "initial_option",
    "external_select": "initial_option",
    "radio_buttons": "initial_option",
    "multi_static_select": "initial_options",
    "multi_external_select": "initial_options",
    "checkboxes": "initial_options",
    "datepicker": "initial_date",
    "timepicker": "initial_time",
    "datetimepicker": "initial_date_time",
    "users_select": "initial_user",
    "multi_users_select": "initial_users",
    "conversations_select": "initial_conversation",
    "multi_conversations_select": "initial_conversations",
    "channels_select": "initial_channel",
    "multi_channels_select": "initial_channels",
}
_MULTI = frozenset(
    {
        "multi_static_select",
        "multi_external_select",
        "checkboxes",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
# The element's own fields Slack repeats in an action (bolt-js src/types/actions/block-action.ts, checked
# against captured payloads: a multi-select reports ``initial_options: []`` even when it has none).
_ECHOED = {
    "button": ("text", "value", "style", "url", "confirm"),
    "overflow": ("confirm",),
    "static_select": ("initial_option", "placeholder", "confirm"),
    "external_select": ("initial_option", "placeholder", "confirm"),
    "multi_static_select": ("initial_options", "placeholder", "confirm"),
    "multi_external_select": ("initial_options", "placeholder", "confirm"),
    "radio_buttons": ("initial_option", "confirm"),
    "checkboxes": ("initial_options", "confirm"),
    "datepicker": ("initial_date", "placeholder", "confirm"),
    "timepicker": ("initial_time", "placeholder", "confirm"),
}


# --- requests and signing -------------------------------------------------------------------------


@dataclass(frozen=True)
class SlackRequest:
    """One request as Slack would POST it: the exact body bytes, their content type, and what they encode
    (the interactivity payload, the slash command's fields, or the event envelope) for assertions."""

    body: bytes
    content_type: str
    data: dict[str, Any]

    def headers(self, signing_secret: str, timestamp: int | None = None) -> dict[str, str]:
        return sign(self.body, signing_secret, timestamp, content_type=self.content_type)


def sign(
    body: bytes, signing_secret: str, timestamp: int | None = None, *, content_type: str | None = None
) -> dict[str, str]:
    """Slack's request headers for `body`: ``X-Slack-Signature`` is ``v0=`` + hex HMAC-SHA256 of
    ``v0:{timestamp}:{body}`` under the signing secret. The content type, when not given, is JSON for a
    body that is a JSON object and a form otherwise (Slack sends nothing else)."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    basestring = b"v0:" + str(stamp).encode("ascii") + b":" + body
    digest = hmac.new(signing_secret.encode("utf-8"), basestring, hashlib.sha256).hexdigest()
    if content_type is None:
        content_type = JSON_CONTENT_TYPE if body.lstrip().startswith(b"{") else FORM_CONTENT_TYPE
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": f"v0={digest}",
    }


def _json(value: Any) -> str:
    # Compact, with non-ASCII as \uXXXX escapes, as Slack serialises its payloads.
    return json.dumps(value, separators=(",", ":"))


def interactivity_request(payload: dict[str, Any]) -> SlackRequest:
    """Any interactivity payload, sent as Slack sends them: a form with one field, ``payload``."""
    body = urlencode({"payload": _json(payload)}).encode("ascii")
    return SlackRequest(body, FORM_CONTENT_TYPE, payload)


def form_request(fields: Mapping[str, str]) -> SlackRequest:
    data = dict(fields)
    return SlackRequest(urlencode(data).encode("ascii"), FORM_CONTENT_TYPE, data)


def json_request(envelope: dict[str, Any]) -> SlackRequest:
    return SlackRequest(_json(envelope).encode("ascii"), JSON_CONTENT_TYPE, envelope)


# --- ids ------------------------------------------------------------------------------------------

_UPPER_ALNUM = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _digits(length: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(length))


def slack_ts(at: float | None = None) -> str:
    """A message or action timestamp as Slack writes it: seconds with six decimals, as a string."""
    return f"{time.time() if at is None else at:.6f}"


def new_trigger_id() -> str:
    return f"{_digits(13)}.{_digits(12)}.{secrets.token_hex(16)}"


def new_view_id() -> str:
    return "V" + _random(_UPPER_ALNUM, 10)


def new_event_id() -> str:
    return "Ev" + _random(_UPPER_ALNUM, 10)


def new_response_url(team_id: str, kind: str = "actions") -> str:
    """``kind`` is ``actions`` for interactivity and ``commands`` for slash commands."""
    return f"https://hooks.slack.com/{kind}/{team_id}/{_digits(13)}/{_random(_ALNUM, 24)}"


def dm_channel_for(user_id: str) -> str:
    """The bot's DM channel with a user in these tests: ``D`` and the user id, as the fake Slack
    names it (sandbox/fake_slack), so a payload and the fake agree on where the DM is."""
    return f"D{user_id}"


def _content_id(value: Any, *, length: int, alphabet: str = _ALNUM) -> str:
    number = int.from_bytes(hashlib.sha256(_json(value).encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


# --- rendering: what Slack echoes back ------------------------------------------------------------


def _render_text(value: Any) -> Any:
    """Add the defaults Slack adds to every text object, at any depth."""
    if isinstance(value, list):
        return [_render_text(item) for item in value]
    if not isinstance(value, dict):
        return value
    rendered = {key: _render_text(item) for key, item in value.items()}
    if isinstance(rendered.get("text"), str):
        if rendered.get("type") == "plain_text":
            rendered.setdefault("emoji", True)
        elif rendered.get("type") == "mrkdwn":
            rendered.setdefault("verbatim", False)
    return rendered


def render_blocks(blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The blocks as Slack stores them and echoes them in payloads (a copy; the input is untouched)."""
    rendered: list[dict[str, Any]] = []
    for index, block in enumerate(blocks):
        out = _render_text(copy.deepcopy(dict(block)))
        out.setdefault("block_id", _content_id([index, block], length=5))
        if out.get("type") == "input":
            out.setdefault("optional", False)
            out.setdefault("dispatch_action", False)
        for position, element in enumerate(_block_elements(out)):
            if element.get("type") in INTERACTIVE:
                element.setdefault("action_id", _content_id([out["block_id"], position, element], length=5))
        rendered.append(out)
    return rendered


def _block_elements(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    kind = block.get("type")
    if kind == "input" and isinstance(block.get("element"), dict):
        return [block["element"]]
    if kind == "actions":
        return [element for element in block.get("elements", []) if isinstance(element, dict)]
    if kind == "section" and isinstance(block.get("accessory"), dict):
        return [block["accessory"]]
    return []


def iter_elements(blocks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every interactive element of the (rendered) blocks, with the block_id of its block."""
    for block in render_blocks(blocks):
        for element in _block_elements(block):
            if element.get("type") in INTERACTIVE:
                yield block["block_id"], element


def find_element(
    blocks: Sequence[Mapping[str, Any]], match: str | Callable[[dict[str, Any]], bool]
) -> tuple[str, dict[str, Any]]:
    """The first interactive element whose action_id starts with `match` (or for which `match(element)` is
    true), as ``(block_id, element)`` from the rendered blocks, ready for the ``*_action`` helpers."""
    found = list(iter_elements(blocks))
    for block_id, element in found:
        if match(element) if callable(match) else element["action_id"].startswith(match):
            return block_id, element
    available = [f"{element['type']}:{element['action_id']}" for _, element in found]
    raise LookupError(f"no element matches {match!r}; the blocks have {available}")


# --- element values: actions and state ------------------------------------------------------------


def _options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    if "options" in element:
        return list(element["options"])
    return [option for group in element.get("option_groups", []) for option in group.get("options", [])]


def _option(element: Mapping[str, Any], value: str | Mapping[str, Any]) -> dict[str, Any]:
    wanted = value["value"] if isinstance(value, Mapping) else value
    for option in _options(element):
        if option.get("value") == wanted:
            return _render_text(copy.deepcopy(option))
    values = [option.get("value") for option in _options(element)]
    raise ValueError(f"{element.get('action_id')!r} has no option {wanted!r}; its options are {values}")


def _selected(element: Mapping[str, Any], value: str | Mapping[str, Any]) -> dict[str, Any]:
    """A chosen option as Slack reports it. Select menus report ``{text, value}``; radio buttons and
    checkboxes the whole option (bolt-js: StaticSelectAction vs RadioButtonsAction/CheckboxesAction)."""
    kind = element["type"]
    if kind in ("external_select", "multi_external_select"):
        if not isinstance(value, Mapping) or "value" not in value or "text" not in value:
            raise ValueError(f"{kind} takes the option dict the options response offered, not {value!r}")
        option = _render_text(copy.deepcopy(dict(value)))
    else:
        option = _option(element, value)
    if kind in ("radio_buttons", "checkboxes", "external_select", "multi_external_select"):
        return option
    return {"text": option["text"], "value": option["value"]}


def _check_date(value: str) -> str:
    date.fromisoformat(value)
    if len(value) != 10:
        raise ValueError(f"a datepicker date is YYYY-MM-DD, not {value!r}")
    return value


def _check_time(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if not (len(hours) == len(minutes) == 2 and hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"a timepicker time is HH:mm, not {value!r}")
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"a timepicker time is HH:mm, not {value!r}")
    return value


def _reported(element: Mapping[str, Any], value: Any) -> Any:
    """`value` as Slack reports it for this element (in an action or in state.values)."""
    kind = element["type"]
    if kind not in STATEFUL:
        raise ValueError(f"a {kind} has no value in state")
    if kind in _MULTI:
        values = [] if value is None else list(value)
        if kind not in ("checkboxes", "multi_static_select", "multi_external_select"):
            return [str(item) for item in values]
        selected = [_selected(element, item) for item in values]
        if kind == "checkboxes":  # ticked boxes are reported in the order they are shown
            order = [option.get("value") for option in _options(element)]
            selected.sort(key=lambda option: order.index(option["value"]))
        return selected
    if value is None:
        return None
    if kind in ("static_select", "external_select", "radio_buttons"):
        return _selected(element, value)
    if kind == "datepicker":
        return _check_date(value)
    if kind == "timepicker":
        return _check_time(value)
    if kind == "datetimepicker":
        return int(value)
    return str(value)


def state_value_for(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The ``state.values[block_id][action_id]`` entry for `element` holding `value`.

    `value` is the text for text inputs; an option value (or option dict) for static selects and radio
    buttons; an option dict for external selects; a list of those for checkboxes and multi-selects;
    ``YYYY-MM-DD`` for datepickers; ``HH:mm`` for timepickers; ids for user/conversation/channel
    selects. ``None`` (or ``[]``) is the untouched element, as Slack reports it.
    """
    reported = _reported(element, value)
    return {"type": element["type"], _VALUE_KEY[element["type"]]: reported}


def initial_value(element: Mapping[str, Any]) -> Any:
    """What the element holds before the user touches it, in the form `state_value_for` takes."""
    return copy.deepcopy(element.get(_INITIAL_KEY.get(element["type"], ""), None))


def state_values_for(
    blocks: Sequence[Mapping[str, Any]], values: Mapping[str | tuple[str, str], Any] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """The full ``state.values`` of the blocks: every stateful element, with the value given in `values`
    (keyed by action_id, or by ``(block_id, action_id)``) or else its initial value."""
    given = dict(values or {})
    state: dict[str, dict[str, dict[str, Any]]] = {}
    for block_id, element in iter_elements(blocks):
        if element["type"] not in STATEFUL:
            continue
        action_id = element["action_id"]
        for key in ((block_id, action_id), action_id):
            if key in given:
                value = given.pop(key)
                break
        else:
            value = initial_value(element)
        state.setdefault(block_id, {})[action_id] = state_value_for(element, value)
    if given:
        raise KeyError(f"no stateful element for {sorted(map(str, given))}")
    return state


def _state_entry_of(action: Mapping[str, Any]) -> dict[str, Any] | None:
    key = _VALUE_KEY.get(action.get("type", ""))
    if key is None or key not in action:
        return None
    return {"type": action["type"], key: copy.deepcopy(action[key])}


def _action(
    block_id: str, element: Mapping[str, Any], kinds: set[str] | str, **values: Any
) -> dict[str, Any]:
    kinds = {kinds} if isinstance(kinds, str) else kinds
    if element.get("type") not in kinds:
        raise ValueError(f"expected a {' or '.join(sorted(kinds))} element, got {element.get('type')!r}")
    if "action_id" not in element:
        raise ValueError("the element has no action_id: take it from render_blocks or find_element")
    element = _render_text(copy.deepcopy(dict(element)))
    kind = element["type"]
    action: dict[str, Any] = {"type": kind, "block_id": block_id, "action_id": element["action_id"]}
    action.update(values)
    for key in _ECHOED.get(kind, ()):
        if key in element:
            action[key] = element[key]
    if kind in ("multi_static_select", "multi_external_select"):
        action.setdefault("initial_options", [])
    action["action_ts"] = slack_ts()
    return action


def button_action(block_id: str, element: Mapping[str, Any]) -> dict[str, Any]:
    """A click: ``{type: button, block_id, action_id, text, value?, style?, url?, action_ts}``."""
    return _action(block_id, element, "button")


def overflow_action(block_id: str, element: Mapping[str, Any], option_value: str) -> dict[str, Any]:
    option = _option(element, option_value)
    return _action(
        block_id, element, "overflow", selected_option={"text": option["text"], "value": option_value}
    )


def static_select_action(block_id: str, element: Mapping[str, Any], option_value: str) -> dict[str, Any]:
    return _action(block_id, element, "static_select", selected_option=_reported(element, option_value))


def external_select_action(
    block_id: str, element: Mapping[str, Any], option: Mapping[str, Any]
) -> dict[str, Any]:
    """`option` is one of the options the bot's options response offered."""
    return _action(block_id, element, "external_select", selected_option=_reported(element, option))


def radio_action(block_id: str, element: Mapping[str, Any], option_value: str) -> dict[str, Any]:
    return _action(block_id, element, "radio_buttons", selected_option=_reported(element, option_value))


def checkboxes_action(block_id: str, element: Mapping[str, Any], values: Sequence[str]) -> dict[str, Any]:
    """`values` are all the boxes ticked after the click (Slack reports the whole selection)."""
    return _action(block_id, element, "checkboxes", selected_options=_reported(element, values))


def multi_static_select_action(
    block_id: str, element: Mapping[str, Any], values: Sequence[str]
) -> dict[str, Any]:
    """`values` are all the options selected after this choice (Slack reports the whole selection)."""
    return _action(block_id, element, "multi_static_select", selected_options=_reported(element, values))


def multi_external_select_action(
    block_id: str, element: Mapping[str, Any], options: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    return _action(block_id, element, "multi_external_select", selected_options=_reported(element, options))


def datepicker_action(block_id: str, element: Mapping[str, Any], selected_date: str) -> dict[str, Any]:
    return _action(block_id, element, "datepicker", selected_date=_check_date(selected_date))


def timepicker_action(block_id: str, element: Mapping[str, Any], selected_time: str) -> dict[str, Any]:
    return _action(block_id, element, "timepicker", selected_time=_check_time(selected_time))


def plain_text_input_action(block_id: str, element: Mapping[str, Any], value: str) -> dict[str, Any]:
    """What a text input in an input block with ``dispatch_action: true`` sends on Enter (or as configured
    by ``dispatch_action_config``): ``{type, block_id, action_id, value, action_ts}``."""
    if not isinstance(value, str):
        raise ValueError(f"a text input's value is a string, not {value!r}")
    return _action(block_id, element, set(TEXT_INPUTS), value=value)


def action_for(block_id: str, element: Mapping[str, Any], value: Any = None) -> dict[str, Any]:
    """The action for any interactive element, `value` in the form `state_value_for` takes."""
    kind = element.get("type")
    builders: dict[str, Callable[..., dict[str, Any]]] = {
        "static_select": static_select_action,
        "external_select": external_select_action,
        "radio_buttons": radio_action,
        "checkboxes": checkboxes_action,
        "multi_static_select": multi_static_select_action,
        "multi_external_select": multi_external_select_action,
        "datepicker": datepicker_action,
        "timepicker": timepicker_action,
        "overflow": overflow_action,
        **dict.fromkeys(TEXT_INPUTS, plain_text_input_action),
    }
    if kind == "button":
        return button_action(block_id, element)
    if kind in builders:
        return builders[kind](block_id, element, value)
    raise ValueError(f"no action builder for a {kind!r} element")


# --- interactivity payloads -----------------------------------------------------------------------


def _user(user_id: str, team_id: str, user_name: str | None) -> dict[str, str]:
    name = user_name or f"user-{user_id.lower()}"
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _channel_name(channel_id: str) -> str:
    return "directmessage" if channel_id.startswith("D") else "general"


def _check_action_in(blocks: Sequence[Mapping[str, Any]], action: Mapping[str, Any]) -> None:
    known = {(block_id, element["action_id"]) for block_id, element in iter_elements(blocks)}
    if (action.get("block_id"), action.get("action_id")) not in known:
        raise ValueError(
            f"action {action.get('block_id')!r}/{action.get('action_id')!r} is not an element of the blocks; "
            f"they have {sorted(known)}"
        )


def _state_with(
    state: Mapping[str, Any], action: Mapping[str, Any], state_values: Mapping[str, Any] | None
) -> dict[str, Any]:
    """`state_values` if given; else `state` with the acting element at the action's value."""
    if state_values is not None:
        return copy.deepcopy(dict(state_values))
    result = copy.deepcopy(dict(state))
    entry = _state_entry_of(action)
    if entry is not None:
        result.setdefault(action["block_id"], {})[action["action_id"]] = entry
    return result


def view_object(
    view: Mapping[str, Any],
    *,
    team_id: str,
    state_values: Mapping[str, Any] | None = None,
    view_id: str | None = None,
    api_app_id: str = API_APP_ID,
    bot_id: str = BOT_ID,
    previous_view_id: str | None = None,
    view_hash: str | None = None,
) -> dict[str, Any]:
    """A view as Slack reports it in payloads, from the view the bot opened or published (a ``modal`` or
    ``home``). A view already in Slack's form (with ``id`` and ``hash``) keeps them."""
    kind = view.get("type", "modal")
    blocks = render_blocks(view.get("blocks", []))
    identifier = view_id or view.get("id") or new_view_id()
    if state_values is None and isinstance(view.get("state"), Mapping) and "values" in view["state"]:
        state_values = view["state"]["values"]
    values = copy.deepcopy(dict(state_values)) if state_values is not None else state_values_for(blocks)
    default_title = {"type": "plain_text", "text": "View Title", "emoji": True} if kind == "home" else None
    return {
        "id": identifier,
        "team_id": team_id,
        "type": kind,
        "blocks": blocks,
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": values},
        "hash": view_hash or view.get("hash") or f"{int(time.time())}.{_random(_ALNUM, 8)}",
        "title": _render_text(copy.deepcopy(view.get("title", default_title))),
        "clear_on_close": view.get("clear_on_close", False),
        "notify_on_close": view.get("notify_on_close", False),
        "close": _render_text(copy.deepcopy(view.get("close"))),
        "submit": _render_text(copy.deepcopy(view.get("submit"))),
        "previous_view_id": previous_view_id or view.get("previous_view_id"),
        "root_view_id": view.get("root_view_id") or identifier,
        "app_id": api_app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": team_id,
        "bot_id": bot_id,
    }


def block_actions(
    *,
    user_id: str,
    team_id: str,
    action: Mapping[str, Any],
    channel_id: str | None = None,
    message_ts: str | None = None,
    message_blocks: Sequence[Mapping[str, Any]] | None = None,
    state_values: Mapping[str, Any] | None = None,
    container_type: str = "message",
    view: Mapping[str, Any] | None = None,
    message_text: str = "This content can't be displayed.",
    is_ephemeral: bool = False,
    user_name: str | None = None,
    channel_name: str | None = None,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
    bot_id: str = BOT_ID,
    bot_user_id: str = BOT_USER_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> SlackRequest:
    """A click or choice on an element of the bot's message (``container_type="message"``), or of a view
    (``container_type="view"``, see `view_block_actions`).

    Without `state_values`, the state is every stateful element of the message at its initial value, with
    the acting element at the action's value — what Slack reports after that one interaction. `message_blocks`
    are the blocks the bot posted; they are echoed rendered. An ephemeral message is not echoed.
    """
    if container_type == "view":
        if view is None:
            raise ValueError("a view container needs the view")
        return view_block_actions(
            user_id=user_id,
            team_id=team_id,
            view=view,
            action=action,
            state_values=state_values,
            user_name=user_name,
            team_domain=team_domain,
            api_app_id=api_app_id,
            bot_id=bot_id,
            trigger_id=trigger_id,
            token=token,
        )
    if container_type != "message":
        raise ValueError(f"container_type is 'message' or 'view', not {container_type!r}")
    if channel_id is None or message_ts is None or message_blocks is None:
        raise ValueError("a message container needs channel_id, message_ts and message_blocks")
    blocks = render_blocks(message_blocks)
    _check_action_in(blocks, action)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": token,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        },
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name or _channel_name(channel_id)},
    }
    if not is_ephemeral:
        payload["message"] = {
            "user": bot_user_id,
            "type": "message",
            "ts": message_ts,
            "bot_id": bot_id,
            "app_id": api_app_id,
            "text": message_text,
            "team": team_id,
            "blocks": blocks,
        }
    payload["state"] = {"values": _state_with(state_values_for(blocks), action, state_values)}
    payload["response_url"] = response_url or new_response_url(team_id)
    payload["actions"] = [copy.deepcopy(dict(action))]
    return interactivity_request(payload)


def view_block_actions(
    *,
    user_id: str,
    team_id: str,
    view: Mapping[str, Any],
    action: Mapping[str, Any],
    state_values: Mapping[str, Any] | None = None,
    user_name: str | None = None,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
    bot_id: str = BOT_ID,
    trigger_id: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> SlackRequest:
    """An interaction in a view (the App Home tab or a modal): ``container: {type: view, view_id}``, the view
    with its state, and no channel, message or response_url (as captured from an App Home tab)."""
    rendered = view_object(view, team_id=team_id, api_app_id=api_app_id, bot_id=bot_id)
    _check_action_in(rendered["blocks"], action)
    rendered["state"] = {"values": _state_with(rendered["state"]["values"], action, state_values)}
    payload = {
        "type": "block_actions",
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": token,
        "container": {"type": "view", "view_id": rendered["id"]},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": rendered,
        "actions": [copy.deepcopy(dict(action))],
    }
    return interactivity_request(payload)


def block_suggestion(
    *,
    user_id: str,
    team_id: str,
    action_id: str,
    block_id: str,
    value: str,
    container: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
    view: Mapping[str, Any] | None = None,
    user_name: str | None = None,
    channel_name: str | None = None,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
    bot_id: str = BOT_ID,
    token: str = VERIFICATION_TOKEN,
) -> SlackRequest:
    """What an external select sends as the user types: `value` is the typed text. In a view (give `view`)
    the container is the view and the view comes along; in a message (give `channel_id`, `message_ts`) the
    container is the message and the channel comes along."""
    container = container or ("view" if view is not None else "message")
    user = _user(user_id, team_id, user_name)
    common = {
        "api_app_id": api_app_id,
        "token": token,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if container == "view":
        if view is None:
            raise ValueError("a view container needs the view")
        rendered = view_object(view, team_id=team_id, api_app_id=api_app_id, bot_id=bot_id)
        payload = {
            "type": "block_suggestion",
            "user": user,
            "container": {"type": "view", "view_id": rendered["id"]},
            **common,
            "view": rendered,
        }
    elif container == "message":
        if channel_id is None:
            raise ValueError("a message container needs channel_id")
        payload = {
            "type": "block_suggestion",
            "user": user,
            "container": {
                "type": "message",
                "message_ts": message_ts or slack_ts(),
                "channel_id": channel_id,
                "is_ephemeral": False,
            },
            **common,
            "channel": {"id": channel_id, "name": channel_name or _channel_name(channel_id)},
        }
    else:
        raise ValueError(f"container is 'message' or 'view', not {container!r}")
    return interactivity_request(payload)


def view_submission(
    *,
    user_id: str,
    team_id: str,
    view: Mapping[str, Any],
    state_values: Mapping[str, Any] | None = None,
    user_name: str | None = None,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
    bot_id: str = BOT_ID,
    trigger_id: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> SlackRequest:
    """A modal submitted. `state_values` is ``view.state.values`` (see `state_values_for`); by default every
    stateful element at its initial value."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": view_object(
            view, team_id=team_id, state_values=state_values, api_app_id=api_app_id, bot_id=bot_id
        ),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return interactivity_request(payload)


# --- slash commands -------------------------------------------------------------------------------


def slash_command(
    *,
    user_id: str,
    team_id: str,
    channel_id: str,
    command: str = "/survey",
    text: str = "",
    user_name: str | None = None,
    channel_name: str | None = None,
    team_domain: str = TEAM_DOMAIN,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    api_app_id: str = API_APP_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> SlackRequest:
    """A slash command: form fields in Slack's order. The enterprise fields appear only for Enterprise Grid."""
    if not command.startswith("/"):
        raise ValueError(f"a slash command starts with '/', not {command!r}")
    fields = {"token": token, "team_id": team_id, "team_domain": team_domain}
    if enterprise_id is not None:
        fields["enterprise_id"] = enterprise_id
        fields["enterprise_name"] = enterprise_name or ""
    fields.update(
        {
            "channel_id": channel_id,
            "channel_name": channel_name or _channel_name(channel_id),
            "user_id": user_id,
            "user_name": user_name or f"user-{user_id.lower()}",
            "command": command,
            "text": text,
            "api_app_id": api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or new_response_url(team_id, "commands"),
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )
    return form_request(fields)


# --- events ---------------------------------------------------------------------------------------


def event_context(event_type: str, team_id: str, api_app_id: str, channel_id: str | None) -> str:
    """Slack's opaque ``event_context``: ``4-`` and unpadded base64url of ``{et, tid, aid, cid}``."""
    context = {"et": event_type, "tid": team_id, "aid": api_app_id}
    if channel_id is not None:
        context["cid"] = channel_id
    return "4-" + base64.urlsafe_b64encode(_json(context).encode()).decode().rstrip("=")


def event_callback(
    event: Mapping[str, Any],
    *,
    team_id: str,
    api_app_id: str = API_APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    bot_user_id: str = BOT_USER_ID,
    token: str = VERIFICATION_TOKEN,
) -> SlackRequest:
    """An Events API delivery: the ``event_callback`` envelope around `event`, authorised for the bot."""
    if event_time is None:
        event_time = int(float(event["event_ts"])) if "event_ts" in event else int(time.time())
    channel = event.get("channel")
    if not isinstance(channel, str):
        item = event.get("item")
        channel = item.get("channel") if isinstance(item, Mapping) else None
    envelope = {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": copy.deepcopy(dict(event)),
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": event_context(event["type"], team_id, api_app_id, channel),
    }
    return json_request(envelope)


def app_home_opened(
    user_id: str,
    *,
    team_id: str = TEAM_ID,
    channel_id: str | None = None,
    tab: str = "home",
    view: Mapping[str, Any] | None = None,
    event_ts: str | None = None,
    api_app_id: str = API_APP_ID,
    bot_id: str = BOT_ID,
    event_id: str | None = None,
) -> SlackRequest:
    """The user opened the App Home (`tab` ``home`` or ``messages``). `view` is the Home tab the bot last
    published, if any: Slack includes it only then. The channel defaults to `dm_channel_for(user_id)`."""
    if tab not in ("home", "messages"):
        raise ValueError(f"tab is 'home' or 'messages', not {tab!r}")
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id or dm_channel_for(user_id),
        "tab": tab,
    }
    if view is not None:
        event["view"] = view_object(
            {"type": "home", **view}, team_id=team_id, api_app_id=api_app_id, bot_id=bot_id
        )
    event["event_ts"] = event_ts or slack_ts()
    return event_callback(event, team_id=team_id, api_app_id=api_app_id, event_id=event_id)


def im_message(
    user_id: str,
    channel_id: str,
    text: str,
    ts: str | None = None,
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = API_APP_ID,
    event_id: str | None = None,
) -> SlackRequest:
    """The user wrote `text` in their DM with the bot (``message.im``)."""
    ts = ts or slack_ts()
    event = {
        "user": user_id,
        "type": "message",
        "ts": ts,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "team": team_id,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": _content_id([ts, text], length=5),
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
        "channel": channel_id,
        "event_ts": ts,
        "channel_type": "im",
    }
    return event_callback(event, team_id=team_id, api_app_id=api_app_id, event_id=event_id)


def url_verification(challenge: str | None = None, *, token: str = VERIFICATION_TOKEN) -> SlackRequest:
    """The handshake Slack sends when the Request URL is saved; the app answers with the challenge."""
    return json_request(
        {"token": token, "challenge": challenge or _random(_ALNUM, 48), "type": "url_verification"}
    )


# --- sending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Posts requests to the bot over HTTP as Slack does: signed, with Slack's User-Agent, and with the retry
    headers when a delivery is a retry. Proxies from the environment are ignored."""

    def __init__(self, base_url: str, signing_secret: str, *, path: str = EVENTS_PATH, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.signing_secret = signing_secret
        self.path = path
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def send(
        self,
        request: SlackRequest,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
        signature: str | None = None,
        path: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST `request`. `timestamp` and `signature` override the signing (for stale or forged requests);
        `retry_num` (1 to 3) marks a redelivery of an event with ``X-Slack-Retry-Num``/``-Reason``."""
        sent = request.headers(self.signing_secret, timestamp)
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        sent["User-Agent"] = USER_AGENT
        if retry_num is not None:
            if not 1 <= retry_num <= 3:
                raise ValueError(f"Slack retries an event at most 3 times, not {retry_num}")
            if retry_reason not in RETRY_REASONS:
                raise ValueError(f"retry_reason is one of {sorted(RETRY_REASONS)}, not {retry_reason!r}")
            sent["X-Slack-Retry-Num"] = str(retry_num)
            sent["X-Slack-Retry-Reason"] = retry_reason
        sent.update(headers or {})
        http_request = urllib.request.Request(
            self.base_url + (path or self.path), data=request.body, headers=sent, method="POST"
        )
        try:
            with self._opener.open(http_request, timeout=self.timeout) as reply:
                return Response(reply.status, _lower(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, _lower(error.headers.items()), error.read())


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in items}
