"""The Block Kit pieces every message is built from, and Slack's limits they respect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import texts

Block = dict[str, Any]

OPTION_TEXT_MAX = 75
SECTION_TEXT_MAX = 3000
HEADER_MAX = 150
RADIO_MAX = 10  # checkboxes and radio buttons: at most 10 options


@dataclass(frozen=True)
class Message:
    text: str  # the notification and accessibility fallback
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Slack mrkdwn control characters; people's answers are shown as they typed them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = OPTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(text, SECTION_TEXT_MAX)}


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def button(
    text: str,
    action_id: str,
    value: str = "-",
    *,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(wording: tuple[str, str, str], *, danger: bool = False) -> dict[str, Any]:
    """A confirmation from (title, text, yes) of bot.texts."""
    title, text, yes = wording
    dialog: dict[str, Any] = {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(texts.CONFIRM_NO, 30),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def notice(text: str, *buttons: dict[str, Any]) -> Message:
    """A short message, optionally with buttons (resume, start …). `text` is mrkdwn."""
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(text)}]
    if buttons:
        blocks.append({"type": "actions", "elements": list(buttons)})
    return Message(text=text, blocks=blocks)
