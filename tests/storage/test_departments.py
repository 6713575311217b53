"""The department master: CSV import (UTF-8 with or without BOM, cp932) and search."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

import storage
from storage import Department, DepartmentImportError, import_departments_csv, search_departments

SAMPLE = Path(storage.__file__).with_name("departments_sample.csv")


def _write(tmp_path: Path, text: str, encoding: str = "utf-8-sig", name: str = "departments.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def _codes(departments: list[Department]) -> list[str]:
    return [department.code for department in departments]


def _load(engine: Engine, tmp_path: Path, rows: str) -> None:
    import_departments_csv(engine, _write(tmp_path, "所属コード,所属名\n" + rows))


def test_the_sample_master_imports(engine: Engine) -> None:
    assert import_departments_csv(engine, SAMPLE) == 34
    everything = search_departments(engine, "", limit=1000)
    assert len(everything) == 34
    assert all(len(department.code) == 6 and department.code.startswith("0") for department in everything)
    [legal] = search_departments(engine, "010020")
    assert legal.name == "総務部 法務文書課"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_import_reads_utf8_with_or_without_bom_and_shift_jis(
    engine: Engine, tmp_path: Path, encoding: str
) -> None:
    path = _write(
        tmp_path, "所属コード,所属名\n010020,総務部 法務文書課\n025040,福祉保健部 障害福祉課\n", encoding
    )
    assert import_departments_csv(engine, path) == 2
    assert [(d.code, d.name) for d in search_departments(engine, "")] == [
        ("010020", "総務部 法務文書課"),
        ("025040", "福祉保健部 障害福祉課"),
    ]


def test_reimport_updates_names_and_keeps_other_departments(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, "010020,総務部 法務文書課\n010030,総務部 財政課\n")
    path = _write(
        tmp_path, "所属コード,所属名\n010020,総務部 法務・文書課\n060010,教育庁 総務課\n", name="v2.csv"
    )
    assert import_departments_csv(engine, path) == 2
    assert [(d.code, d.name) for d in search_departments(engine, "")] == [
        ("010020", "総務部 法務・文書課"),
        ("010030", "総務部 財政課"),
        ("060010", "教育庁 総務課"),
    ]


def test_excel_leftovers_are_tolerated(engine: Engine, tmp_path: Path) -> None:
    # Trailing empty columns, blank lines and full-width digits, as spreadsheets leave them.
    _load(engine, tmp_path, "010020,総務部 法務文書課,,\n\n０２５０１０, 福祉保健部 福祉保健総務課 \n,,\n")
    assert [(d.code, d.name) for d in search_departments(engine, "")] == [
        ("010020", "総務部 法務文書課"),
        ("025010", "福祉保健部 福祉保健総務課"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\n010020,総務部\n", "1行目の見出し"),
        ("", "1行目の見出し"),
        ("所属コード,所属名\n010020\n", "2行目"),
        ("所属コード,所属名\n010020,総務部\n,教育庁\n", "3行目"),
        ("所属コード,所属名\n010020,総務部\n010020,教育庁\n", "010020 は2行目にもあります"),
    ],
)
def test_bad_files_are_refused_with_a_japanese_message(
    engine: Engine, tmp_path: Path, content: str, message: str
) -> None:
    with pytest.raises(DepartmentImportError, match=message):
        import_departments_csv(engine, _write(tmp_path, content))
    assert search_departments(engine, "") == []  # nothing half-imported


def test_undecodable_bytes_are_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes("所属コード,所属名\n".encode() + b"\x82\xff\xfe\n")
    with pytest.raises(DepartmentImportError, match="文字コード"):
        import_departments_csv(engine, path)


@pytest.fixture
def master(engine: Engine, tmp_path: Path) -> Engine:
    _load(
        engine,
        tmp_path,
        "010020,総務部 法務文書課\n"
        "010060,総務部 ICT推進課\n"
        "025040,福祉保健部 障害福祉課\n"
        "060010,教育庁 総務課\n"
        "070010,新潟地域振興局 企画振興部\n"
        "090010,達成率100%推進室\n"
        "090020,A_B連携室\n"
        "090030,AXB連携室\n"
        "090040,達成率1000推進室\n",
    )
    return engine


@pytest.mark.parametrize(
    ("keyword", "codes"),
    [
        ("010020", ["010020"]),  # a whole code
        ("0100", ["010020", "010060"]),  # part of a code, leading zero kept
        ("法務", ["010020"]),  # part of a name
        ("総務", ["010020", "010060", "060010"]),
        ("ict", ["010060"]),  # case-insensitive
        ("ＩＣＴ", ["010060"]),  # full-width letters
        ("０６００１０", ["060010"]),  # full-width digits
        ("  障害福祉 ", ["025040"]),
        ("%", ["090010"]),  # wildcards are literal characters
        ("100%", ["090010"]),
        ("_", ["090020"]),
        ("A_B", ["090020"]),
        ("\\", []),
        ("存在しない課", []),
    ],
)
def test_search(master: Engine, keyword: str, codes: list[str]) -> None:
    assert _codes(search_departments(master, keyword)) == codes


def test_empty_keyword_lists_from_the_top(master: Engine) -> None:
    assert _codes(search_departments(master, "", limit=3)) == ["010020", "010060", "025040"]
    assert _codes(search_departments(master, "　")) == _codes(search_departments(master, "", limit=100))
    assert len(search_departments(master, "")) == 9


def test_search_limit(master: Engine) -> None:
    assert _codes(search_departments(master, "0", limit=2)) == ["010020", "010060"]
