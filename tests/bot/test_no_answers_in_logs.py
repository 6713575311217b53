"""The whole survey answered with every logger at DEBUG: no typed text reaches a log line."""

from __future__ import annotations

import logging

import pytest

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.app import Kikitori
from tests.bot.harness import Person, complete_survey

# Texts only a respondent would type; none may appear in any log record.
TYPED = {
    "respondent_name": "秘匿氏名カキクケコ",
    "q6_2_training_kinds_other": "秘匿研修サシスセソ",
    "q13_info_kinds_other": "秘匿情報タチツテト 090-1111-2222",
    "q23_measures": "秘匿対策ナニヌネノ\n二行目",
    "q24_improvements": "秘匿改善ハヒフヘホ",
}


def test_no_answer_text_reaches_the_logs_at_debug(
    bot: Kikitori, respondent: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger, and so every logger that does not say otherwise
    respondent.command("")
    review = complete_survey(respondent, bot.catalog.current, {**LONGEST_PATH_ANSWERS, **TYPED})
    respondent.act(review, refs.SUBMIT)
    respondent.wait_for_message(lambda m: "ご回答ありがとうございました" in str(m.get("blocks")))
    respondent.fake.wait_for(lambda: respondent.fake.messages("C0ADMIN001"))
    assert caplog.records  # DEBUG was on and things were logged
    logged = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    for text in TYPED.values():
        assert text.split("\n")[0] not in logged
