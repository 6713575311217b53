"""What a message's element acts on, in one encoding: action ids, and the versioned reference to
"which draft, at which version, which question" carried by block ids, button values and a modal's
private_metadata.

    kk2|<draft id>|<draft version>|<question id or ->[|<part>]

The leading `kk2` is the encoding's version. A message from an earlier release (`kk|…`, a button
value of JSON) does not parse, and the listener refuses it cleanly: an old message never acts.
A click on a message rendered from an older version of the draft (a double click, a replay, a
superseded question) finds the draft at another version and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.replies import Posted

ENCODING = "kk2"
_SEPARATOR = "|"
NO_QUESTION = "-"  # the review, and what concerns the whole draft

ACTION_PREFIX = "kk_"  # every action id and callback id below starts with it
ANSWER = "kk_answer"  # elements that answer at once: radio, select, pickers, Enter in a text input
TOGGLE = "kk_toggle"  # checkboxes / multi-select changes: the answer is read on 次へ
NEXT = "kk_next"  # 次へ: read the message's state.values
BACK = "kk_back"
EDIT = "kk_edit"  # 修正 on an answered question
REVIEW_EDIT = "kk_review_edit"  # the 修正 menu in the review
OPEN_LONG_TEXT = "kk_open_long_text"
CONFIRM_CHANGE = "kk_confirm_change"
KEEP_ANSWER = "kk_keep_answer"
SUBMIT = "kk_submit"
SKIP = "kk_skip"  # 回答しない on an optional question
KEEP_CURRENT = "kk_keep_current"  # この回答のまま次へ on a question shown again with its answer
BACK_TO_REVIEW = "kk_back_to_review"  # 戻る on a question opened from the review
START_NEW = "kk_start_new"  # 新しく回答する after a submission
RESULTS_PERIOD = "kk_results_period"  # the period menu on the administrators' Home
RESULTS_STATS = "kk_results_stats"
RESULTS_EXPORT = "kk_results_export"
CANCEL = "kk_cancel"
ASK_TO_CANCEL = "kk_ask_to_cancel"  # from the Home tab: the DM asks to confirm
START = "kk_start"
RESUME = "kk_resume"
RESTART = "kk_restart"
HELP = "kk_help"
SNOOZE = "kk_snooze"  # あとで on a reminder: the value is a ChasedRef
ADMIN_FULL_ANSWERS = "kk_admin_full_answers"
# After 送信. Values carry the submission id ("<id>", or "<id>|<request kind>" / "<id>|<reason>").
ADMIN_CHANGE_STATUS = "kk_admin_change_status"  # on the summary post and in the full answers
ADMIN_APPROVE_REQUEST = "kk_admin_approve_request"
ADMIN_DECLINE_REQUEST = "kk_admin_decline_request"
ADMIN_CONFIRM_ERASE = "kk_admin_confirm_erase"
OPEN_CORRECTION = "kk_open_correction"  # the respondent's button after 差戻し
STATUS_VIEW = "kk_status_view"  # modal callback_id; private_metadata is the submission id
STATUS_TO = "kk_status_to"
STATUS_REASON = "kk_status_reason"
LONG_TEXT_VIEW = "kk_long_text"  # modal callback_id

# Ids are integer columns, and PostgreSQL's integer holds at most this.
MAX_ID = 2**31 - 1


def parse_id(text: object) -> int | None:
    """An id or a version written in ASCII digits that a column can hold; None for anything else.
    (str.isdigit() and int() also take '²' or '٣', and int() refuses 5,000 digits with a ValueError.)"""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


@dataclass(frozen=True)
class DraftRef:
    """Which draft, at which version, and which question an element belongs to."""

    draft_id: int
    version: int
    question_id: str = NO_QUESTION

    def encode(self) -> str:
        return _SEPARATOR.join((ENCODING, str(self.draft_id), str(self.version), self.question_id))

    def block_id(self, part: str) -> str:
        return f"{self.encode()}{_SEPARATOR}{part}"

    def for_question(self, question_id: str) -> DraftRef:
        return DraftRef(self.draft_id, self.version, question_id)

    @classmethod
    def decode(cls, text: str | None) -> DraftRef | None:
        """A block id or value of this encoding (with or without a part); None for anything else."""
        parts = text.split(_SEPARATOR) if isinstance(text, str) else []
        if len(parts) not in (4, 5) or parts[0] != ENCODING:
            return None
        draft_id, version, question_id = parse_id(parts[1]), parse_id(parts[2]), parts[3]
        if draft_id is None or version is None or not question_id:
            return None
        return cls(draft_id, version, question_id)


@dataclass(frozen=True)
class ChasedRef:
    """A draft or an invitation that a reminder is about (あとで acts on it)."""

    kind: str  # "draft" | "invitation"
    id: int

    def encode(self) -> str:
        return _SEPARATOR.join((ENCODING, self.kind, str(self.id)))

    @classmethod
    def decode(cls, text: str | None) -> ChasedRef | None:
        parts = text.split(_SEPARATOR) if isinstance(text, str) else []
        if len(parts) != 3 or parts[0] != ENCODING or parts[1] not in ("draft", "invitation"):
            return None
        chased = parse_id(parts[2])
        return cls(parts[1], chased) if chased is not None else None


@dataclass(frozen=True)
class StartRef:
    """開始 as rendered: the person's newest draft then. A replayed or repeated click finds a newer
    draft (it already started) and starts nothing."""

    after: int

    def encode(self) -> str:
        return _SEPARATOR.join((ENCODING, "start", str(self.after)))

    @classmethod
    def decode(cls, text: str | None) -> StartRef | None:
        parts = text.split(_SEPARATOR) if isinstance(text, str) else []
        after = parse_id(parts[2]) if len(parts) == 3 else None
        if parts[:2] != [ENCODING, "start"] or after is None:
            return None
        return cls(after)


@dataclass(frozen=True)
class ProposedChange:
    """変更する on a path change: the draft reference and the answer that was proposed."""

    ref: DraftRef
    answer: Any

    def encode(self) -> str:
        return f"{self.ref.encode()}{_SEPARATOR}{json.dumps(self.answer, ensure_ascii=False)}"

    @classmethod
    def decode(cls, text: str | None) -> ProposedChange | None:
        # The answer is JSON and may itself hold the separator: the reference is the first four fields.
        fields = text.split(_SEPARATOR, 4) if isinstance(text, str) else []
        if len(fields) != 5:
            return None
        ref = DraftRef.decode(_SEPARATOR.join(fields[:4]))
        try:
            return cls(ref, json.loads(fields[4])) if ref else None
        except ValueError:
            return None


@dataclass(frozen=True)
class ModalRef:
    """A modal's private_metadata: the draft reference, the message the modal was opened from, and
    the response_url of the click that opened it (the answer's echo and the next question go
    through it; private_metadata comes back to the app only)."""

    ref: DraftRef
    flow_version_id: int
    channel: str | None = None
    ts: str | None = None
    response_url: str | None = field(default=None, repr=False)

    def encode(self) -> str:
        return json.dumps(
            {
                "ref": self.ref.encode(),
                "flow": self.flow_version_id,
                "channel": self.channel,
                "ts": self.ts,
                "url": self.response_url,
            }
        )

    def origin(self) -> Posted | None:
        """The question's message the modal was opened from, with that click's response_url."""
        if not (self.channel and self.ts):
            return None
        return Posted(self.channel, self.ts, self.response_url)

    @classmethod
    def decode(cls, text: str | None) -> ModalRef | None:
        try:
            data = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        ref, flow = DraftRef.decode(data.get("ref")), data.get("flow")
        if ref is None or isinstance(flow, bool) or not isinstance(flow, int) or not 0 <= flow <= MAX_ID:
            return None
        channel, ts, url = data.get("channel"), data.get("ts"), data.get("url")
        return cls(
            ref,
            flow,
            channel if isinstance(channel, str) else None,
            ts if isinstance(ts, str) else None,
            url if isinstance(url, str) else None,
        )
