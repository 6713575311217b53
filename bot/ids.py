"""Action ids and block ids shared by the Block Kit rendering and the listeners.

A question's blocks carry the draft, the draft version they were rendered from and the question,
so a click on an outdated message (a double click, an old message) is recognised and changes
nothing: the version no longer matches.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "kk"

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
CANCEL = "kk_cancel"
ASK_TO_CANCEL = "kk_ask_to_cancel"  # from the Home tab: the DM asks to confirm
START = "kk_start"
RESUME = "kk_resume"
RESTART = "kk_restart"
HELP = "kk_help"
SNOOZE = "kk_snooze"  # あとで on a reminder; value "draft:12" or "invitation:3"
ADMIN_FULL_ANSWERS = "kk_admin_full_answers"
LONG_TEXT_VIEW = "kk_long_text"  # modal callback_id


@dataclass(frozen=True)
class DraftRef:
    """Which draft, at which version, and which question a block belongs to."""

    draft_id: int
    version: int
    question_id: str = "-"

    def block_id(self, part: str) -> str:
        return f"{PREFIX}|{self.draft_id}|{self.version}|{self.question_id}|{part}"

    @classmethod
    def parse(cls, block_id: str | None) -> DraftRef | None:
        parts = (block_id or "").split("|")
        if len(parts) != 5 or parts[0] != PREFIX:
            return None
        try:
            return cls(int(parts[1]), int(parts[2]), parts[3])
        except ValueError:
            return None
