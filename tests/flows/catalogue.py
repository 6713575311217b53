"""The catalogue's conditions, written independently of the flow file, as an oracle for tests.

Source: shared/spec/leak-incident-survey.md, the "when" column. If the flow file and this table
disagree, one of them was transcribed wrongly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Answers = Mapping[str, Any]


def _is(question: str, *values: str) -> Callable[[Answers], bool]:
    return lambda a: a.get(question) in values


def _has(question: str, value: str) -> Callable[[Answers], bool]:
    return lambda a: value in (a.get(question) or [])


CONDITIONS: dict[str, Callable[[Answers], bool]] = {
    "q6_2_training_kinds": _is("q6_training", "ある"),
    "q9_contractor_rules": _is("q1_title", "委託先等の職員"),
    "q10_date": _is("q10_when_precision", "日時まで特定できる", "日付まで特定できる"),
    "q10_time": _is("q10_when_precision", "日時まで特定できる"),
    "q10_period": _is("q10_when_precision", "期間で特定できる"),
    "q16_count": _is("q16_experience", "何度か行った(通算の回数を入力)"),
    # 「回答しない」 ("") is no answer: a condition on it is false, ≠ included.
    "q20_2_why_not": lambda a: a.get("q20_followed") not in (None, "", "すべて実施した"),
    "q21_2_burden_tasks": _is("q21_burden", "非常に負担だった", "負担だった"),
    "q21_3_report": _has("q21_2_burden_tasks", "知事や主管課への報告"),
    "q21_4_press": _has("q21_2_burden_tasks", "報道対応"),
    "q21_5_notice": _has("q21_2_burden_tasks", "本人や関係者への通知・謝罪"),
    "q25_2_alert_view": _is("q25_alert_known", "知っていた"),
    **{
        qid: _is("q_uses_contractors", "している")
        for qid in ("q28_selection", "q29_clauses", "q30_minimum", "q31_scope", "q32_checksheet")
    },
}

# Questions whose "その他" choice opens a free-text follow-up <id>_other.
OTHER_PARENTS: dict[str, str] = {
    "q1_title": "single",
    "q6_2_training_kinds": "multi",
    "q11_place": "single",
    "q12_task": "single",
    "q13_info_kinds": "multi",
    "q15_discovery": "single",
    "q17_before": "single",
    "q20_2_why_not": "single",
    "q21_2_burden_tasks": "multi",
    "q21_3_report": "multi",
    "q21_4_press": "multi",
    "q21_5_notice": "multi",
    "q21_6_reactions": "multi",
    "q22_causes": "multi",
    "q25_2_alert_view": "single",
}
for _parent, _kind in OTHER_PARENTS.items():
    CONDITIONS[f"{_parent}_other"] = _has(_parent, "その他") if _kind == "multi" else _is(_parent, "その他")


def expected_asked(question_ids: list[str], answers: Answers) -> list[str]:
    """The oracle's path: a question is asked when its catalogue condition holds on earlier
    answers to questions that were themselves asked."""
    applying: dict[str, Any] = {}
    asked = []
    for qid in question_ids:
        if qid not in CONDITIONS or CONDITIONS[qid](applying):
            asked.append(qid)
            if qid in answers:
                applying[qid] = answers[qid]
    return asked
