"""Reading a flow file: YAML 1.2 (so `yes`/`no` stay text) into the typed model.

Every problem is reported with the file, the line and the question id, in words an office
administrator can act on, in the manner of XLSForm's errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from flows.model import Flow

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class FlowProblem:
    source: str
    line: int | None
    question_id: str | None
    message: str

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}" if self.line else self.source
        where = f" [{self.question_id}]" if self.question_id else ""
        return f"{place}:{where} {self.message}"


class FlowFileError(Exception):
    def __init__(self, problems: list[FlowProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedFlow:
    """A validated flow with the raw data and a map back to the lines it came from."""

    flow: Flow
    source: str
    data: dict[str, Any]
    lines: dict[Location, int]

    def line_of(self, location: Location) -> int | None:
        return _nearest_line(self.lines, location)

    def question_location(self, question_id: str) -> Location | None:
        for i, item in enumerate(self.data.get("items") or []):
            for j, question in enumerate((item or {}).get("questions") or []):
                if isinstance(question, dict) and question.get("id") == question_id:
                    return ("items", i, "questions", j)
        return None

    def problem(self, question_id: str | None, message: str, *field: str | int) -> FlowProblem:
        """A problem placed at a question (or one of its fields) of this file."""
        base = self.question_location(question_id) if question_id else None
        line = self.line_of((*base, *field)) if base is not None else None
        if line is None and question_id:
            # Generated "other" follow-ups live on their parent question's line.
            parent = question_id.removesuffix("_other")
            base = self.question_location(parent)
            line = self.line_of(base) if base is not None else None
        return FlowProblem(self.source, line, question_id, message)


def load_flow(path: str | Path) -> Flow:
    return load_flow_file(path).flow


def load_flow_file(path: str | Path) -> LoadedFlow:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowFileError([FlowProblem(str(path), None, None, "ファイルが見つかりません。")]) from None
    except UnicodeDecodeError:
        raise FlowFileError([FlowProblem(str(path), None, None, "UTF-8 で保存してください。")]) from None
    return load_flow_text(text, source=str(path))


def load_flow_text(text: str, *, source: str = "<flow>") -> LoadedFlow:
    yaml = YAML(typ="rt")  # round-trip keeps line numbers; YAML 1.2 keeps yes/no as text
    try:
        document = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise FlowFileError(
            [FlowProblem(source, line, None, f"YAML として読めません: {error.problem}")]
        ) from None
    if not isinstance(document, dict):
        raise FlowFileError(
            [FlowProblem(source, 1, None, "フロー定義(id, title, items …)を書いてください。")]
        )
    lines: dict[Location, int] = {}
    data = _plain(document, (), lines)
    try:
        flow = Flow.model_validate(data)
    except ValidationError as error:
        raise FlowFileError(_problems_from(error, source, data, lines)) from None
    return LoadedFlow(flow=flow, source=source, data=data, lines=lines)


def _plain(node: Any, location: Location, lines: dict[Location, int]) -> Any:
    """ruamel's nodes as plain Python values, recording the line of every key and list entry."""
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            key_line = node.lc.key(key)[0] + 1 if hasattr(node, "lc") else None
            if key_line:
                lines[(*location, key)] = key_line
            result[str(key)] = _plain(value, (*location, key), lines)
        if location not in lines and hasattr(node, "lc") and node.lc.line is not None:
            lines[location] = node.lc.line + 1
        return result
    if isinstance(node, CommentedSeq):
        result_list = []
        for index, value in enumerate(node):
            if hasattr(node, "lc"):
                lines[(*location, index)] = node.lc.item(index)[0] + 1
            result_list.append(_plain(value, (*location, index), lines))
        return result_list
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _nearest_line(lines: dict[Location, int], location: Location) -> int | None:
    for length in range(len(location), -1, -1):
        line = lines.get(location[:length])
        if line is not None:
            return line
    return None


def _question_id_at(data: dict[str, Any], location: Location) -> str | None:
    if len(location) >= 4 and location[0] == "items" and location[2] == "questions":
        try:
            question = data["items"][location[1]]["questions"][location[3]]
        except (IndexError, KeyError, TypeError):
            return None
        if isinstance(question, dict):
            question_id = question.get("id")
            return question_id if isinstance(question_id, str) else None
    return None


_UNION_TAGS = {
    "equals",
    "not_equals",
    "in",
    "includes",
    "all",
    "any",
    "not",
    "question_source",
    "date_source",
    "str",
    "function-before",
}


def _data_location(location: tuple[Any, ...], data: Any) -> Location:
    """pydantic adds union tags to error locations; keep only the steps that exist in the data."""
    kept: list[str | int] = []
    node = data
    for step in location:
        if (
            isinstance(node, dict)
            and step in node
            or isinstance(node, list)
            and isinstance(step, int)
            and step < len(node)
        ):
            kept.append(step)
            node = node[step]
        elif step in _UNION_TAGS or isinstance(step, str) and "[" in step:
            continue
        else:
            kept.append(step)  # a missing key: point at its parent's line
            break
    return tuple(kept)


def _problems_from(
    error: ValidationError, source: str, data: dict[str, Any], lines: dict[Location, int]
) -> list[FlowProblem]:
    problems = []
    for detail in error.errors():
        location = _data_location(tuple(detail["loc"]), data)
        field = next((str(step) for step in reversed(location) if isinstance(step, str)), "")
        problems.append(
            FlowProblem(
                source,
                _nearest_line(lines, location),
                _question_id_at(data, location),
                _japanese(detail, field),
            )
        )
    return problems


def _japanese(detail: Any, field: str) -> str:
    """pydantic's messages, said in Japanese with what to change."""
    kind = detail["type"]
    where = f"「{field}」" if field else ""
    messages = {
        "missing": f"{where}がありません。書き加えてください。",
        "extra_forbidden": f"{where}という項目は使えません。綴りを確認してください。",
        "string_type": f'{where}は文字列で書いてください(数字や yes/no などは "" で囲みます)。',
        "int_type": f"{where}は整数で書いてください。",
        "int_parsing": f"{where}は整数で書いてください。",
        "bool_type": f"{where}は true か false で書いてください。",
        "string_pattern_mismatch": f"{where}は半角英小文字で始め、英小文字・数字・_ だけで書いてください。",
        "string_too_short": f"{where}を空にはできません。",
        "too_short": f"{where}を空にはできません。1つ以上書いてください。",
        "list_type": f"{where}はリスト(- で始まる行)で書いてください。",
        "dict_type": f"{where}は「キー: 値」の形で書いてください。",
        "model_type": f"{where}は「キー: 値」の形で書いてください。",
        "datetime_parsing": f'{where}の日時の形式が正しくありません(例: "2025-08-28T11:00:00+09:00")。',
        "datetime_type": f'{where}の日時の形式が正しくありません(例: "2025-08-28T11:00:00+09:00")。',
        "greater_than": f"{where}は 1 以上にしてください。",
        "string_too_long": f"{where}が長すぎます。",
    }
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        return f"{where}は次のどれかにしてください: {expected}"
    if kind == "value_error":
        return str(detail.get("ctx", {}).get("error", detail["msg"]))
    if kind == "summary_source_shape":
        return f"{detail['msg']}。"  # the model's own Japanese message
    if kind in ("condition_shape", "union_tag_not_found", "union_tag_invalid"):
        return "条件は equals / not_equals / in / includes / all / any / not のどれか一つで書いてください。"
    return messages.get(kind, f"{where}: {detail['msg']}")
