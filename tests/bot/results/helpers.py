"""Submissions of the shipped survey made through storage, as the conversation makes them, and the
export read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.utils.escape import unescape
from sqlalchemy import Engine

from bot.results.export import ExportFormat, write_export
from bot.results.periods import Period
from bot.settings import SHIPPED_FLOW
from flows.engine import missing_answers, prune
from flows.load import load_flow
from flows.model import Flow
from storage import Submission, register_flow, start_draft, submit_draft
from storage import load_flow as load_version

TOKYO = ZoneInfo("Asia/Tokyo")
SURVEY = load_flow(SHIPPED_FLOW)
NOW = datetime(2026, 5, 11, 0, 30, tzinfo=UTC)  # 令和8年5月11日(月) 9:30 in Tokyo


def sample_answers(**changes: Any) -> dict[str, Any]:
    """A complete, valid set of answers to the shipped survey (None in `changes` removes one)."""
    answers: dict[str, Any] = {
        "org": {"code": "010020", "name": "総務部 法務文書課"},
        "respondent_name": "新潟 太郎",
        "q1_title": "主任",
        "q2_age": "30代",
        "q3_years_employed": 8,
        "q4_years_in_unit": 2,
        "q5_years_in_task": 2,
        "q6_training": "ない",
        "q7_rule_doc": "知らない",
        "q8_rule_steps": "一部知っていた",
        "q10_when_precision": "日時まで特定できる",
        "q10_date": "2025-08-01",
        "q10_time": "10:30",
        "q11_place": "執務室(自席)",
        "q12_task": "メール送信",
        "q13_info_kinds": ["氏名", "電話番号", "その他"],
        "q13_info_kinds_other": "緊急連絡先",
        "q14_persons": 5,
        "q15_discovery": "その他",
        "q15_discovery_other": "受信者から電話",
        "q16_experience": "初めて行った",
        "q17_before": "同じ作業を続けていた",
        "q18_busyness": "やや忙しかった",
        "q19_multitask": "していた",
        "q20_followed": "すべて実施した",
        "q21_burden": "あまり負担ではなかった",
        "q21_6_reactions": ["理解を示してくれた"],
        "q22_causes": ["確認不足(ダブルチェックの未実施等)", "その他"],
        "q22_causes_other": "宛先の誤記載",
        "q23_measures": "送信前に宛先を\n二人で確認する。",
        "q24_improvements": "",
        "q25_alert_known": "知らなかった",
        "q26_alert_use": "している",
        "q27_checksheet": "促している",
        "q_uses_contractors": "していない",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def submit(
    engine: Engine,
    answers: dict[str, Any],
    *,
    user_id: str = "U0SATO",
    now: datetime = NOW,
    flow: Flow = SURVEY,
    check: bool = True,
) -> Submission:
    """A submission made the way the conversation makes one: register, start, submit."""
    if check:
        assert prune(flow, answers)[1] == [] and not missing_answers(flow, answers)
    version = register_flow(engine, flow, now=now)
    draft = start_draft(engine, team_id="T0KIKITORI", user_id=user_id, flow_version_id=version.id, now=now)
    assert draft.id is not None
    return submit_draft(
        engine, draft.id, expected_version=draft.version, answers=answers, now=now, timezone=TOKYO
    )


def export(
    engine: Engine,
    fmt: ExportFormat,
    *,
    period: Period | None = None,
    department: str | None = None,
    current: Flow = SURVEY,
    **options: Any,
) -> tuple[int, bytes]:
    out = io.BytesIO()
    rows = write_export(
        engine,
        flows=lambda version: load_version(engine, version),
        current=current,
        period=period,
        department=department,
        timezone=TOKYO,
        fmt=fmt,
        out=out,
        **options,
    )
    return rows, out.getvalue()


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def text(value: Any) -> Any:
    """A cell's value with OOXML's escapes read (a CR is stored as _x000D_, which Excel reads back
    and openpyxl leaves as it is)."""
    return unescape(value) if isinstance(value, str) else value


def sheet_rows(data: bytes, sheet: str = "回答") -> list[dict[str, Any]]:
    """The rows of a sheet as {header: value}."""
    rows = [[text(value) for value in row] for row in workbook(data)[sheet].iter_rows(values_only=True)]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
