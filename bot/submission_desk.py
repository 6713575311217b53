"""After 送信: administrators change a submission's status (差戻し and 取下げ included), answer the
respondents' requests and erase at once; respondents ask for a correction or a withdrawal of
their own submission, and correct it under the same receipt number when it is returned.

Every administrator's action checks who acts, whatever the payload says: a forged button value
or modal submission from anyone else changes nothing.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable

import storage
from bot import refs, texts
from bot.conversation.access import Actor, DraftAccess
from bot.rendering.after_submission import (
    erase_confirm_message,
    plain_notice,
    request_answered_message,
    status_form_view,
)
from bot.rendering.elements import escape, notice
from bot.replies import Posted, Replies
from bot.submission_posts import notifications_for
from storage import RequestKind, Submission, SubmissionStatus

log = logging.getLogger(__name__)

# The order the status form offers them in.
_CHOICE_ORDER = [
    SubmissionStatus.CHECKING,
    SubmissionStatus.RETURNED,
    SubmissionStatus.CLOSED,
    SubmissionStatus.WITHDRAWN,
    SubmissionStatus.RECEIVED,
]
_REASON_REQUIRED = frozenset({SubmissionStatus.RETURNED, SubmissionStatus.WITHDRAWN})


class SubmissionDesk:
    def __init__(
        self, drafts: DraftAccess, *, is_admin: Callable[[str], bool], nudge_outbox: Callable[[], None]
    ) -> None:
        self.drafts = drafts
        self.engine = drafts.engine
        self.clock = drafts.clock
        self._is_admin = is_admin
        self._nudge_outbox = nudge_outbox  # the posts and notices go out now, retried if Slack fails

    # --- administrators ----------------------------------------------------------------------------

    def open_status_form(
        self, actor: Actor, value: str, trigger_id: str, posted: Posted | None, *, in_modal: bool
    ) -> Replies:
        out = Replies(actor.user_id)
        submission = self._admins_submission(actor, value, posted, out)
        if submission is None:
            return out
        allowed = storage.allowed_changes(submission.status)
        choices = [str(choice) for choice in _CHOICE_ORDER if choice in allowed]
        if not choices:
            out.tell(posted, texts.STATUS_NO_CHANGE)
            return out
        view = status_form_view(submission.id or 0, submission.receipt_number, submission.status, choices)
        out.open_view(trigger_id, view, push=in_modal)
        return out

    def change_status(
        self, actor: Actor, metadata: str, to: str, reason: str
    ) -> tuple[dict[str, str] | None, Replies]:
        """The status form sent: (errors to show in the form, or None when done; replies)."""
        out = Replies(actor.user_id)
        if not self._is_admin(actor.user_id):
            log.warning("refused a status change to a non-administrator")
            return {refs.STATUS_TO: texts.ADMINS_ONLY}, out
        reason = reason.strip()
        try:
            target = SubmissionStatus(to)
        except ValueError:
            return {refs.STATUS_TO: texts.STATUS_CHANGE_REFUSED}, out
        if target in _REASON_REQUIRED and not reason:
            return {refs.STATUS_REASON: texts.STATUS_REASON_REQUIRED}, out
        try:
            storage.change_status(
                self.engine,
                refs.parse_id(metadata) or 0,
                to=target,
                actor=actor.user_id,
                source=storage.ExportSource.SLACK,
                reason=reason,
                now=self.clock.now(),
                notifications=notifications_for,
            )
        except storage.SubmissionGone:
            return {refs.STATUS_TO: texts.SUBMISSION_NOT_FOUND}, out
        except storage.StatusNotAllowed:
            return {refs.STATUS_TO: texts.STATUS_CHANGE_REFUSED}, out
        self._nudge_outbox()
        return None, out

    def answer_request(self, actor: Actor, value: str, posted: Posted | None, *, approve: bool) -> Replies:
        """承認 / 却下 on a respondent's request in the summary's thread."""
        out = Replies(actor.user_id)
        submission_text, _, kind_text = value.partition("|")
        submission = self._admins_submission(actor, submission_text, posted, out)
        if submission is None:
            return out
        try:
            kind = RequestKind(kind_text)
        except ValueError:
            out.tell(posted, texts.REQUEST_GONE)
            return out
        now = self.clock.now()
        try:
            if approve:
                storage.change_status(
                    self.engine,
                    submission.id or 0,
                    to=SubmissionStatus.RETURNED
                    if kind == RequestKind.CORRECTION
                    else SubmissionStatus.WITHDRAWN,
                    actor=actor.user_id,
                    source=storage.ExportSource.SLACK,
                    reason=submission.request_reason or "",
                    now=now,
                    answering=kind,
                    notifications=notifications_for,
                )
            else:
                storage.decline_request(
                    self.engine,
                    submission.id or 0,
                    answering=kind,
                    actor=actor.user_id,
                    reason="",
                    now=now,
                    notifications=notifications_for,
                )
        except (storage.StatusNotAllowed, storage.SubmissionGone):
            out.tell(posted, texts.REQUEST_GONE)
            return out
        self._nudge_outbox()
        if posted:
            out.update(posted, request_answered_message(kind, approve, actor.user_id))
        return out

    def ask_to_erase(self, actor: Actor, text: str) -> Replies:
        """/survey 削除 受付番号 理由: asks to confirm, in the administrator's DM."""
        out = Replies(actor.user_id)
        if not self._is_admin(actor.user_id):
            out.say(notice(escape(texts.ADMINS_ONLY)))
            return out
        receipt, reason = _receipt_and_reason(text)
        if not receipt or not reason:
            out.say(notice(escape(texts.ERASE_USAGE)))
            return out
        submission = storage.find_submission(self.engine, receipt_number=receipt)
        if submission is None or submission.erased_at is not None:
            out.say(
                plain_notice(texts.SUBMISSION_NOT_FOUND if submission is None else texts.SUBMISSION_ERASED)
            )
            return out
        out.say(erase_confirm_message(submission.id or 0, submission.receipt_number, reason))
        return out

    def erase(self, actor: Actor, value: str, posted: Posted | None) -> Replies:
        out = Replies(actor.user_id)
        submission_text, _, reason = value.partition("|")
        submission = self._admins_submission(actor, submission_text, posted, out)
        if submission is None:
            return out
        erased = storage.erase_submission(
            self.engine,
            submission.id or 0,
            actor=actor.user_id,
            source=storage.ExportSource.SLACK,
            reason=reason,
            now=self.clock.now(),
        )
        if erased is None:
            out.tell(posted, texts.SUBMISSION_ERASED)
            return out
        log.info("submission %s erased by an administrator", erased.receipt_number)
        self._nudge_outbox()
        out.update(posted, plain_notice(texts.erased_note(erased.receipt_number)))
        return out

    # --- respondents -------------------------------------------------------------------------------

    def request(self, actor: Actor, kind: RequestKind, word: str, text: str) -> Replies:
        """/survey 修正 受付番号 [理由] and /survey 取下げ 受付番号 理由, for one's own submission."""
        out = Replies(actor.user_id)
        receipt, reason = _receipt_and_reason(text)
        if not receipt or (kind == RequestKind.WITHDRAWAL and not reason):
            out.say(notice(escape(texts.request_usage(word))))
            return out
        submission = storage.find_submission(self.engine, receipt_number=receipt)
        if submission is None or (submission.team_id, submission.user_id) != (actor.team_id, actor.user_id):
            out.say(plain_notice(texts.COPY_NOT_FOUND))  # someone else's receipt is one that does not exist
            return out
        try:
            storage.request_change(
                self.engine,
                submission.id or 0,
                kind=kind,
                user_id=actor.user_id,
                reason=reason,
                now=self.clock.now(),
                notifications=notifications_for,
            )
        except storage.SubmissionGone:
            out.say(plain_notice(texts.COPY_NOT_FOUND))
            return out
        except storage.StatusNotAllowed as refused:
            out.say(plain_notice(texts.request_refused(receipt, refused.status, refused.pending_request)))
            return out
        self._nudge_outbox()
        out.say(plain_notice(texts.request_accepted(receipt, kind)))
        return out

    def open_correction(self, actor: Actor, value: str, posted: Posted | None) -> Replies:
        """回答を修正する: the returned answers open as a draft; 送信 replaces them."""
        out = Replies(actor.user_id)
        try:
            draft = storage.open_correction(
                self.engine,
                refs.parse_id(value) or 0,
                team_id=actor.team_id,
                user_id=actor.user_id,
                now=self.clock.now(),
            )
        except storage.SubmissionGone:
            out.tell(posted, texts.SUBMISSION_NOT_FOUND)
            return out
        except storage.StatusNotAllowed:
            out.tell(posted, texts.CORRECTION_NOT_RETURNED)
            return out
        except storage.DraftAlreadyActive:
            out.tell(posted, texts.CORRECTION_BUSY)
            return out
        out.say(plain_notice(texts.CORRECTION_OPENED))
        self.drafts.show_where(actor, draft, out)
        return out

    # --- shared ----------------------------------------------------------------------------------

    def _admins_submission(
        self, actor: Actor, submission_text: str, posted: Posted | None, out: Replies
    ) -> Submission | None:
        if not self._is_admin(actor.user_id):
            log.warning("refused an administrator's action to a non-administrator")
            out.tell(posted, texts.ADMINS_ONLY)
            return None
        submission_id = refs.parse_id(submission_text)
        submission = (
            storage.get_submission_by_id(self.engine, submission_id) if submission_id is not None else None
        )
        if submission is None:
            out.tell(posted, texts.SUBMISSION_NOT_FOUND)
            return None
        if submission.erased_at is not None:
            out.tell(posted, texts.SUBMISSION_ERASED)
            return None
        return submission


def _receipt_and_reason(text: str) -> tuple[str, str]:
    """「修正 2026-0001 日付の誤り」 → ("2026-0001", "日付の誤り"); the first word is the command."""
    words = (text or "").split(maxsplit=2)  # str.split() splits at full-width spaces too
    receipt = unicodedata.normalize("NFKC", words[1]) if len(words) > 1 else ""
    reason = words[2].strip() if len(words) > 2 else ""
    return receipt, reason
