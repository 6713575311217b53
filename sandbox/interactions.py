"""What Slack does when a person acts in its client: build the request Slack would send, sign it, send it
to the bot's HTTP endpoint, and apply the bot's answer the way Slack would (a slash command's reply shown
only to that person, a modal kept open with its errors, department options for an external select).

Every request goes through the bot's real Bolt endpoint over HTTP with a valid signature: the sandbox
never calls the bot's Python code directly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox import slack_payloads as sp
from sandbox.fake_slack import ApiError, FakeSlack
from sandbox.people import ADMIN_CHANNEL_ID, Person

log = logging.getLogger(__name__)

# The slash commands the app's manifest declares; Slack refuses any other before the app sees it.
COMMANDS = frozenset({"/survey"})


@dataclass(frozen=True)
class Outcome:
    """What the page needs to know after one interaction."""

    ok: bool = True
    error: str | None = None  # shown to the person (Japanese)
    view_errors: dict[str, str] = field(default_factory=dict)  # block_id → message, in an open modal
    options: list[dict[str, Any]] | None = None  # a block_suggestion's answer
    option_groups: list[dict[str, Any]] | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok}
        if self.error:
            body["error"] = self.error
        if self.view_errors:
            body["view_errors"] = self.view_errors
        if self.options is not None:
            body["options"] = self.options
        if self.option_groups is not None:
            body["option_groups"] = self.option_groups
        return body


def refused(error: str) -> Outcome:
    return Outcome(ok=False, error=error)


STALE_MESSAGE = "このメッセージは更新されています。画面の最新の表示から操作してください。"
NOT_A_MEMBER = "このチャンネルには参加していません。管理者に切り替えると操作できます。"


class Interactions:
    """One person's actions in the page, turned into Slack's requests to the bot."""

    def __init__(self, fake: FakeSlack, sender: sp.SlackSender) -> None:
        self.fake = fake
        self.sender = sender

    # --- messages, the App Home and modals -------------------------------------------------------

    def message_action(
        self,
        person: Person,
        channel: str,
        ts: str,
        block_id: str,
        action_id: str,
        value: Any,
        values: Sequence[Mapping[str, Any]] = (),
    ) -> Outcome:
        """A click or a choice on an element of a message (block_actions, container: message)."""
        if not self._may_see(person, channel):
            return refused(NOT_A_MEMBER)
        message, ephemeral = self._find_message(person, channel, ts)
        if message is None or not message.get("blocks"):
            return refused(STALE_MESSAGE)
        read = _action_and_state(message["blocks"], block_id, action_id, value, values)
        if read is None:
            return refused(STALE_MESSAGE)
        action, state = read
        request = sp.block_actions(
            user_id=person.id,
            user_name=person.handle,
            team_id=sp.TEAM_ID,
            channel_id=channel,
            channel_name=self._channel_name(channel),
            message_ts=ts,
            message_blocks=message["blocks"],
            message_text=message.get("text", ""),
            is_ephemeral=ephemeral,
            action=action,
            state_values=state,
            trigger_id=self.fake.issue_trigger(person.id),
            response_url=self.fake.response_url(channel, person.id, None if ephemeral else ts),
        )
        return self._expect_ack(self.sender.send(request))

    def view_action(
        self,
        person: Person,
        view_id: str,
        block_id: str,
        action_id: str,
        value: Any,
        values: Sequence[Mapping[str, Any]] = (),
    ) -> Outcome:
        """A click or a choice in the App Home tab or an open modal (block_actions, container: view)."""
        view = self._own_view(person, view_id)
        if view is None:
            return refused(STALE_MESSAGE)
        read = _action_and_state(view["blocks"], block_id, action_id, value, values)
        if read is None:
            return refused(STALE_MESSAGE)
        action, state = read
        request = sp.view_block_actions(
            user_id=person.id,
            user_name=person.handle,
            team_id=sp.TEAM_ID,
            view=view,
            action=action,
            state_values=state,
            trigger_id=self.fake.issue_trigger(person.id),
        )
        return self._expect_ack(self.sender.send(request))

    def suggest(
        self,
        person: Person,
        block_id: str,
        action_id: str,
        typed: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
    ) -> Outcome:
        """What an external select asks the app as the person types (block_suggestion)."""
        view = None
        if view_id is not None:
            view = self._own_view(person, view_id)
            if view is None:
                return refused(STALE_MESSAGE)
        elif channel is None or not self._may_see(person, channel):
            return refused(NOT_A_MEMBER)
        request = sp.block_suggestion(
            user_id=person.id,
            user_name=person.handle,
            team_id=sp.TEAM_ID,
            action_id=action_id,
            block_id=block_id,
            value=typed,
            channel_id=channel,
            channel_name=self._channel_name(channel) if channel else None,
            message_ts=ts,
            view=view,
        )
        response = self.sender.send(request)
        if response.status != 200:
            return _bot_failed(response.status)
        body = _json_body(response.body)
        options, groups = body.get("options"), body.get("option_groups")
        return Outcome(
            options=list(options) if isinstance(options, list) else None,
            option_groups=list(groups) if isinstance(groups, list) else None,
        )

    def submit_view(self, person: Person, view_id: str, values: Sequence[Mapping[str, Any]] = ()) -> Outcome:
        """The modal's submit button (view_submission); the app's answer closes, updates or keeps it."""
        view = self._own_view(person, view_id)
        if view is None:
            return refused(STALE_MESSAGE)
        try:
            state = sp.state_values_for(view["blocks"], _given(view["blocks"], values))
        except (LookupError, ValueError):
            return refused(STALE_MESSAGE)
        request = sp.view_submission(
            user_id=person.id,
            user_name=person.handle,
            team_id=sp.TEAM_ID,
            view=view,
            state_values=state,
            trigger_id=self.fake.issue_trigger(person.id),
        )
        response = self.sender.send(request)
        if response.status != 200:
            return _bot_failed(response.status)  # Slack keeps the modal open and says so
        try:
            errors = self.fake.answer_view_submission(person.id, view_id, _json_body(response.body))
        except ApiError as refusal:
            log.warning("sandbox: Slack would refuse the app's view_submission answer: %s", refusal.error)
            return refused("ボットの応答を表示できませんでした。")
        return Outcome(view_errors=errors or {})

    def close_view(self, person: Person, view_id: str) -> Outcome:
        """The modal's close button: view_closed goes to the app only if the view asked for it."""
        view = self._own_view(person, view_id)
        if view is None:
            return Outcome()
        self.fake.close_view(person.id, view_id)
        if view.get("notify_on_close"):
            self._expect_ack(self.sender.send(view_closed(person, view)))
        return Outcome()

    # --- what the person writes ------------------------------------------------------------------

    def command(self, person: Person, channel: str, line: str) -> Outcome:
        """A slash command typed in the message box, e.g. ``/survey 再開``."""
        if not self._may_see(person, channel):
            return refused(NOT_A_MEMBER)
        name, _, text = line.strip().partition(" ")
        if name not in COMMANDS:
            return refused(
                f"{name} は有効なコマンドではありません。使えるコマンド: {', '.join(sorted(COMMANDS))}"
            )
        request = sp.slash_command(
            user_id=person.id,
            user_name=person.handle,
            team_id=sp.TEAM_ID,
            channel_id=channel,
            channel_name=self._channel_name(channel),
            command=name,
            text=text.strip(),
            trigger_id=self.fake.issue_trigger(person.id),
            response_url=self.fake.response_url(channel, person.id),
        )
        response = self.sender.send(request)
        if response.status != 200:
            return _bot_failed(response.status)  # Slack: "/survey failed with the error …"
        # The ack's body is the reply Slack shows (only to this person unless in_channel).
        body = _json_body(response.body) if response.body.strip().startswith(b"{") else {}
        if not body and response.body.strip():
            body = {"text": response.body.decode("utf-8", "replace")}
        try:
            self.fake.apply_response(channel, person.id, body)
        except ApiError as refusal:
            log.warning("sandbox: Slack would refuse the command's reply: %s", refusal.error)
        return Outcome()

    def direct_message(self, person: Person, text: str) -> Outcome:
        """The person writes in their DM with the app: Slack stores it, then sends message.im."""
        channel = self.fake.dm_channel(person.id)
        message = self.fake.post_user_message(channel, person.id, text)
        request = sp.im_message(person.id, channel, text, message["ts"], team_id=sp.TEAM_ID)
        return self._expect_ack(self.sender.send(request), event=True)

    def open_tab(self, person: Person, tab: str) -> Outcome:
        """The person opens the app's Home or Messages tab (app_home_opened, with the published Home view)."""
        view = self.fake.home_view(person.id) if tab == "home" else None
        request = sp.app_home_opened(
            person.id, team_id=sp.TEAM_ID, channel_id=self.fake.dm_channel(person.id), tab=tab, view=view
        )
        return self._expect_ack(self.sender.send(request), event=True)

    # --- helpers -----------------------------------------------------------------------------------

    def _may_see(self, person: Person, channel: str) -> bool:
        if channel == ADMIN_CHANNEL_ID:
            return person.is_admin  # a private channel: only its members see it
        return channel == self.fake.dm_channel(person.id)

    @staticmethod
    def _channel_name(channel: str) -> str:
        return "directmessage" if channel.startswith("D") else "privategroup"

    def _find_message(self, person: Person, channel: str, ts: str) -> tuple[dict[str, Any] | None, bool]:
        for message in self.fake.messages(channel):
            if message["ts"] == ts:
                return message, False
        for message in self.fake.ephemeral(channel, person.id):
            if message["ts"] == ts:
                return message, True
        return None, False

    def _own_view(self, person: Person, view_id: str) -> dict[str, Any] | None:
        home = self.fake.home_view(person.id)
        if home is not None and home["id"] == view_id:
            return home
        return next((v for v in self.fake.open_views(person.id) if v["id"] == view_id), None)

    @staticmethod
    def _expect_ack(response: sp.Response, *, event: bool = False) -> Outcome:
        if response.status == 200:
            return Outcome()
        if event and response.status == 404:
            return Outcome()  # an event the app does not listen to: Slack shows nothing either
        return _bot_failed(response.status)


