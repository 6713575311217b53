"""mask_personal_data: phone numbers, e-mail addresses, 12- and 13-digit numbers and addresses go;
everything else stays exactly as typed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.masking import (
    ADDRESS,
    CORPORATE_NUMBER,
    EMAIL,
    NAME_MAX,
    PHONE,
    TOKENS,
    TWELVE_DIGITS,
    mask_name,
    mask_personal_data,
)

FULL_WIDTH = str.maketrans("0123456789-()+@.", "０１２３４５６７８９－（）＋＠．")
KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")
ZWSP, ZWJ, WJ, BOM, SHY = "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad"

# Digits of every kind a number can be typed in: ASCII, full-width (any Nd) and kanji.
_DIGIT_RUN = re.compile(r"[\d〇一二三四五六七八九]+")


def leftover_digits(masked: str) -> list[str]:
    """The runs of digits in a masked text, outside the placeholders (【12桁の番号】 holds 12)."""
    for token in TOKENS:
        masked = masked.replace(token, "|")
    return _DIGIT_RUN.findall(masked)


# --- what must go: (typed, what replaces it) -------------------------------------------------------

PHONES = [
    "025-280-5021",
    "090-1234-5678",
    "0252805021",
    "09012345678",
    "(025)280-5021",
    "025(280)5021",
    "(03) 1234-5678",
    "03(1234)5678",
    "+81-25-280-5021",
    "+81 90 1234 5678",
    "+81(0)25-280-5021",
    "+81252805021",
    "(+81)90-1234-5678",
    "+81.90.1234.5678",
    "03-1234-5678",
    "0742-12-3456",  # a 4-digit area code
    "01267-2-3456",  # a 5-digit area code
    "0120-123-456",
    "0800-123-4567",
    "050-1234-5678",
    "070-1234-5678",
    "080 1234 5678",
    "025-2805021",
    "090.1234.5678",
    "090・1234・5678",
    "090･1234･5678",  # the half-width middle dot
    "090/1234/5678",
    "090_1234_5678",
    "090 - 1234 - 5678",
    "090　1234　5678",  # the ideographic space
    "090\n1234\n5678",
    f"090{ZWSP}1234{ZWSP}5678",
    f"0{ZWJ}9{ZWJ}0{ZWJ}1234{WJ}5678",
    f"090{BOM}-1234-5678",
    f"090{SHY}1234{SHY}5678",
    ZWSP.join("09012345678"),
    "0 9 0 1 2 3 4 5 6 7 8",
    "〇九〇ー一二三四ー五六七八",
    "〇九〇一二三四五六七八",
    "〇二五・二八〇・五〇二一",
    "090ー1234ー5678",  # the IME's long vowel mark used as a hyphen
    "090‐1234‐5678",  # U+2010
    "090−1234−5678",  # the minus sign
    "090–1234–5678",  # the en dash
    "090—1234—5678",  # the em dash
    "０２５－２８０－５０２１",
    "（０２５）２８０－５０２１",
    "＋８１－９０－１２３４－５６７８",
    "０９０．１２３４．５６７８",
]
EMAILS = [
    "taro@example.jp",
    "taro.yamada@pref.niigata.lg.jp",
    "first+tag@sub.example.co.jp",
    "taro_yamada-01@example.com",
    "taro0901234567@example.jp",  # digits inside an address are part of the address
    "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
    "taro＠example.jp",
    "taro(at)example.jp",
    "taro（at）example.jp",
    "taro[at]example.jp",
    "taro (at) example.jp",
    "taro {at} example.jp",
    "taro<at>example.jp",
    "TARO(AT)EXAMPLE.JP",
    "taro @ example.jp",
    "taro ＠ example.jp",
    "taro@example(dot)jp",
    "taro[at]example[dot]co[dot]jp",
    "taro★example.jp",
    "taro☆example.jp",
    "taroアットマークexample.jp",
    "taro(アット)example.jp",
    f"taro{ZWSP}@{ZWSP}example.jp",
    "山田@example.jp",
    "やまだ.たろう@example.jp",
    "taro@日本語.jp",
    "taro@例え.日本",
    "山田太郎@役所.みんな",
]
TWELVES = [
    "123456789012",
    "1234 5678 9012",
    "1234-5678-9012",
    "1234.5678.9012",
    "1234/5678/9012",
    "1234_5678_9012",
    "1234・5678・9012",
    "１２３４　５６７８　９０１２",
    "0123 4567 8901",
    "一二三四 五六七八 九〇一二",
    f"1234{ZWSP}5678{ZWSP}9012",
    "1 2 3 4 5 6 7 8 9 0 1 2",
]
THIRTEENS = ["1234567890123", "1-2345-6789-0123", "1 2345 6789 0123", "１２３４５６７８９０１２３"]
# (typed, masked): the 市区郡 stays, the town name and the numbers go.
ADDRESSES = [
    ("新潟市中央区新光町4番地1", f"新潟市中央区{ADDRESS}"),
    ("中央区新光町4-1", f"中央区{ADDRESS}"),
    ("新潟市中央区新光町4-1-2", f"新潟市中央区{ADDRESS}"),
    ("新潟市中央区新光町４番地１", f"新潟市中央区{ADDRESS}"),
    ("新潟市中央区新光町四番地一", f"新潟市中央区{ADDRESS}"),
    ("新光町4番地1", f"新光町{ADDRESS}"),
    ("東京都千代田区霞が関1丁目2番3号", f"東京都千代田区{ADDRESS}"),
    ("仙台市青葉区一番町4丁目1-1", f"仙台市青葉区{ADDRESS}"),
    ("北蒲原郡聖籠町諏訪山1635番地", f"北蒲原郡{ADDRESS}"),
    ("長岡市大手通1丁目4-10", f"長岡市{ADDRESS}"),
    ("さいたま市浦和区高砂3-15-1", f"さいたま市浦和区{ADDRESS}"),
    ("三丁目五番二号", ADDRESS),
    ("3丁目5番2号", ADDRESS),
    ("5番2号", ADDRESS),
    ("4番地の1", ADDRESS),
    ("十二番地", ADDRESS),
    ("T1234567890123", f"T{CORPORATE_NUMBER}"),  # an invoice registration number
]

POSITIVE = [
    *((typed, PHONE) for typed in PHONES),
    *((typed, EMAIL) for typed in EMAILS),
    *((typed, TWELVE_DIGITS) for typed in TWELVES),
    *((typed, CORPORATE_NUMBER) for typed in THIRTEENS),
    *ADDRESSES,
]


def test_the_positive_table_is_large_enough() -> None:
    assert len(POSITIVE) >= 80 and len(NEGATIVE) >= 40


@pytest.mark.parametrize(("typed", "masked"), POSITIVE)
def test_personal_data_is_masked(typed: str, masked: str) -> None:
    out = mask_personal_data(f"連絡先「{typed}」まで。")
    assert out == f"連絡先「{masked}」まで。"
    assert leftover_digits(out) == []  # not one digit of it left
    assert typed not in out


@pytest.mark.parametrize("typed", [typed for typed, _ in POSITIVE])
def test_personal_data_is_masked_amid_text(typed: str) -> None:
    out = mask_personal_data(f"2025年8月1日10:30頃、{typed} 宛に5人分を誤送信")
    assert out.startswith("2025年8月1日10:30頃、") and out.endswith(" 宛に5人分を誤送信")
    assert leftover_digits(out) == ["2025", "8", "1", "10", "30", "5"]


# --- what must stay ----------------------------------------------------------------------------------

NEGATIVE = [
    "5人分の名簿",
    "2025年8月1日",
    "令和7年8月1日(金) 午前10時30分頃",
    "令和七年十月一日",
    "二〇二五年八月一日",
    "平成31年4月30日",
    "10:30に発生",
    "12:00-13:00",
    "2025-08-01",
    "2025-08-01 10:30",
    "2025/8/1",
    "2025/08/01 10:30:00",
    "2025.08.01",
    "R7.8.1",
    "20250801",
    "受付番号2026-0001",
    "受付番号 2026-0001、2026-0002",
    "〒950-8570",  # a postal code on its own is kept: see bot/masking.py
    "1,000,000円",
    "12,345,678,901円",
    "1,234件",
    "100%",
    "3.14",
    "v1.2.3",
    "0.5人日",
    "03-123-456",  # too short for a phone number
    "0001-0000001",  # 00 is no Japanese area code
    "1234-5678-9012-3456",  # a longer hyphenated number is not sliced
    "1234567",
    "内線1234",
    "所属コード010020",
    "010020 010030",
    "所属 010020 2026年度",
    "令和7年度",
    "第1四半期",
    "第3回、12件、300ページ",
    "ISO 9001",
    "一二三四五六七八九",
    "山田一二三",
    "九十九",
    "10時~12時、14時~16時",
    "メールで送信した",
    "電話で連絡",
    "taro at home",
    "@channel",
    "@here さん",
    "@ 3件",
    "①②③",
    "一番地味な作業",
    "三丁目の夕日",
    "1丁目",
    "3番窓口",
    "1番線",
    "2番目",
    "第2号議案",
    "1号館の3階",
    "区分1-2",
    "市民5-2の件",
    "地区大会2-1で",
    "市内2025-8-1",
    "中央区役所4-1会議室",
    "市区町村1-2",
    "1-2-3",
    "A-123-4567",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_ordinary_numbers_and_text_are_kept(text: str) -> None:
    assert mask_personal_data(text) == text


def test_only_the_matches_change_and_the_rest_stays_as_typed() -> None:
    text = f"（株）新潟　ＴＥＬ：０２５－２８０－５０２１、ｍａｉｌ：ａ＠ｂ．ｊｐ　５人{ZWSP}です"
    assert mask_personal_data(text) == f"（株）新潟　ＴＥＬ：{PHONE}、ｍａｉｌ：{EMAIL}　５人{ZWSP}です"


def test_several_kinds_in_one_text() -> None:
    text = (
        "2025年8月1日10:30頃、5人分の名簿(090-1234-5678、taro@example.jp、"
        "個人番号 1234 5678 9012、〒950-8570 新潟市中央区新光町4番地1)を受付番号2026-0001の件で誤送信。"
        "TEL025-280-5021 2件、法人番号1234567890123"
    )
    assert mask_personal_data(text) == (
        f"2025年8月1日10:30頃、5人分の名簿({PHONE}、{EMAIL}、"
        f"個人番号 {TWELVE_DIGITS}、〒950-8570 新潟市中央区{ADDRESS})を受付番号2026-0001の件で誤送信。"
        f"TEL{PHONE} 2件、法人番号{CORPORATE_NUMBER}"
    )


def test_a_kanji_digit_before_a_number_does_not_hide_it() -> None:
    assert mask_personal_data("統一090-1234-5678") == f"統一{PHONE}"


def test_a_list_marker_before_a_number_does_not_hide_it() -> None:
    assert mask_personal_data("①090-1234-5678 ②taro@example.jp") == f"①{PHONE} ②{EMAIL}"


# --- the 回答者 field ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["新潟 太郎", "山田一二三", "九十九 一", "Taro Yamada", "佐藤 <花子> & 1"])
def test_a_name_is_shown_as_typed(name: str) -> None:
    assert mask_name(name) == name


def test_a_name_field_holding_more_is_masked_and_cut() -> None:
    assert mask_name("山田 090-1234-5678") == f"山田 {PHONE}"
    assert mask_name("山田(taro(at)example.jp)") == f"山田({EMAIL})"
    long = "山田太郎 総務部法務文書課 文書管理担当 主任 兼 情報公開担当"
    assert len(long) > NAME_MAX
    assert mask_name(long) == long[: NAME_MAX - 1] + "…"
    assert mask_name("山田 新潟市中央区新光町4番地1 025-280-5021") == f"山田 新潟市中央区{ADDRESS} {PHONE}"


# --- properties --------------------------------------------------------------------------------

_words = st.sampled_from(
    ["名簿", "誤送信", "所属", "確認", "封筒", "ＦＡＸ", "メール", "（株）", "住所", "一番"]
)
_counts = st.builds(
    "{}{}".format, st.integers(0, 99_999_999), st.sampled_from(["人", "人分", "件", "円", "回", "年目"])
)
_amounts = st.integers(0, 10**12).map("{:,}円".format)
_dates = st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日")
_iso_dates = st.dates().map(lambda d: st.sampled_from([d.isoformat(), f"{d.year}/{d.month}/{d.day}"]))
_times = st.times().map(lambda t: f"{t.hour}:{t.minute:02d}")
_receipts = st.builds("{}-{:04d}".format, st.integers(2000, 2999), st.integers(1, 9999))
_org_codes = st.integers(0, 999_999).map("{:06d}".format)
_safe_text = st.lists(
    st.one_of(
        _words, _counts, _amounts, _dates, _iso_dates.flatmap(lambda s: s), _times, _receipts, _org_codes
    ),
    max_size=8,
).map("、".join)


@given(_safe_text)
def test_text_without_personal_data_is_unchanged(text: str) -> None:
    assert mask_personal_data(text) == text


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


@st.composite
def _phone_numbers(draw: st.DrawFn) -> str:
    if draw(st.booleans()):  # a landline: 0 + area code + local number = 6 digits, then 4
        area_length = draw(st.integers(1, 4))
        area = draw(st.sampled_from("123456789")) + draw(_digits(area_length - 1))
        groups = [area, draw(_digits(5 - area_length)), draw(_digits(4))]
    else:  # a mobile or IP phone
        groups = [draw(st.sampled_from(["50", "70", "80", "90"])), draw(_digits(4)), draw(_digits(4))]
    separator = draw(st.sampled_from(["-", " ", "", ".", "・", "/", "_", "ー", "－", "\u200b", " - "]))
    layout = draw(st.sampled_from(["domestic", "parentheses", "international"]))
    if layout == "parentheses":
        number = f"(0{groups[0]}){groups[1]}-{groups[2]}"
    elif layout == "international":
        number = "+81" + separator + separator.join(groups)
    else:
        number = "0" + groups[0] + separator + separator.join(groups[1:])
    style = draw(st.sampled_from(["ascii", "full-width", "kanji"]))
    if style == "full-width":
        return number.translate(FULL_WIDTH)
    return number.translate(KANJI) if style == "kanji" and layout == "domestic" else number


_before = st.sampled_from(["", "連絡先は", "TEL:", "電話 ", "(", "「", "5人、", "統一"])
_after = st.sampled_from(["", "です", "まで。", ")", " 5人", "、2件", "」", "・2件"])


@given(_before, _phone_numbers(), _after)
def test_any_phone_number_is_masked_and_its_surroundings_kept(before: str, number: str, after: str) -> None:
    assert mask_personal_data(before + number + after) == before + PHONE + after


@given(
    st.sampled_from(["", "連絡先は", "宛先: ", "(", "「", "5人、"]),
    st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]@[a-z]{1,8}(\.[a-z]{1,8})?\.(jp|com|org)", fullmatch=True),
    _after,
    st.sampled_from(["@", "＠", "(at)", " @ ", "[at]", "★"]),
    st.booleans(),
)
def test_any_email_address_is_masked(
    before: str, address: str, after: str, at: str, full_width: bool
) -> None:
    address = address.replace("@", at)
    address = address.translate(FULL_WIDTH) if full_width else address
    assert mask_personal_data(before + address + after) == before + EMAIL + after


@given(
    _before,
    _digits(4),
    _digits(4),
    _digits(4),
    st.sampled_from(["", " ", "-", "　", ".", "/", "_", "・"]),
    _after,
)
def test_any_twelve_digit_number_is_masked(
    before: str, a: str, b: str, c: str, separator: str, after: str
) -> None:
    number = separator.join([a, b, c])
    assert mask_personal_data(before + number + after) == before + TWELVE_DIGITS + after


# Text made of the pieces personal data is made of, so that near-misses are common.
_pieces = st.sampled_from(
    [*"0123456789０１２〇一二九-ー・./_ ()+@＠★", "\u200b", "(at)", "example", ".jp", "taro",
     "市", "区", "郡", "新光町", "番地", "丁目", "番", "号", "の", "人", "年", "【電話番号】", "a"]
)  # fmt: skip
_tricky_text = st.lists(_pieces, max_size=40).map("".join)


@given(st.one_of(st.text(), _tricky_text))
def test_masking_never_fails_and_is_idempotent(text: str) -> None:
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once


@given(st.one_of(st.text(), _tricky_text))
def test_masking_never_lengthens_or_makes_a_run_of_digits(text: str) -> None:
    runs = _DIGIT_RUN.findall(text)
    for left in leftover_digits(mask_personal_data(text)):
        assert any(left in run for run in runs)
