"""The Block Kit pieces every message is built from, and Slack's limits they respect.

Text a person typed (answers, names, the reasons of administrators) can neither ping nor disguise:

* it is escaped (`escape`: & < >), so that <@U…>, <#C…>, <!channel>, <!here>, <!subteam^…> and
  <http://x|label> are shown as typed and never parsed as mentions or links;
* every mrkdwn object that carries it is `verbatim` (`mrkdwn(..., verbatim=True)`, `context`,
  `notice`): Slack then does not turn bare URLs into links, nor a plain @channel, @here,
  @everyone or #channel into a mention. Mentions the bot writes itself (<@U…> of an administrator)
  are explicit markup and still work in a verbatim object. Headers are plain_text anyway;
* a mention the bot builds from an id (`mention`) is made only of a well-formed id.

Formatting characters (*bold*, _italic_, ~strike~, `code`, > quote) are accepted as typed: they change
how an answer looks, never what it does, and each answer is shown under the label the bot writes.
Neutralising them would mean changing the characters people read and copy (an e-mail address with
_, a range written 10時~12時) or inserting invisible characters into them; and plain_text objects
would lose the bold labels that say which question an answer belongs to.

The flow file's own texts (title, purpose, contact) are configuration, not typed into Slack: they are
escaped but not verbatim, so that a contact address or URL in them may be a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot import texts

Block = dict[str, Any]

OPTION_TEXT_MAX = 75
SECTION_TEXT_MAX = 3000
HEADER_MAX = 150
RADIO_MAX = 10  # checkboxes and radio buttons: at most 10 options

_SLACK_ID = re.compile(r"[A-Z0-9]+")  # user ids are upper-case letters and digits (U0123ABC, W…)


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


def mrkdwn(text: str, *, verbatim: bool = False) -> dict[str, Any]:
    """A mrkdwn text object; `verbatim` when it carries text a person typed (see above)."""
    element: dict[str, Any] = {"type": "mrkdwn", "text": cut(text, SECTION_TEXT_MAX)}
    if verbatim:
        element["verbatim"] = True
    return element


def mention(user_id: str) -> str:
    """<@U…> for a Slack user id; anything else that came as an id is shown as escaped text."""
    return f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else escape(user_id)


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


def context(text: str, *, verbatim: bool = False) -> Block:
    return {"type": "context", "elements": [mrkdwn(text, verbatim=verbatim)]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def notice(text: str, *buttons: dict[str, Any], verbatim: bool = False) -> Message:
    """A short message, optionally with buttons (resume, start …). `text` is mrkdwn, `verbatim`
    when it carries text a person typed."""
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(text, verbatim=verbatim)}]
    if buttons:
        blocks.append({"type": "actions", "elements": list(buttons)})
    return Message(text=text, blocks=blocks)
