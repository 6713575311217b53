"""/survey [開始|再開|状況|中止|ヘルプ|依頼 …]: plain /survey starts or resumes.

Words map to commands, and commands to use cases, through explicit tables: the same ones serve
the slash command and a word typed in the DM.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.conversation import Actor
from bot.listeners.carrying import carry
from bot.rendering.elements import notice
from bot.replies import Replies
from storage import RequestKind

if TYPE_CHECKING:
    from bot.listeners import UseCases

SURVEY_COMMAND = "/survey"  # also in bot/manifests/*.yaml


class Command(StrEnum):
    START_OR_RESUME = "start_or_resume"
    START = "start"
    RESUME = "resume"
    STATUS = "status"
    CANCEL = "cancel"
    HELP = "help"
    ASSIGN = "assign"
    STATS = "stats"
    EXPORT = "export"
    EXPORTS = "exports"
    COPY = "copy"
    AUDIT = "audit"
    CORRECT = "correct"
    WITHDRAW = "withdraw"
    ERASE = "erase"


WORDS: dict[str, Command] = {
    "": Command.START_OR_RESUME,
    "開始": Command.START,
    "start": Command.START,
    "再開": Command.RESUME,
    "resume": Command.RESUME,
    "状況": Command.STATUS,
    "status": Command.STATUS,
    "中止": Command.CANCEL,
    "cancel": Command.CANCEL,
    "ヘルプ": Command.HELP,
    "help": Command.HELP,
    "依頼": Command.ASSIGN,
    "assign": Command.ASSIGN,
    "集計": Command.STATS,
    "stats": Command.STATS,
    "エクスポート": Command.EXPORT,
    "export": Command.EXPORT,
    "エクスポート履歴": Command.EXPORTS,
    "exports": Command.EXPORTS,
    "控え": Command.COPY,
    "copy": Command.COPY,
    "監査": Command.AUDIT,
    "audit": Command.AUDIT,
    "修正": Command.CORRECT,
    "correct": Command.CORRECT,
    "取下げ": Command.WITHDRAW,
    "取り下げ": Command.WITHDRAW,
    "取下": Command.WITHDRAW,
    "withdraw": Command.WITHDRAW,
    "削除": Command.ERASE,
    "erase": Command.ERASE,
}


def command_of(text: str) -> Command | None:
    word = unicodedata.normalize("NFKC", text or "").strip().split(" ")[0].lower()
    return WORDS.get(word)


# Commands that read words after themselves; the others are the command word alone.
TAKES_WORDS = frozenset(
    {
        Command.ASSIGN,
        Command.STATS,
        Command.EXPORT,
        Command.COPY,
        Command.AUDIT,
        Command.CORRECT,
        Command.WITHDRAW,
        Command.ERASE,
    }
)


def typed_command(text: str) -> Command | None:
    """A command typed in the DM's message box. 「状況を確認してから送付」 or 「help desk」 typed as an
    answer are answers: a command without words of its own must be typed alone."""
    command = command_of(text) if text.strip() else None
    if command is None or command in TAKES_WORDS or len(text.split()) == 1:
        return command
    return None


def run(use_cases: UseCases, command: Command, actor: Actor, text: str) -> Replies:
    """What a command does for this person, as replies in their DM."""
    if command is Command.ASSIGN:
        out = Replies(actor.user_id)
        out.say(notice(use_cases.invitations.assign(actor, text)))  # mentions render; typed text is quoted
        return out
    if command is Command.COPY:
        return use_cases.starting.copy(actor, text)
    if command is Command.CORRECT:
        return use_cases.submissions.request(actor, RequestKind.CORRECTION, "修正", text)
    if command is Command.WITHDRAW:
        return use_cases.submissions.request(actor, RequestKind.WITHDRAWAL, "取下げ", text)
    if command is Command.ERASE:
        return use_cases.submissions.ask_to_erase(actor, text)
    if command is Command.STATS:
        return use_cases.results.statistics(actor, text)
    if command is Command.EXPORT:
        return use_cases.results.export(actor, text)
    if command is Command.AUDIT:
        return use_cases.results.audit(actor, text)
    if command is Command.EXPORTS:
        return use_cases.results.export_log(actor)
    if command is Command.STATUS and use_cases.desk.is_admin(actor):
        return use_cases.desk.status(actor)
    starting = use_cases.starting
    respondent: dict[Command, Callable[[Actor], Replies]] = {
        Command.START_OR_RESUME: starting.start_or_resume,
        Command.START: starting.start,
        Command.RESUME: starting.resume,
        Command.STATUS: starting.status,
        Command.CANCEL: starting.ask_to_cancel,
        Command.HELP: starting.help,
    }
    return respondent[command](actor)


def survey_command(use_cases: UseCases) -> dict[str, Any]:
    """The ack, in the request thread, from the command's words and settings alone (no database,
    no Slack call); the work after it, in the listener pool (Bolt's lazy listener)."""

    def acknowledge(ack: Callable[..., None], body: dict[str, Any]) -> None:
        decoded = _decoded(body)
        if decoded is None:
            ack()  # Slack always says who typed the command
            return
        command, actor, _ = decoded
        if command is None:
            ack(texts.COMMAND_USAGE)
        # The replies (who was asked, what to fix) come in the DM.
        elif command is Command.ASSIGN:
            ack(texts.ASSIGN_ACCEPTED)
        elif command in (Command.STATS, Command.EXPORT, Command.EXPORTS, Command.AUDIT):
            ack(texts.RESULTS_ACCEPTED if use_cases.desk.is_admin(actor) else texts.RESULTS_ADMINS_ONLY)
        elif _in_the_bots_dm(use_cases, body):
            ack()  # the answer appears right there
        else:
            ack(texts.SEE_DM)

    def work(body: dict[str, Any]) -> None:
        decoded = _decoded(body)
        if decoded is None:
            return
        command, actor, text = decoded
        if command is None:
            return  # the usage was the answer
        carry(use_cases, actor.user_id, None, lambda: run(use_cases, command, actor, text))

    return {"ack": acknowledge, "lazy": [work]}


def _decoded(body: dict[str, Any]) -> tuple[Command | None, Actor, str] | None:
    text = str(body.get("text") or "")
    team_id, user_id = body.get("team_id"), body.get("user_id")
    if not team_id or not user_id:
        return None
    return command_of(text), Actor(team_id=str(team_id), user_id=str(user_id)), text


def _in_the_bots_dm(use_cases: UseCases, body: dict[str, Any]) -> bool:
    if body.get("channel_name") != "directmessage":
        return False
    known = use_cases.gateway.known_dm(str(body.get("user_id")))
    return known is None or known == body.get("channel_id")
