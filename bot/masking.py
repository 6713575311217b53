"""Masking personal data in free text before it is shown in a channel.

What is masked, each by a 【…】 placeholder of bot.texts:

* phone numbers: fixed lines 0X-XXXX-XXXX (area codes of 2 to 5 digits with the 0), mobiles
  070/080/090, IP phones 050, 0120 and 0800, the +81 forms, 10 or 11 digits in all; grouped by any
  separator below, in parentheses around the area code ((025)280-5021, 025(280)5021), written one
  digit at a time (0 9 0 1 …), in full-width or kanji digits (〇九〇ー一二三四ー五六七八);
* e-mail addresses: with @ or ＠, spaced (taro @ example.jp), written (at) [at] {at} <at>, (アット),
  アットマーク, ★ or ☆, (dot) for a dot, with a Japanese local part or domain label;
* 12-digit numbers (マイナンバー) and 13-digit numbers (法人番号), whole or grouped 4-4-4 / 1-4-4-4;
* postal addresses, where they can be told from ordinary text: a number with 番地, N丁目 followed by
  a further number, N番N号 (「4番地1」「3丁目5番2号」, also in kanji numerals) anywhere; and
  N-N(-N) only after a 市, 区 or 郡 and a town name (「中央区新光町4-1」). The town name goes with the
  number (「新潟市中央区新光町4番地1」 → 「新潟市中央区【住所】」): a 市区郡 alone names no one.

What is never masked: dates (2025-08-01, 2025/8/1, 令和7年8月1日), times (10:30), receipt numbers
(2026-0001), counts and amounts (5人分, 1,234件, 1,000,000円), 所属コード (6 digits), years and other
short numbers, longer numbers that a pattern would have to slice (1234-5678-9012-3456), and postal
codes. A postal code (〒950-8570) on its own is kept on purpose: it names a district or a large
office that many people share, not a person; next to an address, the address is masked and the
postal code stays.

How: matching runs on a normalised copy of the text, built one character at a time with the index of
the original character behind each normalised one, so that only the matched spans are replaced and
everything else stays exactly as the person typed it (full-width forms, zero-width characters and
all). The copy is:

* NFKC per character (full-width digits and letters, ＠, （）, －, the ideographic space become
  ASCII), except characters that NFKC would turn into digits but that are list markers in the text
  (①, ⑴, ²: Unicode category No), which stay what they are, i.e. not digits;
* without invisible characters: format characters (Cf: zero-width spaces and joiners, the word
  joiner, BOM, soft hyphen, bidi marks), variation selectors, fillers that render as nothing, and
  control characters other than whitespace;
* in further copies, with the kanji digits 〇一二三四五六七八九 read as 0–9: first all but one that
  follows a letter (統一〇九〇…: that 一 belongs to 統一), then all of them (電話〇九〇…). The copy as
  typed is searched first, so that neither 〇九〇… hides a number nor a kanji digit of a word right
  before one (「統一090-…」) makes it a longer one.

Separators between digit groups: every dash (- ‐ ‑ ‒ – — ― − ー and their full-width forms), dots
(. ・ ·), / and _ and whitespace, with up to two spaces around a separator. Kinds are searched in turn —
e-mail addresses (which may hold digits), 13- and 12-digit numbers (which a phone pattern must never
slice), phone numbers, addresses — and the whole is repeated until nothing changes, so that masking
is idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot import texts

PHONE = texts.MASKED_PHONE
EMAIL = texts.MASKED_EMAIL
TWELVE_DIGITS = texts.MASKED_TWELVE_DIGITS
CORPORATE_NUMBER = texts.MASKED_CORPORATE_NUMBER
ADDRESS = texts.MASKED_ADDRESS
TOKENS = (PHONE, EMAIL, TWELVE_DIGITS, CORPORATE_NUMBER, ADDRESS)

# A name is shorter than this; the 回答者 question itself allows 50 characters.
NAME_MAX = 30

# --- normalising --------------------------------------------------------------------------------

_KANJI_DIGITS = {kanji: str(value) for value, kanji in enumerate("〇一二三四五六七八九")}
_INVISIBLE_EXTRA = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def _is_invisible(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cf" or char in _INVISIBLE_EXTRA:
        return True
    return category == "Cc" and not char.isspace()


# Which kanji digits a copy reads as digits: none (as typed), all but the first of a run that ends
# a word (統一〇九〇…: the 一 is part of 統一), or all of them.
_AS_TYPED, _AFTER_WORDS, _ALL_KANJI = 0, 1, 2
_COPIES = (_AS_TYPED, _AFTER_WORDS, _ALL_KANJI)
_WORD = frozenset({"Lo", "Lu", "Ll", "Lt"})  # not Lm: ー between digits is a hyphen


def _fold_char(char: str, previous: str, *, kanji_digits: int) -> str:
    if char.isascii():
        return "" if _is_invisible(char) else char
    if kanji_digits and char in _KANJI_DIGITS:
        ends_word = previous not in _KANJI_DIGITS and unicodedata.category(previous or " ") in _WORD
        if kanji_digits == _ALL_KANJI or not ends_word:
            return _KANJI_DIGITS[char]
        return char
    if _is_invisible(char):
        return ""
    if unicodedata.category(char) == "No":  # ①, ⑴, ²: a list marker, no digit of a number
        return char
    return unicodedata.normalize("NFKC", char)


def _folded(text: str, *, kanji_digits: int) -> tuple[str, list[int]]:
    """The normalised copy, with the index of the original character behind each of its characters."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char, text[index - 1] if index else "", kanji_digits=kanji_digits)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


