"""The conversation use cases: load the draft, ask the engine, save, render, send.

Listeners only read the payload, acknowledge and call one method here. Every answer is saved
before anything is shown; a click on an outdated message (double click, old message, Slack's
retry) finds the draft at another version and changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

import storage
from bot import blocks, ids
from bot.blocks import Message
from bot.delivery import notification_for_submission
from bot.direct_messages import DirectMessages
from bot.flow_catalog import FlowCatalog
from bot.home import HomeState, home_view
from bot.ids import DraftRef
from bot.settings import Settings
from flows.answers import InvalidAnswer
from flows.engine import (
    Applied,
    apply_answer,
    asked_questions,
    first_unanswered,
    missing_answers,
    previous_question,
    progress,
    review,
)
from flows.model import Flow, Question
from storage import Draft

log = logging.getLogger(__name__)

STALE = "この操作は反映されませんでした。すでに回答済みか、古いメッセージです。最新のメッセージから操作してください。"
NOT_YOURS = "この回答は別の方のものです。ご自身の回答は `/survey` から始めてください。"


@dataclass(frozen=True)
class Actor:
    """Who acts, as Slack says (never taken from a value in the message)."""

    team_id: str
    user_id: str


@dataclass(frozen=True)
class Posted:
    """Where a message is, so it can be updated (collapsed, marked with an error)."""

    channel: str
    ts: str


class Conversation:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        settings: Settings,
        catalog: FlowCatalog,
        clock: Callable[[], datetime],
        dm: DirectMessages,
        after_submit: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self.after_submit = after_submit
        self.dm = dm

    # --- starting, resuming, stopping ---------------------------------------------------------

    def start(self, actor: Actor) -> None:
        flow = self.catalog.current
        if not self._is_open(flow):
            self._say(actor, blocks.notice(_closed_text(flow)))
            return
        active = self._active_draft(actor)
        if active is not None:
            self._offer_resume(actor, active)
            return
        try:
            draft = storage.start_draft(
                self.engine,
                team_id=actor.team_id,
                user_id=actor.user_id,
                flow_version_id=self.catalog.current_version_id,
                now=self.clock(),
            )
        except storage.DraftAlreadyActive as error:  # a parallel start won the race
            self._offer_resume(actor, error.draft)
            return
        self._say(actor, blocks.intro_message(flow))
        self._ask_where_left(actor, draft)

    def start_or_resume(self, actor: Actor) -> None:
        draft = self._active_draft(actor)
        if draft is None:
            self.start(actor)
        else:
            self._ask_where_left(actor, draft)

    def resume(self, actor: Actor) -> None:
        draft = self._active_draft(actor)
        if draft is None:
            self._say_no_draft(actor)
            return
        self._ask_where_left(actor, draft)

    def restart(self, actor: Actor) -> None:
        """Discard the draft in progress (the person confirmed) and begin anew."""
        draft = self._active_draft(actor)
        if draft is not None:
            try:
                storage.cancel_draft(self.engine, draft.id, expected_version=draft.version, now=self.clock())
            except (storage.DraftConflict, storage.DraftClosed):
                self._say(actor, blocks.notice(STALE))
                return
        self.start(actor)

    def cancel(self, actor: Actor) -> None:
        draft = self._active_draft(actor)
        if draft is None:
            self._say(actor, blocks.notice("中止できる回答途中の調査はありません。"))
            return
        try:
            storage.cancel_draft(self.engine, draft.id, expected_version=draft.version, now=self.clock())
        except (storage.DraftConflict, storage.DraftClosed):
            self._say(actor, blocks.notice(STALE))
            return
        self._say(
            actor,
            blocks.notice(
                "回答を中止し、途中までの回答を削除しました。",
                blocks.button("最初から回答する", ids.START),
            ),
        )

    def ask_to_cancel(self, actor: Actor) -> None:
        if self._active_draft(actor) is None:
            self._say(actor, blocks.notice("中止できる回答途中の調査はありません。"))
            return
        confirm = blocks.confirm_dialog(
            "回答の中止", "途中までの回答は削除されます。よろしいですか?", "中止する", danger=True
        )
        self._say(
            actor,
            blocks.notice(
                "回答を中止しますか?途中までの回答は削除されます。",
                blocks.button("中止する", ids.CANCEL, style="danger", confirm=confirm),
                blocks.button("続きから回答する", ids.RESUME),
            ),
        )

    def status(self, actor: Actor) -> None:
        draft = self._active_draft(actor)
        if draft is None:
            invited = storage.outstanding(
                self.engine, team_id=actor.team_id, flow_ids=[self.catalog.current.id], user_id=actor.user_id
            )
            if invited:
                due = invited[0].due_date
                self._say(
                    actor,
                    blocks.notice(
                        "回答の依頼が届いています" + (f"(回答期限 {due:%Y-%m-%d})。" if due else "。"),
                        blocks.button("回答を始める", ids.START, style="primary"),
                    ),
                )
                return
            self._say_no_draft(actor)
            return
        flow = self.catalog.for_version(draft.flow_version_id)
        done = progress(flow, draft.answers)
        last = draft.last_activity_at.astimezone(self.settings.timezone)
        self._say(
            actor,
            blocks.notice(
                f"*{blocks.escape(flow.title)}*\n回答済み {done.answered}問・残り約 {done.remaining}問"
                f"(最終回答 {last:%Y-%m-%d %H:%M})",
                blocks.button("続きから回答する", ids.RESUME, style="primary"),
            ),
        )

    def help(self, actor: Actor) -> None:
        flow = self.catalog.current
        text = "\n".join(
            [
                f"*{blocks.escape(flow.title)}*",
                blocks.escape(flow.purpose or ""),
                "",
                "`/survey` 回答を始める(途中の回答があれば続きから)",
                "`/survey 再開` 続きから回答する",
                "`/survey 状況` 回答の進み具合を見る",
                "`/survey 中止` 回答を中止する(途中までの回答は削除)",
                "`/survey ヘルプ` この説明",
                "",
                "回答は1問ごとに保存されます。いつでも中断し、別の端末からでも続きから回答できます。",
                blocks.escape(blocks.contact_text(flow)),
            ]
        )
        self._say(actor, blocks.notice(text))

    def publish_home(self, actor: Actor, note: str | None = None) -> None:
        """The App Home tab for this person: the survey, their draft's state, and buttons."""
        flow = self.catalog.current
        draft = self._active_draft(actor)
        state = HomeState(flow=flow, is_open=self._is_open(flow), note=note)
        if draft is not None:
            state = replace(
                state,
                draft_progress=progress(self.catalog.for_version(draft.flow_version_id), draft.answers),
                last_activity=draft.last_activity_at.astimezone(self.settings.timezone),
            )
        self.client.views_publish(user_id=actor.user_id, view=home_view(state))

    # --- answering ------------------------------------------------------------------------------

    def answer(
        self, actor: Actor, ref: DraftRef, raw: Any, posted: Posted | None, *, typed: str | None = None
    ) -> None:
        draft = self._own_open_draft(actor, ref, posted)
        if draft is None:
            return
        flow = self.catalog.for_version(draft.flow_version_id)
        if not self._is_open(flow):
            self._say(actor, blocks.notice(_closed_text(flow)))
            return
        question = flow.by_id.get(ref.question_id)
        if question is None:
            self._tell(actor, posted, STALE)
            return
        try:
            applied = apply_answer(flow, draft.answers, question.id, raw, today=self._today())
        except InvalidAnswer as error:
            # Show the message next to the input; the draft is unchanged and what was typed stays.
            self._show_question(actor, draft, flow, question, posted, error=error.message, typed=typed)
            return
        if question.id in draft.answers and applied.changes_path:
            change = blocks.path_change_message(
                flow, question, applied.value, DraftRef(draft.id, draft.version, question.id),
                dropped=applied.dropped, added=applied.added,
            )  # fmt: skip
            self._say(actor, change)
            return
        self._commit(actor, draft, flow, question, applied, posted)

    def confirm_change(self, actor: Actor, ref: DraftRef, payload: str, posted: Posted | None) -> None:
        try:
            change = json.loads(payload)
        except ValueError:
            self._tell(actor, posted, STALE)
            return
        draft = self._own_open_draft(actor, ref, posted)
        if draft is None:
            return
        flow = self.catalog.for_version(draft.flow_version_id)
        question = flow.by_id.get(change.get("q", ""))
        if question is None:
            self._tell(actor, posted, STALE)
            return
        try:
            applied = apply_answer(flow, draft.answers, question.id, change.get("a"), today=self._today())
        except InvalidAnswer as error:
            self._tell(actor, posted, error.message)
            return
        self._commit(actor, draft, flow, question, applied, posted)

    def keep_answer(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> None:
        draft = self._own_open_draft(actor, ref, posted, check_version=False)
        if draft is None:
            return
        if posted:
            self._update(posted, blocks.notice("回答は変更しませんでした。"))
        self._ask_where_left(actor, draft)

    def next_from_state(
        self, actor: Actor, ref: DraftRef, state_values: dict[str, Any], posted: Posted | None
    ) -> None:
        """次へ: the answer is whatever the message's input holds now."""
        raw, typed = read_input(state_values, ref)
        self.answer(actor, ref, raw, posted, typed=typed)

    def back(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> None:
        draft = self._own_open_draft(actor, ref, posted, check_version=False)
        if draft is None:
            return
        flow = self.catalog.for_version(draft.flow_version_id)
        before = ref.question_id if ref.question_id in flow.by_id else None
        previous = previous_question(flow, draft.answers, before)
        if previous is None:
            self._tell(actor, posted, "これが最初の質問です。")
            return
        if posted and before is not None:
            self._update(posted, blocks.left_message(flow.by_id[before], ref, "前の質問に戻りました。"))
        self._show_question(actor, draft, flow, previous, None)

    def edit(self, actor: Actor, ref: DraftRef, question_id: str, posted: Posted | None) -> None:
        """修正: ask an answered question again, with its current answer filled in."""
        draft = self._own_open_draft(actor, ref, posted, check_version=False)
        if draft is None:
            return
        flow = self.catalog.for_version(draft.flow_version_id)
        question = flow.by_id.get(question_id)
        if question is None or question_id not in {q.id for q in asked_questions(flow, draft.answers)}:
            self._tell(actor, posted, "この質問は、現在の回答では対象外です。")
            return
        self._show_question(actor, draft, flow, question, None)

    def submit(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> None:
        draft = self._own_open_draft(actor, ref, posted)
        if draft is None:
            return
        flow = self.catalog.for_version(draft.flow_version_id)
        missing = missing_answers(flow, draft.answers)
        if missing:
            self._say(actor, blocks.notice(f"未回答の質問があります: {blocks.escape(missing[0].label)}"))
            self._show_question(actor, draft, flow, missing[0], None)
            return
        try:
            submission = storage.submit_draft(
                self.engine,
                draft.id,
                expected_version=draft.version,
                answers=draft.answers,
                now=self.clock(),
                notifications=lambda made: [notification_for_submission(made)],
            )
        except storage.DraftConflict:
            self._tell(actor, posted, STALE)
            return
        except storage.DraftClosed:
            self._tell(actor, posted, "この回答はすでに送信されています。")
            return
        if posted:
            self._update(posted, blocks.notice("回答内容を送信しました。"))
        self._say(actor, blocks.submitted_message(flow, submission.receipt_number))
        if self.after_submit:
            self.after_submit()

    # --- the department search (block_suggestion) -----------------------------------------------

    def department_options(self, keyword: str) -> list[dict[str, Any]]:
        found = storage.search_departments(self.engine, keyword or "", limit=100)
        return [blocks.org_option(d.code, d.name) for d in found]

    def answer_department(self, actor: Actor, ref: DraftRef, code: str, posted: Posted | None) -> None:
        matches = [d for d in storage.search_departments(self.engine, code, limit=100) if d.code == code]
        raw = {"code": matches[0].code, "name": matches[0].name} if matches else {"code": "", "name": ""}
        self.answer(actor, ref, raw, posted)

    # --- long text in a modal -------------------------------------------------------------------

    def long_text_view(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> dict[str, Any] | None:
        draft = self._own_open_draft(actor, ref, posted)
        if draft is None:
            return None
        flow = self.catalog.for_version(draft.flow_version_id)
        question = flow.by_id[ref.question_id]
        metadata = {"d": draft.id, "v": draft.version, "q": question.id}
        if posted:
            metadata |= {"c": posted.channel, "t": posted.ts}
        return blocks.long_text_modal(question, draft.answers.get(question.id), json.dumps(metadata))

    def submit_long_text(self, actor: Actor, metadata: str, text: str) -> dict[str, str] | None:
        """Returns errors for the modal (kept open, text kept) or None when saved."""
        data = json.loads(metadata)
        ref = DraftRef(int(data["d"]), int(data["v"]), str(data["q"]))
        posted = Posted(data["c"], data["t"]) if "c" in data else None
        draft = self._own_open_draft(actor, ref, posted)
        if draft is None:
            return {ids.LONG_TEXT_VIEW: STALE}
        flow = self.catalog.for_version(draft.flow_version_id)
        question = flow.by_id[ref.question_id]
        try:
            applied = apply_answer(flow, draft.answers, question.id, text, today=self._today())
        except InvalidAnswer as error:
            return {ids.LONG_TEXT_VIEW: error.message}
        self._commit(actor, draft, flow, question, applied, posted)
        return None

    # --- internals ------------------------------------------------------------------------------

    def _commit(
        self,
        actor: Actor,
        draft: Draft,
        flow: Flow,
        question: Question,
        applied: Applied,
        posted: Posted | None,
    ) -> None:
        following = first_unanswered(flow, applied.answers)
        try:
            saved = storage.save_answers(
                self.engine,
                draft.id,
                expected_version=draft.version,
                answers=applied.answers,
                current_question_id=following.id if following else None,
                now=self.clock(),
            )
        except storage.DraftConflict:
            self._tell(actor, posted, STALE)
            return
        except storage.DraftClosed:
            self._tell(actor, posted, "この回答はすでに送信済みか、中止されています。")
            return
        if posted:
            self._update(
                posted, blocks.answered_message(question, applied.value, DraftRef(saved.id, saved.version))
            )
        self._ask_where_left(actor, saved)

    def _ask_where_left(self, actor: Actor, draft: Draft) -> None:
        flow = self.catalog.for_version(draft.flow_version_id)
        question = first_unanswered(flow, draft.answers)
        if question is None:
            ref = DraftRef(draft.id, draft.version)
            self._say(actor, blocks.review_message(flow, review(flow, draft.answers), ref))
        else:
            self._show_question(actor, draft, flow, question, None)

    def _show_question(
        self,
        actor: Actor,
        draft: Draft,
        flow: Flow,
        question: Question,
        posted: Posted | None,
        *,
        error: str | None = None,
        typed: str | None = None,
    ) -> None:
        current = draft.answers.get(question.id)
        if current is None and question.prefill == "real_name":
            current = self._real_name(actor)
        message = blocks.question_message(
            flow,
            question,
            DraftRef(draft.id, draft.version, question.id),
            progress=progress(flow, draft.answers),
            current=current,
            typed=typed,
            error=error,
            can_go_back=previous_question(flow, draft.answers, question.id) is not None,
        )
        if posted:
            self._update(posted, message)
        else:
            self._say(actor, message)

    def _own_open_draft(
        self, actor: Actor, ref: DraftRef, posted: Posted | None, *, check_version: bool = True
    ) -> Draft | None:
        """The draft a click refers to, if this person may act on it now; otherwise say why."""
        try:
            draft = storage.get_draft(self.engine, ref.draft_id)
        except storage.DraftNotFound:
            self._tell(actor, posted, STALE)
            return None
        if (draft.team_id, draft.user_id) != (actor.team_id, actor.user_id):
            log.warning("refused an action on a draft of another user")
            self._tell(actor, posted, NOT_YOURS)
            return None
        if draft.status != storage.DraftStatus.IN_PROGRESS:
            self._tell(actor, posted, "この回答はすでに送信済みか、中止されています。")
            return None
        if check_version and draft.version != ref.version:
            self._tell(actor, posted, STALE)
            return None
        return draft

    def _active_draft(self, actor: Actor) -> Draft | None:
        return storage.find_active_draft(
            self.engine, team_id=actor.team_id, user_id=actor.user_id, flow_id=self.catalog.current.id
        )

    def _say_no_draft(self, actor: Actor) -> None:
        self._say(
            actor,
            blocks.notice(
                "回答途中の調査はありません。", blocks.button("回答を始める", ids.START, style="primary")
            ),
        )

    def _offer_resume(self, actor: Actor, draft: Draft) -> None:
        flow = self.catalog.for_version(draft.flow_version_id)
        done = progress(flow, draft.answers)
        confirm = blocks.confirm_dialog(
            "最初からやり直す", "途中までの回答は削除されます。よろしいですか?", "やり直す", danger=True
        )
        self._say(
            actor,
            blocks.notice(
                f"回答途中の調査があります(回答済み {done.answered}問・残り約 {done.remaining}問)。",
                blocks.button("続きから回答する", ids.RESUME, style="primary"),
                blocks.button("最初からやり直す", ids.RESTART, confirm=confirm),
            ),
        )

    def _is_open(self, flow: Flow) -> bool:
        return flow.open_period.is_open(self.clock())

    def _today(self) -> date:
        """Today in the survey's time zone (a date in the future is refused against it)."""
        return self.clock().astimezone(self.settings.timezone).date()

    def _real_name(self, actor: Actor) -> str | None:
        try:
            user = self.client.users_info(user=actor.user_id)["user"]
        except SlackApiError:
            return None
        profile = user.get("profile") or {}
        return profile.get("real_name") or user.get("real_name") or None

    def say(self, actor: Actor, message: Message) -> None:
        self._say(actor, message)

    def update(self, posted: Posted, message: Message) -> None:
        self._update(posted, message)

    def tell(self, actor: Actor, posted: Posted | None, text: str) -> None:
        self._tell(actor, posted, text)

    def _say(self, actor: Actor, message: Message) -> None:
        self.dm.say(actor.user_id, message)

    def _update(self, posted: Posted, message: Message) -> None:
        self.client.chat_update(channel=posted.channel, ts=posted.ts, **message.as_kwargs())

    def _tell(self, actor: Actor, posted: Posted | None, text: str) -> None:
        """A note only this person sees, next to the message they acted on."""
        self.dm.tell(actor.user_id, posted.channel if posted else None, text)


def _closed_text(flow: Flow) -> str:
    return f"「{blocks.escape(flow.title)}」は現在、回答の受付期間外です。途中までの回答は保存されています。"


def read_input(state_values: dict[str, Any], ref: DraftRef) -> tuple[Any, str | None]:
    """The answer held by a question's input element, and the raw text when it was typed."""
    entry = (state_values.get(ref.block_id("input")) or {}).values()
    for element in entry:
        kind = element.get("type")
        if kind == "plain_text_input":
            value = element.get("value") or ""
            return value, value
        if kind in ("checkboxes", "multi_static_select"):
            return [o["value"] for o in element.get("selected_options") or []], None
        if kind in ("radio_buttons", "static_select", "external_select"):
            selected = element.get("selected_option")
            return (selected or {}).get("value"), None
        if kind == "datepicker":
            return element.get("selected_date"), None
        if kind == "timepicker":
            return element.get("selected_time"), None
    return None, None
