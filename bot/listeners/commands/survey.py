"""/survey [開始|再開|状況|中止|ヘルプ]: plain /survey starts or resumes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from bot.admin_desk import AdminDesk
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
    "依頼": "assign",
    "assign": "assign",
}


def subcommand_of(text: str) -> str | None:
    word = unicodedata.normalize("NFKC", text or "").strip().split(" ")[0].lower()
    return SUBCOMMANDS.get(word)


def survey_command(conversation: Conversation, desk: AdminDesk) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        text = body.get("text", "")
        name = subcommand_of(text)
        actor = Actor(team_id=body["team_id"], user_id=body["user_id"])
        if name is None:
            ack("使い方: `/survey`(開始・再開)、`/survey 状況`、`/survey 中止`、`/survey ヘルプ`")
            return
        if name == "assign":
            ack(desk.assign(actor, text))  # the reply says who was asked, or what to fix
            return
        ack("ボットとのダイレクトメッセージでお知らせします。")
        if name == "status" and desk.is_admin(actor):
            desk.status(actor)
            return
        getattr(conversation, name)(actor)

    return handle