# --- patterns (on the normalised copy) ----------------------------------------------------------

_DASH = "\\-‐‑‒–—―−ー⁃"
_SEPARATORS = _DASH + ".・·‧∙⋅/∕⁄_"
_SEP = rf"(?:\s{{0,2}}[{_SEPARATORS}]\s{{0,2}}|\s{{1,2}})"
# Never start or end inside a longer number (2026-0001, 1234-5678-9012-3456, 1.234.567.890.123),
# nor take +81… for another kind. A number next to another one across a space or a ・
# (「090 1234 5678 5人」) is still masked: hiding a little too much is the safer mistake.
_START = rf"(?<![0-9+])(?<![0-9][{_DASH}.])"
_END = rf"(?![0-9])(?![{_DASH}.][0-9])"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("START", _START).replace("SEP", _SEP).replace("END", _END), re.VERBOSE)


_PHONE = _compile(
    r"""
    START (?:
        (?: \+81 | \(\+81\) ) SEP? (?: \(0\) SEP? )?                # +81-25-280-5021, +81(0)25-…
            (?: [0-9]{1,5} SEP [0-9]{1,4} SEP [0-9]{3,4} | [0-9]{1,5} SEP [0-9]{5,8} | [0-9]{9,11} )
        # Domestic numbers start with 0 and a non-zero digit (00 is the international prefix).
      | \( 0[1-9][0-9]{0,3} \) \s{0,2} (?: [0-9]{1,4} SEP [0-9]{3,4} | [0-9]{5,8} )  # (025)280-5021
      | 0[1-9][0-9]{0,3} \s{0,2} \( [0-9]{1,4} \) \s{0,2} [0-9]{3,4}   # 025(280)5021
      | 0[1-9][0-9]{0,3} SEP [0-9]{1,4} SEP [0-9]{3,4}                # 025-280-5021, 090 1234 5678
      | 0[1-9][0-9]{0,3} SEP [0-9]{5,8}                               # 025-2805021
      | 0[1-9][0-9]{8,9}                                              # 0252805021, 09012345678
      | 0 SEP [1-9] (?: SEP [0-9] ){8,9}                              # 0 9 0 1 2 3 4 5 6 7 8
    ) END
    """
)
_TWELVE = _compile(
    r"""
    START (?: [0-9]{4} SEP? [0-9]{4} SEP? [0-9]{4}
            | [0-9] (?: SEP [0-9] ){11} ) END
    """
)
_THIRTEEN = _compile(r"START [1-9] SEP? [0-9]{4} SEP? [0-9]{4} SEP? [0-9]{4} END")

# A letter that is not ASCII (kana, kanji, accented letters): a Japanese local part is made of
# these (and digits), never mixed with ASCII letters, so that 「連絡先はtaro@…」 keeps 「連絡先は」.
_NON_ASCII_LETTER = r"[^\W\d_A-Za-z]"
_EMAIL = re.compile(
    rf"""
    (?: (?<![A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]) [A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+     # taro.yamada
      | (?<![0-9._+-]) (?<!{_NON_ASCII_LETTER}) (?: [0-9._+-]* {_NON_ASCII_LETTER} )+ [0-9._+-]* )  # 山田
    \s{{0,2}} (?: @ | (?i: \(at\) | \[at\] | \{{at\}} | <at> ) | \(アット\) | アットマーク | [★☆] ) \s{{0,2}}
    (?: [^\W_] (?: [\w-]{{0,62}} [^\W_] )?                          # a label, also 日本語
        (?: \. | \s{{0,2}} (?i: \(dot\) | \[dot\] | \{{dot\}} | <dot> ) \s{{0,2}} ) )+
    (?: [A-Za-z]{{2,63}} (?![A-Za-z0-9-]) | 日本 | みんな | コム )
    """,
    re.VERBOSE,
)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆〇ヶヵ"
_KANA = "\u30a1-\u30fa\u30fcー"
_HIRAGANA = "\u3041-\u3096"
_NUMBER = "(?:[0-9]{1,4}|[〇一二三四五六七八九十百千]{1,6})"
# After 番地 comes the end of the address: a number, の, 先, punctuation, never a word (一番地味).
_AFTER_BANCHI = f"(?!(?![のノ先号〇一二三四五六七八九十百千])[{_HAN}{_KANA}{_HIRAGANA}])"
_MORE = rf"(?:\s?(?:[{_DASH}]|の|ノ)?\s?{_NUMBER}(?:番地|番|号)?)"
_BLOCK_NUMBER = rf"""
    (?: {_NUMBER} 丁目 {_MORE}{{1,2}}                          # 3丁目5番2号, 4丁目1-1
      | {_NUMBER} 番地 {_AFTER_BANCHI} {_MORE}{{0,2}}          # 4番地1, 四番地の一, 1635番地
      | {_NUMBER} 番 {_NUMBER} 号 {_MORE}{{0,1}} )              # 5番2号
    (?![0-9])
"""
_PLAIN_NUMBER = (
    rf"(?!(?:19|20)[0-9]{{2}}(?![0-9]))[1-9][0-9]{{0,3}}(?:[{_DASH}][1-9][0-9]{{0,3}}){{1,2}}"
    rf"(?![0-9])(?![{_DASH}.][0-9])"
)
# 市区町村 compounds that are no town name: 市民, 市内, 区分, 区域, 市役所 …
_NO_TOWN_START = "民内外長役場販町立営税分域画別切部議会政"
_NO_TOWN_END = ("役所", "役場", "庁舎", "支所", "会議", "会館", *"課係室館局会庁部")
# The town name right after the last 市, 区 or 郡 (it holds none of them): one way only to read
# 「新潟市中央区新光町」, so that a long run of kanji is read in linear time.
_TOWN_CHAR = f"(?:(?![市区郡])[{_HAN}{_KANA}{_HIRAGANA}])"
_TOWN_START = f"(?![{_NO_TOWN_START}市区郡])[{_HAN}{_KANA}]"
_ADDRESS_AFTER_PLACE = re.compile(
    rf"""
    (?<=[市区郡])
    (?: (?P<town>{_TOWN_START}{_TOWN_CHAR}{{0,14}}) {_BLOCK_NUMBER}
      | (?P<street>{_TOWN_START}{_TOWN_CHAR}{{1,14}}) {_PLAIN_NUMBER} )
    """,
    re.VERBOSE,
)
_ADDRESS_NUMBER = re.compile(rf"(?<![0-9]){_BLOCK_NUMBER}", re.VERBOSE)


