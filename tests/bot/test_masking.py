"""mask_personal_data: phone numbers, e-mail addresses and 12-digit numbers go; everything else stays."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.masking import EMAIL, PHONE, TWELVE_DIGITS, mask_personal_data

FULL_WIDTH = str.maketrans("0123456789-()+@.", "０１２３４５６７８９－（）＋＠．")


@pytest.mark.parametrize(
    "number",
    [
        "025-280-5021",
        "090-1234-5678",
        "0252805021",
        "09012345678",
        "(025)280-5021",
        "025(280)5021",
        "+81-25-280-5021",
        "+81 90 1234 5678",
        "+81(0)25-280-5021",
        "+81252805021",
        "03-1234-5678",
        "0120-123-456",
        "0800-123-4567",
        "050-1234-5678",
        "025-2805021",
        "025 280 5021",
        "090ー1234ー5678",  # the IME's long vowel mark used as a hyphen
        "090‐1234‐5678",  # U+2010
        "０２５－２８０－５０２１",
        "（０２５）２８０－５０２１",
        "＋８１－９０－１２３４－５６７８",
    ],
)
def test_phone_numbers_are_masked(number: str) -> None:
    assert mask_personal_data(f"連絡先は{number}です。") == f"連絡先は{PHONE}です。"


@pytest.mark.parametrize(
    "address",
    [
        "taro@example.jp",
        "taro.yamada@pref.niigata.lg.jp",
        "ngt010020@pref.niigata.lg.jp",
        "first+tag@sub.example.co.jp",
        "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
        "taro0901234567@example.jp",  # digits inside an address are part of the address
    ],
)
def test_email_addresses_are_masked(address: str) -> None:
    assert mask_personal_data(f"宛先 {address} に送信") == f"宛先 {EMAIL} に送信"


@pytest.mark.parametrize(
    "number",
    ["123456789012", "1234 5678 9012", "1234-5678-9012", "１２３４　５６７８　９０１２", "0123 4567 8901"],
)
def test_twelve_digit_numbers_are_masked(number: str) -> None:
    assert mask_personal_data(f"個人番号{number}を記載") == f"個人番号{TWELVE_DIGITS}を記載"


@pytest.mark.parametrize(
    "text",
    [
        "5人分の名簿",
        "2025年8月1日",
        "令和7年8月1日(金) 午前10時30分頃",
        "10:30に発生",
        "受付番号2026-0001",
        "2025-08-01",
        "〒950-8570",
        "1,000,000円",
        "03-123-456",  # too short for a phone number
        "0001-0000001",  # 00 is no Japanese area code
        "1234567890123",  # 13 digits: not a My Number
        "1234-5678-9012-3456",  # a longer hyphenated number is not sliced
        "第3回、12件、300ページ",
        "メールで送信した",
        "@channel",
    ],
)
def test_ordinary_numbers_and_text_are_kept(text: str) -> None:
    assert mask_personal_data(text) == text


def test_only_the_matches_change_and_the_rest_stays_as_typed() -> None:
    text = "（株）新潟　ＴＥＬ：０２５－２８０－５０２１、ｍａｉｌ：ａ＠ｂ．ｊｐ　５人"
    assert mask_personal_data(text) == f"（株）新潟　ＴＥＬ：{PHONE}、ｍａｉｌ：{EMAIL}　５人"


def test_several_kinds_in_one_text() -> None:
    text = (
        "2025年8月1日10:30頃、5人分の名簿(090-1234-5678、taro@example.jp、"
        "個人番号 1234 5678 9012)を受付番号2026-0001の件で誤送信。TEL025-280-5021 2件"
    )
    assert mask_personal_data(text) == (
        f"2025年8月1日10:30頃、5人分の名簿({PHONE}、{EMAIL}、"
        f"個人番号 {TWELVE_DIGITS})を受付番号2026-0001の件で誤送信。TEL{PHONE} 2件"
    )


# --- properties --------------------------------------------------------------------------------

_words = st.sampled_from(["名簿", "誤送信", "所属", "確認", "封筒", "ＦＡＸ", "メール", "（株）", "住所"])
_counts = st.builds(
    "{}{}".format, st.integers(0, 99_999_999), st.sampled_from(["人", "人分", "件", "円", "回", "年目"])
)
_dates = st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日")
_times = st.times().map(lambda t: f"{t.hour}:{t.minute:02d}")
_receipts = st.builds("{}-{:04d}".format, st.integers(2000, 2999), st.integers(1, 9999))
_safe_text = st.lists(st.one_of(_words, _counts, _dates, _times, _receipts), max_size=8).map("、".join)


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
    separator = draw(st.sampled_from(["-", " ", ""]))
    layout = draw(st.sampled_from(["domestic", "parentheses", "international"]))
    if layout == "parentheses":
        number = f"(0{groups[0]}){groups[1]}-{groups[2]}"
    elif layout == "international":
        number = "+81" + separator + separator.join(groups)
    else:
        number = "0" + groups[0] + separator + separator.join(groups[1:])
    return number.translate(FULL_WIDTH) if draw(st.booleans()) else number


_before = st.sampled_from(["", "連絡先は", "TEL:", "電話 ", "(", "「", "5人、"])
_after = st.sampled_from(["", "です", "まで。", ")", " 5人", "、2件", "」"])


@given(_before, _phone_numbers(), _after)
def test_any_phone_number_is_masked_and_its_surroundings_kept(before: str, number: str, after: str) -> None:
    assert mask_personal_data(before + number + after) == before + PHONE + after


@given(
    _before,
    st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]@[a-z]{1,8}(\.[a-z]{1,8})?\.(jp|com|org)", fullmatch=True),
    _after,
    st.booleans(),
)
def test_any_email_address_is_masked(before: str, address: str, after: str, full_width: bool) -> None:
    address = address.translate(FULL_WIDTH) if full_width else address
    assert mask_personal_data(before + address + after) == before + EMAIL + after


@given(_before, _digits(4), _digits(4), _digits(4), st.sampled_from(["", " ", "-", "　"]), _after)
def test_any_twelve_digit_number_is_masked(
    before: str, a: str, b: str, c: str, separator: str, after: str
) -> None:
    number = separator.join([a, b, c])
    assert mask_personal_data(before + number + after) == before + TWELVE_DIGITS + after


@given(st.text())
def test_masking_never_fails_and_is_idempotent(text: str) -> None:
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once