def _bot_failed(status: int) -> Outcome:
    return refused(f"ボットが応答しませんでした(HTTP {status})。ボットのログを確認してください。")


def _json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _action_and_state(
    blocks: Sequence[Mapping[str, Any]],
    block_id: str,
    action_id: str,
    value: Any,
    values: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The action Slack would report and the state of every input beside it; None if the page's
    request does not fit the blocks (an old message, a tampered request)."""
    try:
        found_block, element = _element(blocks, block_id, action_id)
        action = sp.action_for(found_block, element, value)
        return action, sp.state_values_for(blocks, _given(blocks, values, action, value))
    except (LookupError, ValueError) as problem:
        log.info("sandbox: an action the page sent does not fit its blocks (%s)", type(problem).__name__)
        return None


def _element(
    blocks: Sequence[Mapping[str, Any]], block_id: str, action_id: str
) -> tuple[str, dict[str, Any]]:
    for found_block, element in sp.iter_elements(blocks):
        if found_block == block_id and element["action_id"] == action_id:
            return found_block, element
    raise LookupError(f"{block_id}/{action_id}")


def _given(
    blocks: Sequence[Mapping[str, Any]],
    values: Sequence[Mapping[str, Any]],
    action: Mapping[str, Any] | None = None,
    value: Any = None,
) -> dict[str | tuple[str, str], Any]:
    """The values the person changed, keyed as `state_values_for` takes them. Entries for elements the
    message no longer has are dropped (the page may hold state from before an update)."""
    stateful = {
        (block_id, element["action_id"])
        for block_id, element in sp.iter_elements(blocks)
        if element["type"] in sp.STATEFUL
    }
    given: dict[str | tuple[str, str], Any] = {}
    for entry in values:
        key = (str(entry.get("block_id")), str(entry.get("action_id")))
        if key in stateful:
            given[key] = entry.get("value")
    if action is not None:
        key = (action["block_id"], action["action_id"])
        if key in stateful:
            given[key] = value  # the acting element holds what it was just set to
    return given


def view_closed(person: Person, view: Mapping[str, Any]) -> sp.SlackRequest:
    """view_closed, as Slack sends it when a modal with ``notify_on_close`` is closed."""
    payload = {
        "type": "view_closed",
        "team": {"id": sp.TEAM_ID, "domain": sp.TEAM_DOMAIN},
        "user": {"id": person.id, "username": person.handle, "name": person.handle, "team_id": sp.TEAM_ID},
        "api_app_id": sp.API_APP_ID,
        "token": sp.VERIFICATION_TOKEN,
        "view": sp.view_object(view, team_id=sp.TEAM_ID),
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return sp.interactivity_request(payload)
