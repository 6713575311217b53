"""Shared pieces of the storage tests: a sample flow, a fixed clock and a thread race helper."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from flows.model import Flow
from storage import Submission, start_draft, submit_draft

T = TypeVar("T")

NOW = datetime(2026, 5, 11, 0, 30, tzinfo=UTC)  # 09:30 in Tokyo
TOKYO = ZoneInfo("Asia/Tokyo")
ANSWERS = {"name": "新潟 太郎", "role": "主事", "years": 2, "channels": ["メール"]}


def make_flow(title: str = "個人情報漏えい事案の聞き取り", flow_id: str = "leak_survey") -> Flow:
    return Flow.model_validate(
        {
            "id": flow_id,
            "title": title,
            "open_period": {"start": "2026-04-01T00:00:00+09:00"},
            "contact": {"organization": "総務部 法務文書課", "phone": "025-285-5511"},
            "items": [
                {
                    "id": "basic",
                    "title": "基本情報",
                    "questions": [
                        {
                            "id": "name",
                            "type": "text",
                            "text": "氏名を入力してください。",
                            "max_length": 50,
                            "prefill": "real_name",
                        },
                        {
                            "id": "role",
                            "type": "single",
                            "text": "職名を選んでください。",
                            "choices": ["主事", "主任", {"value": "その他", "other": True}],
                        },
                        {
                            "id": "years",
                            "type": "integer",
                            "text": "今の職場で何年目ですか。",
                            "min": 1,
                            "max": 50,
                            "unit": "年目",
                            "when": {"question": "role", "in": ["主事", "主任"]},
                        },
                        {
                            "id": "channels",
                            "type": "multi",
                            "text": "漏えいの経路を選んでください。",
                            "choices": ["メール", "FAX", {"value": "なし", "exclusive": True}],
                            "when": {"not": {"question": "role", "equals": "その他"}},
                        },
                    ],
                }
            ],
        }
    )


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The primary key of a row the storage returned (None only before it is first flushed)."""
    assert row.id is not None
    return row.id


def make_submission(
    engine: Engine,
    flow_version_id: int,
    *,
    user_id: str = "U1",
    now: datetime = NOW,
    answers: dict[str, Any] | None = None,
) -> Submission:
    """A new draft of `user_id` (team T1), submitted at once with `answers` (ANSWERS by default)."""
    draft = start_draft(engine, team_id="T1", user_id=user_id, flow_version_id=flow_version_id, now=now)
    return submit_draft(
        engine,
        id_of(draft),
        expected_version=draft.version,
        answers=ANSWERS if answers is None else answers,
        now=now,
        timezone=TOKYO,
    )


def race(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run work(0..count-1) in threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T | BaseException:
        barrier.wait(timeout=30)  # a safety net against a hang, never an assertion
        try:
            return work(index)
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def only(results: list[Any], kind: type[T]) -> list[T]:
    return [result for result in results if isinstance(result, kind)]
