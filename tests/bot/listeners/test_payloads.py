"""One reader of element values, for the element acted on and for state.values alike."""

from __future__ import annotations

from typing import Any

import pytest

from bot.listeners.payloads import element_value, input_element, typed_text
from bot.refs import DraftRef

OPTION = {"text": {"type": "plain_text", "text": "30代"}, "value": "30代"}
OTHER = {"text": {"type": "plain_text", "text": "その他"}, "value": "その他"}


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ({"type": "radio_buttons", "selected_option": OPTION}, "30代"),
        ({"type": "static_select", "selected_option": OPTION}, "30代"),
        ({"type": "external_select", "selected_option": {"value": "010020"}}, "010020"),
        ({"type": "radio_buttons", "selected_option": None}, None),
        ({"type": "checkboxes", "selected_options": [OPTION, OTHER]}, ["30代", "その他"]),
        ({"type": "multi_static_select", "selected_options": []}, []),
        ({"type": "checkboxes"}, []),
        ({"type": "datepicker", "selected_date": "2025-08-01"}, "2025-08-01"),
        ({"type": "timepicker", "selected_time": "10:30"}, "10:30"),
        ({"type": "plain_text_input", "value": "３年目"}, "３年目"),
        ({"type": "plain_text_input", "value": None}, ""),
        ({"type": "button", "value": "kk2|1|2|-"}, "kk2|1|2|-"),
    ],
)
def test_element_value(element: dict[str, Any], value: Any) -> None:
    assert element_value(element) == value


def test_only_typed_elements_have_typed_text() -> None:
    assert typed_text({"type": "plain_text_input", "value": "abc"}) == "abc"
    assert typed_text({"type": "radio_buttons", "selected_option": OPTION}) is None


def test_the_input_element_is_found_by_the_question_block() -> None:
    ref = DraftRef(12, 3, "q3_years_employed")
    element = {"type": "plain_text_input", "value": "8"}
    body = {"state": {"values": {ref.block_id("input"): {"kk_answer": element}, "other": {}}}}
    assert input_element(body, ref) == element
    assert input_element({"state": {"values": {}}}, ref) == {}