def _is_town(match: re.Match[str]) -> bool:
    town = match.group("town") or match.group("street") or ""
    return not town.endswith(_NO_TOWN_END)


def _is_phone_number(match: re.Match[str]) -> bool:
    """Japanese numbers have 10 digits (fixed lines, 0120) or 11 (mobiles, 050, 0800) with the 0."""
    found = match.group()
    digits = re.sub(r"[^0-9]", "", found)
    if "+" in found:
        national = digits[2:]
        return len(national.removeprefix("0")) in (9, 10)
    return len(digits) in (10, 11)


@dataclass(frozen=True)
class _Kind:
    pattern: re.Pattern[str]
    token: str
    copies: tuple[int, ...] = _COPIES  # which copies are searched
    accept: Callable[[re.Match[str]], bool] | None = None


_KINDS = (
    _Kind(_EMAIL, EMAIL, copies=(_AS_TYPED,)),
    _Kind(_THIRTEEN, CORPORATE_NUMBER),
    _Kind(_TWELVE, TWELVE_DIGITS),
    _Kind(_PHONE, PHONE, accept=_is_phone_number),
    # Addresses are matched with kanji numerals as they are (四番地一, 三丁目): see _NUMBER.
    _Kind(_ADDRESS_AFTER_PLACE, ADDRESS, copies=(_AS_TYPED,), accept=_is_town),
    _Kind(_ADDRESS_NUMBER, ADDRESS, copies=(_AS_TYPED,)),
)


# --- masking ------------------------------------------------------------------------------------


def mask_personal_data(text: str) -> str:
    """Replace phone numbers, e-mail addresses, 12- and 13-digit numbers and addresses with 【…】."""
    for _ in range(8):  # until nothing changes: a round only replaces, a second one rarely does
        masked = text
        for kanji_digits in _COPIES:  # as typed first: 「統一090-…」 is a phone number
            for kind in _KINDS:
                if kanji_digits in kind.copies:
                    masked = _replace(masked, kind, kanji_digits=kanji_digits)
        if masked == text:
            break
        text = masked
    return text


def mask_name(text: str) -> str:
    """A free-text answer in a summary field the flow does not mask (the 回答者's name).

    A name passes unchanged. Anything more is masked all the same: the field goes through
    mask_personal_data (a name has no phone number, address or e-mail in it, so a plain name is
    never changed), and is cut to NAME_MAX characters with …, since a name is never longer and
    the rest of a longer text belongs in 「全回答を表示」, not in the channel."""
    masked = mask_personal_data(text)
    return masked if len(masked) <= NAME_MAX else masked[: NAME_MAX - 1] + "…"


def _replace(text: str, kind: _Kind, *, kanji_digits: int) -> str:
    folded, origin = _folded(text, kanji_digits=kanji_digits)
    parts: list[str] = []
    position = 0
    for match in kind.pattern.finditer(folded):
        if kind.accept is not None and not kind.accept(match):
            continue
        begin, finish = match.span()
        if begin == finish:
            continue
        start, end = origin[begin], origin[finish - 1] + 1
        if start < position:  # two matches inside one folded character: keep the first
            continue
        parts.extend((text[position:start], kind.token))
        position = end
    parts.append(text[position:])
    return "".join(parts)
