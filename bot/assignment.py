"""Reading `/survey assign @相手 … [期限 YYYY-MM-DD]`: the people and the optional due date."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot import texts

# Slack escapes a mentioned user in a command as <@U0123ABC|name> (or <@U0123ABC> without a name).
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
_DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?")
_DUE_WORD = "期限"


@dataclass(frozen=True)
class Assignment:
    user_ids: tuple[str, ...]
    due_date: date | None


def parse_assignment(text: str) -> Assignment:
    """The people (mentions) and the optional due date after the subcommand; ValueError in Japanese."""
    normalized = unicodedata.normalize("NFKC", text or "")
    words = normalized.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    user_ids = tuple(dict.fromkeys(_MENTION.findall(rest)))
    if not user_ids:
        if "@" in rest:
            raise ValueError(texts.ASSIGN_UNREADABLE_MENTION)
        raise ValueError(texts.ASSIGN_NO_MENTION)
    remainder = _MENTION.sub(" ", rest).replace(_DUE_WORD, " ").replace(":", " ").strip()
    if not remainder:
        return Assignment(user_ids, None)
    found = _DATE.fullmatch(remainder.replace(" ", ""))
    if found is None:
        raise ValueError(texts.due_date_unreadable(_quoted(remainder)))
    try:
        due = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ValueError(texts.due_date_impossible(_quoted(remainder))) from None
    return Assignment(user_ids, due)


def _quoted(typed: str) -> str:
    """What was typed, quoted back in a reply that Slack reads as mrkdwn: no mention, no link."""
    return typed.replace("&", "＆").replace("<", "＜").replace(">", "＞")
