"""/survey [開始|再開|状況|中止|ヘルプ]: plain /survey starts or resumes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from bot.conversation import Actor, Conversation

SURVEY_COMMAND = "/survey"  # also in bot/manifests/*.yaml

SUBCOMMANDS: dict[str, str] = {
    "": "start_or_resume",
    "開始": "start",
    "start": "start",
    "再開": "resume",
    "resume": "resume",
    "状況": "status",
    "status": "status",
    "中止": "ask_to_cancel",
    "cancel": "ask_to_cancel",
    "ヘルプ": "help",
    "help": "help",
}


def subcommand_of(text: str) -> str | None:
    word = unicodedata.normalize("NFKC", text or "").strip().split(" ")[0].lower()
    return SUBCOMMANDS.get(word)


def survey_command(conversation: Conversation) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        name = subcommand_of(body.get("text", ""))
        if name is None:
            ack("使い方: `/survey`(開始・再開)、`/survey 状況`、`/survey 中止`、`/survey ヘルプ`")
            return
        ack("ボットとのダイレクトメッセージでお知らせします。")
        actor = Actor(team_id=body["team_id"], user_id=body["user_id"])
        getattr(conversation, name)(actor)

    return handle
