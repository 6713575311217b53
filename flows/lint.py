"""Static checks of a flow: references, conditions, reachability and Slack's message limits."""

from __future__ import annotations

from collections import Counter

from flows.load import FlowProblem, LoadedFlow
from flows.model import (
    CHOICE_TYPES,
    CrossTabSpec,
    DateSource,
    Equals,
    In,
    Includes,
    NotEquals,
    Question,
    atomic_conditions,
)
from flows.paths import PathReport, explore

# Slack's limits for what the bot renders (Block Kit reference).
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
STATIC_SELECT_OPTIONS_MAX = 100
HEADER_TEXT_MAX = 150
SECTION_TEXT_MAX = 3000
# The admin summary: a label heads a field of a section; the bot adds 受付番号 and 送信日時.
SUMMARY_LABEL_MAX = 50
SUMMARY_FIELDS_MAX = 20
# The statistics: a cross tab's title heads a table (and a chart) that people read on the results page.
CROSS_TAB_TITLE_MAX = 100
CROSS_TABS_MAX = 20


def lint(loaded: LoadedFlow) -> list[FlowProblem]:
    """Every problem found, in file order. An empty list means the flow can ship."""
    problems = [
        *_duplicates(loaded),
        *_references(loaded),
        *_slack_limits(loaded),
    ]
    if not problems:  # exploring paths assumes conditions only look back at real questions
        report = explore(loaded.flow)
        problems.extend(_reachability(loaded, report))
    problems.extend(_admin_summary(loaded))  # does not affect paths, so checked regardless
    problems.extend(_statistics(loaded))  # nor do the statistics
    return sorted(problems, key=lambda p: (p.line or 0, p.question_id or ""))


def _duplicates(loaded: LoadedFlow) -> list[FlowProblem]:
    flow = loaded.flow
    problems = []
    counts = Counter(q.id for q in flow.questions)
    for question in flow.questions:
        if counts[question.id] > 1 and question.follow_up_of is None:
            problems.append(
                loaded.problem(
                    question.id, f"質問 id「{question.id}」が重複しています。別の id にしてください。", "id"
                )
            )
    for item_id, count in Counter(item.id for item in flow.items).items():
        if count > 1:
            problems.append(FlowProblem(loaded.source, None, None, f"項目 id「{item_id}」が重複しています。"))
    for question in flow.questions:
        values = Counter(choice.value for choice in question.choices)
        for value, count in values.items():
            if count > 1:
                problems.append(
                    loaded.problem(question.id, f"選択肢「{value}」が重複しています。", "choices")
                )
        if sum(1 for choice in question.choices if choice.other) > 1:
            problems.append(
                loaded.problem(question.id, "other: true の選択肢は1つの質問に1つまでです。", "choices")
            )
    return problems


def _references(loaded: LoadedFlow) -> list[FlowProblem]:
    flow = loaded.flow
    problems = []
    for question in flow.questions:
        if question.follow_up_of is not None:
            continue  # generated from a choice that is checked with its parent
        for leaf in atomic_conditions(question.when) if question.when else []:
            problems.extend(_check_leaf(loaded, question, leaf))
        if question.not_more_than:
            problems.extend(_check_not_more_than(loaded, question))
    return problems


def _check_leaf(
    loaded: LoadedFlow, question: Question, leaf: Equals | NotEquals | In | Includes
) -> list[FlowProblem]:
    flow = loaded.flow
    target = flow.by_id.get(leaf.question)

    def problem(message: str) -> list[FlowProblem]:
        return [loaded.problem(question.id, message, "when")]

    if target is None:
        return problem(f"条件にある質問「{leaf.question}」はこのフローにありません。id を確認してください。")
    if flow.position[target.id] >= flow.position[question.id]:
        return problem(
            f"条件が後の質問(または自分自身)「{leaf.question}」を参照しています。"
            "条件に使えるのは、この質問より前の質問だけです。"
        )
    if target.type not in ("single", "multi"):
        return problem(f"条件に使えるのは選択式の質問だけです(「{leaf.question}」は {target.type} 型です)。")
    if isinstance(leaf, Includes) and target.type != "multi":
        return problem(
            f"includes は複数選択(multi)の質問に使います。「{leaf.question}」には equals / in を使ってください。"
        )
    if not isinstance(leaf, Includes) and target.type == "multi":
        return problem(f"「{leaf.question}」は複数選択の質問です。条件には includes を使ってください。")
    values = (
        [leaf.equals]
        if isinstance(leaf, Equals)
        else [leaf.not_equals]
        if isinstance(leaf, NotEquals)
        else [leaf.includes]
        if isinstance(leaf, Includes)
        else leaf.in_
    )
    unknown = [value for value in values if value not in target.choice_by_value]
    if unknown:
        return problem(
            f"条件の値「{'」「'.join(unknown)}」は質問「{leaf.question}」の選択肢にありません。"
            "選択肢と同じ文字で書いてください。"
        )
    return []


