"""Masking personal data in free text before it is posted to a channel.

Matching runs on an NFKC-folded copy (full-width digits, ＠, （）and － become ASCII) so that
０２５－２８０－５０２１ is found, but only the matched spans are replaced: the rest of the text
stays exactly as the person typed it. Patterns are applied in turn — e-mail addresses first (they
may contain digits), then 12-digit numbers (My Number, which a phone pattern must never slice),
then phone numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from bot import texts

PHONE = texts.MASKED_PHONE
EMAIL = texts.MASKED_EMAIL
TWELVE_DIGITS = texts.MASKED_TWELVE_DIGITS

# Dash-like characters people put between digit groups (NFKC leaves most of them alone;
# ー is what a Japanese IME often types for a hyphen).
_DASH = "\\-‐‑‒–—―−ー"
_SEP = rf"(?:[ \t]?[{_DASH}][ \t]?|[ \t])"
# Never start or end inside a longer digit sequence (2026-0001, 1234-5678-9012-3456), nor take
# +81… for a 12-digit number. A number next to another one across a space (「090 1234 5678 5人」)
# is still masked: hiding a little too much is the safer mistake.
_START = rf"(?<![0-9+])(?<![0-9][{_DASH}])"
_END = rf"(?![0-9])(?![{_DASH}][0-9])"

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
_TWELVE = re.compile(rf"{_START}[0-9]{{4}}{_SEP}?[0-9]{{4}}{_SEP}?[0-9]{{4}}{_END}")
_PHONE = re.compile(
    r"""
    START (?:
        \+81 SEP? (?: \(0\) SEP? )?                                 # +81-25-280-5021, +81(0)25-…
            (?: [0-9]{1,5} SEP [0-9]{1,4} SEP [0-9]{3,4} | [0-9]{9,11} )
        # Domestic numbers start with 0 and a non-zero digit (00 is the international prefix).
      | \( 0[1-9][0-9]{0,3} \) [ \t]? [0-9]{1,4} SEP [0-9]{3,4}     # (025)280-5021
      | 0[1-9][0-9]{0,3} [ \t]? \( [0-9]{1,4} \) [ \t]? [0-9]{3,4}  # 025(280)5021
      | 0[1-9][0-9]{0,3} SEP [0-9]{1,4} SEP [0-9]{3,4}              # 025-280-5021, 090 1234 5678
      | 0[1-9][0-9]{0,3} SEP [0-9]{5,8}                             # 025-2805021
      | 0[1-9][0-9]{8,9}                                            # 0252805021, 09012345678
    ) END
    """.replace("START", _START)
    .replace("SEP", _SEP)
    .replace("END", _END),
    re.VERBOSE,
)


def mask_personal_data(text: str) -> str:
    """Replace phone numbers, e-mail addresses and 12-digit numbers with 【…】 placeholders."""
    text = _replace(text, _EMAIL, EMAIL)
    text = _replace(text, _TWELVE, TWELVE_DIGITS)
    return _replace(text, _PHONE, PHONE, accept=_is_phone_number)


def _is_phone_number(found: str) -> bool:
    """Japanese numbers have 10 digits (landlines, 0120) or 11 (mobiles, 050, 0800) with the 0."""
    if found.startswith("+81"):
        digits = re.sub(r"[^0-9]", "", found.removeprefix("+81").replace("(0)", ""))
        return len(digits) in ((10, 11) if digits.startswith("0") else (9, 10))
    return len(re.sub(r"[^0-9]", "", found)) in (10, 11)


def _replace(
    text: str, pattern: re.Pattern[str], token: str, *, accept: Callable[[str], bool] | None = None
) -> str:
    folded, origin = _folded(text)
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(folded):
        if match.start() == match.end() or (accept is not None and not accept(match.group())):
            continue
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if start < position:  # two matches inside one folded character (e.g. ⑴): keep the first
            continue
        parts.extend((text[position:start], token))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _folded(text: str) -> tuple[str, list[int]]:
    """NFKC per character, with the index of the original character behind each folded one."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin
