"""The export of the submitted answers, read back: the workbook with openpyxl, the CSV with its BOM."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.results.periods import parse_period
from bot.results.table import AnswerTable
from flows.model import Flow
from storage import Submission
from storage.flow_versions import flow_definition
from tests.bot.results.helpers import (
    NOW,
    SURVEY,
    TOKYO,
    csv_rows,
    export,
    sample_answers,
    sheet_rows,
    submit,
    text,
    workbook,
)

Q13 = "質問13 漏えい等の内容"
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def test_one_row_per_submission_with_typed_cells(engine: Engine) -> None:
    first = submit(engine, sample_answers())
    submit(
        engine,
        sample_answers(q13_info_kinds=[], q13_info_kinds_other=None),
        user_id="U2",
        now=NOW + timedelta(hours=1),
    )
    rows, data = export(engine, "xlsx")
    assert rows == 2
    book = workbook(data)
    assert book.sheetnames == ["回答", "設問"]  # 集計 only when its rows are given
    sheet = book["回答"]
    assert [cell.value for cell in sheet[1][:6]] == [
        "受付番号",
        "送信日時",
        "送信日(和暦)",
        "状況",
        "所属コード",
        "所属名",
    ]

    row = sheet_rows(data)[0]
    assert row["受付番号"] == first.receipt_number == "2026-0001"
    assert row["送信日時"] == datetime(2026, 5, 11, 9, 30)  # local time in TIMEZONE, a real datetime
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy/mm/dd hh:mm"
    assert row["送信日(和暦)"] == "令和8年5月11日(月)"
    assert row["所属コード"] == "010020" and sheet["D2"].data_type == "s"  # the leading zero is kept
    assert row["所属名"] == "総務部 法務文書課"
    assert row["氏名"] == "新潟 太郎"
    # Choices by their labels; numbers, dates and times as real values.
    assert row["質問1 職名"] == "主任"
    assert row["漏えい等した個人情報は何人分でしたか?"] == 5
    assert row["発生日"] == datetime(2025, 8, 1)
    assert row["発生時刻(頃)"] == time(10, 30)
    # A multiple choice: the labels, then one 0/1 column per choice, ready for a pivot table.
    assert row[Q13] == "氏名、電話番号、その他"
    assert [row[f"{Q13}: {choice}"] for choice in ("氏名", "住所", "電話番号", "その他")] == [1, 0, 1, 1]
    assert row["質問13 漏えい等の内容(その他の内容)"] == "緊急連絡先"
    # Declined and not asked are told apart.
    assert row["業務プロセスやツールに改善点があるとすれば、そこはどこだと思いますか?"] == "回答しない"
    assert row["質問6‐2 研修歴を選択してください。"] is None  # 研修: ない, so never asked
    assert row["質問6‐2 研修歴を選択してください。: eラーニング"] is None
    second = sheet_rows(data)[1]
    assert second[Q13] == "回答しない"
    assert second[f"{Q13}: 氏名"] is None  # declined: no flag counts as an answer
    assert second["受付番号"] == "2026-0002"


def test_the_columns_follow_the_flow(engine: Engine) -> None:
    submit(engine, sample_answers())
    _, data = export(engine, "xlsx")
    headers = [cell.value for cell in workbook(data)["回答"][1]]
    assert headers[6:10] == ["氏名", "質問1 職名", "質問1 職名(その他の内容)", "質問2 年代"]
    assert "所属" not in headers  # the org question is the 所属コード and 所属名 columns
    flags = [header for header in headers if header.startswith(f"{Q13}: ")]
    assert flags == [f"{Q13}: {choice.display}" for choice in SURVEY.by_id["q13_info_kinds"].choices]
    assert headers.index(Q13) + 1 == headers.index(flags[0])
    assert headers.index(flags[-1]) + 1 == headers.index("質問13 漏えい等の内容(その他の内容)")
    assert headers[-1] == "質問32 チェックシートの活用"


def test_the_sheet_is_ready_to_read(engine: Engine) -> None:
    submit(engine, sample_answers())
    _, data = export(engine, "xlsx")
    sheet = workbook(data)["回答"]
    assert sheet.freeze_panes == "B2"  # the header row (and the receipt number) stay in view
    assert sheet.auto_filter.ref.startswith("A1:") and sheet.auto_filter.ref.endswith("2")
    assert sheet["A1"].alignment.wrap_text and sheet["A1"].font.bold
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert 10 <= widths["A"] <= 20 and widths["F"] >= 20
    measures = [
        cell
        for cell in sheet[1]
        if cell.value == "漏えい等事案を防止するためにどのような対策が有効だと思いますか?"
    ]
    long_text = sheet.cell(row=2, column=measures[0].column)
    assert long_text.value == "送信前に宛先を\n二人で確認する。" and long_text.alignment.wrap_text
    persons = [cell for cell in sheet[1] if cell.value == "漏えい等した個人情報は何人分でしたか?"][0]
    assert sheet.cell(row=2, column=persons.column).number_format == '0"人分"'


def test_the_question_catalogue(engine: Engine) -> None:
    submit(engine, sample_answers())
    _, data = export(engine, "xlsx")
    rows = sheet_rows(data, "設問")
    by_id = {row["質問ID"]: row for row in rows}
    assert list(by_id) == [question.id for question in SURVEY.questions]
    training = by_id["q6_2_training_kinds"]
    assert training["見出し"] == "質問6‐2 研修歴を選択してください。"
    assert training["質問文"] == "それはどのような研修ですか?【複数選択可】"
    assert training["形式"] == "複数選択" and training["回答しない"] == "可"
    assert training["表示条件"] == "q6_training = ある"
    assert training["選択肢"].startswith("新規採用職員研修、") and training["選択肢"].endswith(
        "その他(自由記述あり)"
    )
    assert "特に反応はなかった(単独選択)" in by_id["q21_6_reactions"]["選択肢"]
    assert by_id["org"]["回答しない"] == "不可" and by_id["org"]["表示条件"] == "常に表示"
    assert by_id["q1_title"]["項目"] == "項目1 漏えい等した職員のことについて入力してください。"
    assert {row["版"] for row in rows} == {"第1版(現行)"}


def test_the_summary_hook_writes_its_rows_as_they_are(engine: Engine) -> None:
    submit(engine, sample_answers())
    summary = [["質問1 職名", "件数"], ["主任", 1], ["=SUM(A1)", 0]]
    _, data = export(engine, "xlsx", summary_rows=summary)
    book = workbook(data)
    assert book.sheetnames == ["回答", "集計", "設問"]
    assert list(book["集計"].iter_rows(values_only=True)) == [
        ("質問1 職名", "件数"),
        ("主任", 1),
        ("'=SUM(A1)", 0),
    ]


def _older_version() -> Flow:
    """The shipped survey as it was before: an extra question, a choice since removed, another label."""
    definition = flow_definition(SURVEY)
    first_item = definition["items"][1]
    first_item["questions"].insert(
        0,
        {
            "id": "q0_old_only",
            "type": "single",
            "text": "旧版だけの質問",
            "optional": True,
            "choices": ["はい", "いいえ"],
        },
    )
    for question in first_item["questions"]:
        if question["id"] == "q2_age":
            question["choices"][2] = {"value": "30代", "label": "30歳代"}
    for item in definition["items"]:
        for question in item["questions"]:
            if question["id"] == "q13_info_kinds":
                question["choices"].insert(1, {"value": "旧選択肢"})
    return Flow.model_validate(definition)


def test_two_versions_make_one_table_each_row_read_with_its_own(engine: Engine) -> None:
    older = _older_version()
    submit(
        engine,
        sample_answers(q0_old_only="はい", q13_info_kinds=["旧選択肢"], q13_info_kinds_other=None),
        flow=older,
        check=False,
    )
    submit(engine, sample_answers(), user_id="U2", now=NOW + timedelta(minutes=1))
    rows, data = export(engine, "xlsx")
    assert rows == 2
    headers = [cell.value for cell in workbook(data)["回答"][1]]
    # The current flow's questions first; what only the older version asked, after them.
    assert headers[-1] == "旧版だけの質問"
    assert headers.index(f"{Q13}: 旧選択肢") == headers.index(f"{Q13}: その他") + 1
    old, new = sheet_rows(data)
    assert old["旧版だけの質問"] == "はい" and new["旧版だけの質問"] is None
    assert old["質問2 年代"] == "30歳代" and new["質問2 年代"] == "30代"  # each with its own label
    assert old[f"{Q13}: 旧選択肢"] == 1 and new[f"{Q13}: 旧選択肢"] is None  # not offered to the newer
    assert old[f"{Q13}: 氏名"] == 0 and new[f"{Q13}: 氏名"] == 1
    catalogue = sheet_rows(data, "設問")
    [q2_new, q2_old] = [row for row in catalogue if row["質問ID"] == "q2_age"]
    assert q2_new["版"] == "第2版(現行)" and q2_old["版"] == "第1版"
    assert "30歳代" in q2_old["選択肢"] and "30歳代" not in q2_new["選択肢"]
    assert [row["版"] for row in catalogue if row["質問ID"] == "q1_title"] == ["第2版(現行)、第1版"]
    assert catalogue[-1]["質問ID"] == "q0_old_only" and catalogue[-1]["版"] == "第1版"


def test_the_csv_has_the_same_columns_in_utf8_with_a_bom(engine: Engine) -> None:
    submit(engine, sample_answers())
    rows, data = export(engine, "csv")
    _, book = export(engine, "xlsx")
    assert rows == 1
    header, row = csv_rows(data)
    assert header == [cell.value for cell in workbook(book)["回答"][1]]
    cells = dict(zip(header, row, strict=True))
    assert cells["受付番号"] == "2026-0001"
    assert cells["送信日時"] == "2026-05-11 09:30"
    assert cells["送信日(和暦)"] == "令和8年5月11日(月)"
    assert cells["所属コード"] == "010020"
    assert cells["発生日"] == "2025-08-01" and cells["発生時刻(頃)"] == "10:30"
    assert cells["漏えい等した個人情報は何人分でしたか?"] == "5"
    assert [cells[f"{Q13}: {choice}"] for choice in ("氏名", "住所")] == ["1", "0"]
    assert cells["質問6‐2 研修歴を選択してください。: eラーニング"] == ""
    assert cells["業務プロセスやツールに改善点があるとすれば、そこはどこだと思いますか?"] == "回答しない"
    assert (
        cells["漏えい等事案を防止するためにどのような対策が有効だと思いますか?"]
        == "送信前に宛先を\n二人で確認する。"
    )


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_no_text_becomes_a_formula(engine: Engine, prefix: str) -> None:
    payload = f'{prefix}HYPERLINK("http://example.com","x")'
    answers = sample_answers(
        org={"code": f"{prefix}01", "name": f"{prefix}所属"},
        respondent_name=payload,
        q13_info_kinds_other=payload,
        q23_measures=payload,
    )
    submit(engine, answers, check=False)
    summary = [[payload, 1]]
    _, book = export(engine, "xlsx", summary_rows=summary)
    row = sheet_rows(book)[0]
    for title in ("所属コード", "所属名", "氏名", "質問13 漏えい等の内容(その他の内容)"):
        assert str(row[title]).startswith("'" + prefix), title
    assert row["氏名"] == "'" + payload
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name  # not one formula anywhere
    cells = workbook(book)
    assert all(cell.data_type != "f" for sheet in cells for line in sheet.iter_rows() for cell in line)
    assert text(cells["集計"]["A1"].value) == "'" + payload

    _, data = export(engine, "csv")
    header, written = csv_rows(data)
    values = dict(zip(header, written, strict=True))
    assert values["氏名"] == "'" + payload
    assert values["所属コード"] == f"'{prefix}01" and values["所属名"] == f"'{prefix}所属"
    assert values["漏えい等事案を防止するためにどのような対策が有効だと思いますか?"] == "'" + payload


def test_the_period_is_the_survey_time_zones(engine: Engine) -> None:
    april_first = datetime(2026, 4, 1, tzinfo=TOKYO)
    submit(engine, sample_answers(), user_id="U1", now=april_first - timedelta(seconds=1))
    submit(engine, sample_answers(), user_id="U2", now=april_first)
    submit(engine, sample_answers(), user_id="U3", now=datetime(2027, 3, 31, 23, 59, tzinfo=TOKYO))
    submit(engine, sample_answers(), user_id="U4", now=datetime(2027, 4, 1, tzinfo=TOKYO))
    rows, data = export(engine, "xlsx", period=parse_period("2026年度", date(2026, 5, 1)))
    assert rows == 2
    assert [row["送信日時"] for row in sheet_rows(data)] == [
        datetime(2026, 4, 1),
        datetime(2027, 3, 31, 23, 59),
    ]
    assert export(engine, "xlsx")[0] == 4


def test_filtering_by_department(engine: Engine) -> None:
    submit(engine, sample_answers(org={"code": "010020", "name": "総務部 法務文書課"}), user_id="U1")
    submit(engine, sample_answers(org={"code": "010030", "name": "総務部 人事課"}), user_id="U2")
    submit(engine, sample_answers(org={"code": "020010", "name": "福祉保健部 福祉保健総務課"}), user_id="U3")

    def codes(department: str) -> list[str]:
        return [row["所属コード"] for row in sheet_rows(export(engine, "xlsx", department=department)[1])]

    assert codes("0100") == ["010020", "010030"]
    assert codes("０２") == ["020010"]
    assert codes("法務") == ["010020"]
    assert codes("総務") == ["010020", "010030", "020010"]  # 福祉保健総務課 too: a part of the name
    assert codes("人事課") == ["010030"]
    assert codes("999") == []
    rows, data = export(engine, "csv", department="人事")
    assert rows == 1 and csv_rows(data)[1][4] == "010030"


def test_a_department_keyword_needs_an_org_question(engine: Engine) -> None:
    definition = flow_definition(SURVEY)
    definition["items"] = definition["items"][1:]
    without_org = Flow.model_validate(definition)
    with pytest.raises(ValueError, match="所属の質問がない"):
        export(engine, "xlsx", department="0100", current=without_org)


def test_nothing_to_export_is_a_header(engine: Engine) -> None:
    rows, data = export(engine, "xlsx")
    assert rows == 0
    sheet = workbook(data)["回答"]
    assert sheet.max_row == 1 and sheet["A1"].value == "受付番号"
    rows, data = export(engine, "csv")
    assert rows == 0 and len(csv_rows(data)) == 1


def test_the_receipt_order_and_only_this_survey(engine: Engine) -> None:
    for number in range(3):
        submit(engine, sample_answers(), user_id=f"U{number}", now=NOW + timedelta(minutes=number))
    other = SURVEY.model_copy(update={"id": "another_survey"})
    submit(engine, sample_answers(), user_id="U9", flow=other)
    rows, data = export(engine, "xlsx")
    assert rows == 3
    assert [row["受付番号"] for row in sheet_rows(data)] == ["2026-0001", "2026-0002", "2026-0003"]


def test_a_version_that_arrives_during_the_export_is_read_into_the_columns() -> None:
    loaded: list[int] = []

    def load(version: int) -> Flow:
        loaded.append(version)
        return SURVEY

    table = AnswerTable(SURVEY, {}, timezone=TOKYO, typed=True, load=load)
    submission = Submission(
        draft_id=1,
        receipt_number="2026-0001",
        receipt_year=2026,
        receipt_seq=1,
        team_id="T",
        user_id="U",
        flow_version_id=7,
        answers=sample_answers(),
        submitted_at=datetime(2026, 5, 11, tzinfo=UTC),
    )
    cells: list[Any] = table.row(submission)
    assert loaded == [7] and cells[4] == "010020" and len(cells) == len(table.columns)
    table.row(submission)
    assert loaded == [7]


def test_numbers_stay_numbers_in_csv_too() -> None:
    definition = flow_definition(SURVEY)
    definition["items"][1]["questions"][3] |= {"min": -10}  # q3_years_employed, allowed below zero
    flow = Flow.model_validate(definition)
    table = AnswerTable(flow, {1: flow}, timezone=TOKYO, typed=False)
    submission = Submission(
        draft_id=1,
        receipt_number="2026-0001",
        receipt_year=2026,
        receipt_seq=1,
        team_id="T",
        user_id="U",
        flow_version_id=1,
        answers=sample_answers(q3_years_employed=-5),
        submitted_at=NOW,
    )
    cells = dict(zip([column.header for column in table.columns], table.row(submission), strict=True))
    assert cells["採用されてから何年目ですか?(漏えい等発生時)"] == -5  # a number, not text with a '
    assert cells["送信日時"] == "2026-05-11 09:30" and cells["発生日"] == "2025-08-01"