def _check_not_more_than(loaded: LoadedFlow, question: Question) -> list[FlowProblem]:
    flow = loaded.flow
    reference = flow.by_id.get(question.not_more_than or "")

    def problem(message: str) -> list[FlowProblem]:
        return [loaded.problem(question.id, message, "not_more_than")]

    if reference is None:
        return problem(f"not_more_than の質問「{question.not_more_than}」はこのフローにありません。")
    if flow.position[reference.id] >= flow.position[question.id]:
        return problem("not_more_than には、この質問より前の質問を指定してください。")
    if reference.type != "integer":
        return problem("not_more_than には integer 型の質問を指定してください。")
    if (question.min or 0) > (reference.min or 0):
        return problem(
            f"min({question.min})が「{reference.id}」の min({reference.min})より大きいため、"
            "回答できなくなる場合があります。"
        )
    return []


def _slack_limits(loaded: LoadedFlow) -> list[FlowProblem]:
    flow = loaded.flow
    problems = []
    if len(flow.title) > HEADER_TEXT_MAX:
        problems.append(
            loaded.problem(None, f"title が {HEADER_TEXT_MAX} 文字を超えています({len(flow.title)} 文字)。")
        )
    for item in flow.items:
        if len(item.title) > HEADER_TEXT_MAX:
            location = next(
                (
                    ("items", i, "title")
                    for i, raw in enumerate(loaded.data["items"])
                    if raw.get("id") == item.id
                ),
                ("items",),
            )
            problems.append(
                FlowProblem(
                    loaded.source,
                    loaded.line_of(location),
                    None,
                    f"項目「{item.id}」の見出しが Slack の上限 {HEADER_TEXT_MAX} 文字を超えています({len(item.title)} 文字)。",
                )
            )
    for question in flow.questions:
        problems.extend(_question_limits(loaded, question))
    return problems


def _question_limits(loaded: LoadedFlow, question: Question) -> list[FlowProblem]:
    problems = []
    if question.title and len(question.title) > HEADER_TEXT_MAX:
        problems.append(
            loaded.problem(
                question.id,
                f"見出し(title)が {HEADER_TEXT_MAX} 文字を超えています({len(question.title)} 文字)。",
                "title",
            )
        )
    body = len(question.text) + len(question.note or "") + len(question.hint or "")
    if body > SECTION_TEXT_MAX:
        problems.append(
            loaded.problem(
                question.id,
                f"質問文・注記・例の合計が Slack の上限 {SECTION_TEXT_MAX} 文字を超えています({body} 文字)。",
                "text",
            )
        )
    if len(question.choices) > STATIC_SELECT_OPTIONS_MAX:
        problems.append(
            loaded.problem(
                question.id,
                f"選択肢が {STATIC_SELECT_OPTIONS_MAX} 個を超えています({len(question.choices)} 個)。",
                "choices",
            )
        )
    for choice in question.choices:
        if len(choice.display) > OPTION_TEXT_MAX:
            problems.append(
                loaded.problem(
                    question.id,
                    f"選択肢「{choice.display[:20]}…」の表示が Slack の上限 {OPTION_TEXT_MAX} 文字を超えています({len(choice.display)} 文字)。",
                    "choices",
                )
            )
        if len(choice.value) > OPTION_VALUE_MAX:
            problems.append(
                loaded.problem(
                    question.id,
                    f"選択肢「{choice.value[:20]}…」の値が Slack の上限 {OPTION_VALUE_MAX} 文字を超えています({len(choice.value)} 文字)。",
                    "choices",
                )
            )
    return problems


def _reachability(loaded: LoadedFlow, report: PathReport) -> list[FlowProblem]:
    problems = []
    for question in loaded.flow.questions:
        if question.id not in report.asked:
            problems.append(
                loaded.problem(
                    question.id,
                    "この質問はどの回答の組み合わせでも聞かれません(到達できません)。条件を見直してください。",
                    "when",
                )
            )
        elif question.id in report.dead_ends:
            problems.append(
                loaded.problem(
                    question.id,
                    "この質問には受け付けられる回答がありません。選択肢や min / max を見直してください。",
                )
            )
    return problems


