"""The branching of a flow as a Mermaid flowchart, for the README and for administrators."""

from __future__ import annotations

from flows.model import Flow, describe_condition
from flows.paths import REVIEW, START, PathReport, explore

_LABEL_MAX = 24


def mermaid(flow: Flow, report: PathReport | None = None) -> str:
    report = report or explore(flow)
    lines = ["flowchart TD", f'    {START}(["開始"])']
    for item in flow.items:
        lines.append(f'    subgraph {item.id}["{_escape(item.title)}"]')
        for question in flow.questions:
            if flow.item_of[question.id].id == item.id:
                lines.append(f'        {question.id}["{question.id}<br/>{_escape(_short(question.label))}"]')
        lines.append("    end")
    lines.append(f'    {REVIEW}(["確認・送信"])')
    for source, target in sorted(report.transitions, key=lambda edge: _order(flow, edge)):
        condition = flow.by_id[target].when if target in flow.by_id else None
        if condition is not None:
            lines.append(f'    {source} -->|"{_escape(describe_condition(condition))}"| {target}')
        elif _skips_conditional(flow, source, target):
            lines.append(f"    {source} -.-> {target}")
        else:
            lines.append(f"    {source} --> {target}")
    return "\n".join(lines) + "\n"


def _order(flow: Flow, edge: tuple[str, str]) -> tuple[int, int]:
    def place(question_id: str) -> int:
        return {START: -1, REVIEW: len(flow.questions)}.get(question_id, flow.position.get(question_id, 0))

    return place(edge[0]), place(edge[1])


def _skips_conditional(flow: Flow, source: str, target: str) -> bool:
    """A dashed arrow: this step passes over questions that were not asked."""
    low, high = _order(flow, (source, target))
    return high - low > 1


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "…"


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")
