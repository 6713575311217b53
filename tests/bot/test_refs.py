"""One versioned encoding of "which draft, which version, which question"."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.refs import ChasedRef, DraftRef, ModalRef, ProposedChange, StartRef

question_ids = st.from_regex(r"[a-z][a-z0-9_]{0,63}", fullmatch=True)
answers = st.recursive(
    st.none() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


@given(st.integers(0, 10**9), st.integers(0, 10**6), question_ids)
def test_a_reference_survives_every_place_it_is_carried(
    draft_id: int, version: int, question_id: str
) -> None:
    ref = DraftRef(draft_id, version, question_id)
    assert DraftRef.decode(ref.encode()) == ref
    assert DraftRef.decode(ref.block_id("input")) == ref
    assert len(ref.block_id("review_actions")) <= 255  # Slack's limit for block ids
    assert ModalRef.decode(ModalRef(ref, 3, "D0CHANNEL", "1.2").encode()) == ModalRef(
        ref, 3, "D0CHANNEL", "1.2"
    )
    url = "https://hooks.slack.com/actions/T0/1/abc"
    modal = ModalRef.decode(ModalRef(ref, 3, "D0CHANNEL", "1.2", url).encode())
    assert modal is not None and modal.response_url == url
    origin = modal.origin()
    assert origin is not None and (origin.channel, origin.ts, origin.response_url) == (
        "D0CHANNEL",
        "1.2",
        url,
    )


@given(st.integers(0, 10**9), st.integers(0, 10**6), question_ids, answers)
def test_a_proposed_change_carries_its_answer_whatever_it_holds(
    draft_id: int, version: int, question_id: str, answer: object
) -> None:
    change = ProposedChange(DraftRef(draft_id, version, question_id), answer)
    assert ProposedChange.decode(change.encode()) == change


@pytest.mark.parametrize(
    "earlier",
    [
        "kk|12|3|q1_title|input",  # the block id of the release before this encoding
        json.dumps({"q": "q1_title", "a": "主任"}),  # its 変更する button value
        json.dumps({"d": 12, "v": 3, "q": "q23_measures", "c": "D1", "t": "1.2"}),  # its modal metadata
        "draft:12",  # its あとで value
        "",
        None,
    ],
)
def test_what_an_earlier_release_rendered_is_refused(earlier: str | None) -> None:
    assert DraftRef.decode(earlier) is None
    assert ProposedChange.decode(earlier) is None
    assert ModalRef.decode(earlier) is None
    assert ChasedRef.decode(earlier) is None


def test_start_references() -> None:
    assert StartRef.decode(StartRef(12).encode()) == StartRef(12)
    assert StartRef.decode("kk2|start|x") is None and StartRef.decode("-") is None


def test_chased_references() -> None:
    for ref in (ChasedRef("draft", 12), ChasedRef("invitation", 3)):
        assert ChasedRef.decode(ref.encode()) == ref
    assert ChasedRef.decode("kk2|submission|1") is None