def _admin_summary(loaded: LoadedFlow) -> list[FlowProblem]:
    summary = loaded.flow.admin_summary
    if summary is None:
        return []
    problems = []

    def problem(message: str, *location: str | int) -> None:
        line = loaded.line_of(("admin_summary", *location))
        problems.append(FlowProblem(loaded.source, line, None, message))

    if summary.heading is not None and len(summary.heading) > HEADER_TEXT_MAX:
        problem(
            f"admin_summary の heading が Slack の上限 {HEADER_TEXT_MAX} 文字を超えています"
            f"({len(summary.heading)} 文字)。",
            "heading",
        )
    if len(summary.fields) > SUMMARY_FIELDS_MAX:
        problem(
            f"admin_summary の fields は {SUMMARY_FIELDS_MAX} 個までです({len(summary.fields)} 個)。"
            "全回答は「全回答を表示」から見られます。",
            "fields",
        )
    for i, field in enumerate(summary.fields):
        if not field.label.strip():
            problem(
                "admin_summary の label が空白だけです。管理者が読む見出しを書いてください。",
                "fields",
                i,
                "label",
            )
        elif len(field.label) > SUMMARY_LABEL_MAX:
            problem(
                f"admin_summary の label「{field.label[:20]}…」が {SUMMARY_LABEL_MAX} 文字を超えています"
                f"({len(field.label)} 文字)。",
                "fields",
                i,
                "label",
            )
        for j, source in enumerate(field.sources):
            at: tuple[str | int, ...] = ("fields", i) if field.question else ("fields", i, "first_of", j)
            if isinstance(source, DateSource):
                problems.extend(_summary_reference(loaded, source.date, "date", (*at, "date")))
                if source.time is not None:
                    problems.extend(_summary_reference(loaded, source.time, "time", (*at, "time")))
            else:
                problems.extend(_summary_reference(loaded, source.question, None, (*at, "question")))
    return problems


def _summary_reference(
    loaded: LoadedFlow, question_id: str, expected_type: str | None, location: tuple[str | int, ...]
) -> list[FlowProblem]:
    """A question named by the summary exists (generated その他 follow-ups count) and has the type
    its key asks for."""
    line = loaded.line_of(("admin_summary", *location))
    question = loaded.flow.by_id.get(question_id)
    if question is None:
        message = f"admin_summary の質問「{question_id}」はこのフローにありません。id を確認してください。"
    elif expected_type is not None and question.type != expected_type:
        message = (
            f"admin_summary の {expected_type} には {expected_type} 型の質問を指定してください"
            f"(「{question_id}」は {question.type} 型です)。"
        )
    else:
        return []
    return [FlowProblem(loaded.source, line, None, message)]


def _statistics(loaded: LoadedFlow) -> list[FlowProblem]:
    statistics = loaded.flow.statistics
    if statistics is None:
        return []
    problems = []

    def problem(message: str, *location: str | int) -> None:
        line = loaded.line_of(("statistics", *location))
        problems.append(FlowProblem(loaded.source, line, None, message))

    if len(statistics.cross_tabs) > CROSS_TABS_MAX:
        problem(
            f"statistics の cross_tabs は {CROSS_TABS_MAX} 個までです({len(statistics.cross_tabs)} 個)。"
            "よく見る組み合わせに絞ってください。",
            "cross_tabs",
        )
    seen_titles: set[str] = set()
    for i, cross_tab in enumerate(statistics.cross_tabs):
        at = ("cross_tabs", i)
        title = cross_tab.title
        if not title.strip():
            problem("集計表の title が空白だけです。表の見出しを書いてください。", *at, "title")
        elif len(title) > CROSS_TAB_TITLE_MAX:
            problem(
                f"集計表の title「{title[:20]}…」が {CROSS_TAB_TITLE_MAX} 文字を超えています({len(title)} 文字)。",
                *at,
                "title",
            )
        elif title in seen_titles:
            problem(
                f"集計表の title「{title}」が重複しています。表ごとに別の見出しにしてください。", *at, "title"
            )
        seen_titles.add(title)
        for side in ("rows", "columns"):
            message = _cross_tab_side(loaded, cross_tab, side)
            if message is not None:
                problem(message, *at, side)
        types = [_question_type(loaded, question_id) for question_id in (cross_tab.rows, cross_tab.columns)]
        # (a side that names no question is reported above: it may well be the org misspelt)
        if cross_tab.department_digits is not None and None not in types and "org" not in types:
            problem(
                f"集計表「{title}」の department_digits は、rows か columns に所属(org)の質問を"
                "指定したときだけ書けます。",
                *at,
                "department_digits",
            )
    return problems


def _question_type(loaded: LoadedFlow, question_id: str) -> str | None:
    question = loaded.flow.by_id.get(question_id)
    return question.type if question is not None else None


def _cross_tab_side(loaded: LoadedFlow, cross_tab: CrossTabSpec, side: str) -> str | None:
    """What is wrong with the question a cross tab names as its rows or its columns, if anything."""
    question_id = cross_tab.rows if side == "rows" else cross_tab.columns
    question = loaded.flow.by_id.get(question_id)
    name = f"集計表「{cross_tab.title}」の {side}"
    if question is None:
        return f"{name} の質問「{question_id}」はこのフローにありません。id を確認してください。"
    if question.type == "org":
        if cross_tab.department_digits is None:
            return (
                f"{name} は所属(org)の質問です。部局ごとに数えるため、department_digits"
                "(所属コードの先頭の桁数、例: 2)を書いてください。"
            )
        return None
    if question.type not in CHOICE_TYPES:
        return (
            f"{name} には選択式(single / multi)の質問か、所属(org)の質問を指定してください"
            f"(「{question_id}」は {question.type} 型です)。"
        )
    return None
