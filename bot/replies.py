"""What a use case wants shown: plain records that the Slack gateway carries out, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.rendering.elements import Message


@dataclass(frozen=True)
class Posted:
    """Where a message is, so it can be updated (collapsed, marked with an error).

    A message a person just clicked also carries the click's `response_url`, through which the
    gateway replaces it without a rate-limited chat.update. It is a capability (anyone holding it
    can post there), so it is never shown or compared: the same message is the same Posted.

    A draft's live message posted through a response_url has no ts that Slack told (""); it is
    `live_of` that draft, asking `live_question` (None: the review), and the gateway finds it in the
    DM by those when it must change it."""

    channel: str
    ts: str
    response_url: str | None = field(default=None, compare=False, repr=False)
    live_of: int | None = field(default=None, compare=False, repr=False)
    live_question: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Say:
    """A message in the person's DM with the bot. With `live_for` (a draft id) it becomes that
    draft's one live message: the one it replaces is collapsed, so only one question or review can
    be acted on at a time."""

    user_id: str
    message: Message
    live_for: int | None = None
    live_question: str | None = None  # the question it asks (None: the review)


@dataclass(frozen=True)
class Update:
    where: Posted
    message: Message


@dataclass(frozen=True)
class Tell:
    """A note only this person sees, next to what they acted on (else in their DM)."""

    user_id: str
    where: str | None
    text: str


@dataclass(frozen=True)
class OpenView:
    trigger_id: str
    view: dict[str, Any]
    push: bool = False  # on top of the modal the person acted in


@dataclass(frozen=True)
class PublishHome:
    user_id: str
    view: dict[str, Any]


@dataclass(frozen=True)
class Upload:
    """A file for the person, in their DM only (exports and charts never go to a channel).
    `then` runs once Slack has taken the file: an export is recorded only when it was handed over."""

    user_id: str
    filename: str
    content: bytes
    title: str
    comment: str | None = None
    then: Callable[[], None] | None = field(default=None, compare=False, repr=False)


Reply = Say | Update | Tell | OpenView | PublishHome | Upload


@dataclass
class Replies:
    """The replies to one person's action, collected in the order they are to be shown."""

    user_id: str
    items: list[Reply] = field(default_factory=list)

    def say(self, message: Message, *, live_for: int | None = None, live_question: str | None = None) -> None:
        self.items.append(Say(self.user_id, message, live_for, live_question))

    def update(
        self,
        where: Posted | None,
        message: Message,
        *,
        live_for: int | None = None,
        live_question: str | None = None,
    ) -> None:
        """Replace the message acted on; without one (a command, the Home tab), post it instead."""
        self.items.append(
            Update(where, message) if where else Say(self.user_id, message, live_for, live_question)
        )

    def tell(self, where: Posted | None, text: str) -> None:
        self.items.append(Tell(self.user_id, where.channel if where else None, text))

    def open_view(self, trigger_id: str, view: dict[str, Any], *, push: bool = False) -> None:
        self.items.append(OpenView(trigger_id, view, push))

    def upload(
        self,
        filename: str,
        content: bytes,
        title: str,
        comment: str | None = None,
        *,
        then: Callable[[], None] | None = None,
    ) -> None:
        self.items.append(Upload(self.user_id, filename, content, title, comment, then))

    def publish_home(self, view: dict[str, Any]) -> None:
        self.items.append(PublishHome(self.user_id, view))
