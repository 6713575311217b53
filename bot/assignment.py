"""Reading `/survey assign @相手 @グループ #チャンネル … [期限 YYYY-MM-DD]`: who, and the optional due date.

With "escape channels, users and links" on (`should_escape: true` in bot/manifests), Slack sends a
mentioned user as <@U0123ABC|name>, a user group as <!subteam^S0123ABC|@handle> and a channel as
<#C0123ABC|name> (the part after | may be missing or empty).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot import texts

_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
_USERGROUP = re.compile(r"<!subteam\^(S[A-Z0-9]{2,})(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]{2,})(?:\|([^>]*))?>")
_DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?")
_DUE_WORD = "期限"
_UNREAD_TARGET = re.compile(r"[<>@#]")  # what is left of a mention Slack did not escape


@dataclass(frozen=True)
class Named:
    """A user group or a channel named in the command: its id and the name Slack sent with it."""

    id: str
    name: str


@dataclass(frozen=True)
class Assignment:
    user_ids: tuple[str, ...]
    due_date: date | None
    usergroups: tuple[Named, ...] = ()
    channels: tuple[Named, ...] = ()

    @property
    def single_person(self) -> bool:
        return len(self.user_ids) == 1 and not self.usergroups and not self.channels


def parse_assignment(text: str) -> Assignment:
    """The people (mentions, user groups, channels) and the optional due date after the subcommand;
    ValueError in Japanese."""
    normalized = unicodedata.normalize("NFKC", text or "")
    words = normalized.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    user_ids = tuple(dict.fromkeys(_MENTION.findall(rest)))
    usergroups = _named(_USERGROUP, rest)
    channels = _named(_CHANNEL, rest)
    remainder = rest
    for pattern in (_MENTION, _USERGROUP, _CHANNEL):
        remainder = pattern.sub(" ", remainder)
    remainder = remainder.replace(_DUE_WORD, " ").replace(":", " ").strip()
    if _UNREAD_TARGET.search(remainder):
        raise ValueError(texts.ASSIGN_UNREADABLE_MENTION)
    if not (user_ids or usergroups or channels):
        raise ValueError(texts.ASSIGN_NO_MENTION)
    if not remainder:
        return Assignment(user_ids, None, usergroups, channels)
    found = _DATE.fullmatch(remainder.replace(" ", ""))
    if found is None:
        raise ValueError(texts.due_date_unreadable(_quoted(remainder)))
    try:
        due = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ValueError(texts.due_date_impossible(_quoted(remainder))) from None
    return Assignment(user_ids, due, usergroups, channels)


def _named(pattern: re.Pattern[str], text: str) -> tuple[Named, ...]:
    found: dict[str, str] = {}
    for match in pattern.finditer(text):
        found.setdefault(match[1], (match[2] or "").strip())
    return tuple(Named(id, name) for id, name in found.items())


def _quoted(typed: str) -> str:
    """What was typed, quoted back in a reply that Slack reads as mrkdwn: no mention, no link."""
    return typed.replace("&", "＆").replace("<", "＜").replace(">", "＞")
