"""Flow versions: stored by content, idempotent, and drafts stay pinned to theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from storage import (
    FlowVersion,
    FlowVersionInfo,
    FlowVersionNotFound,
    get_draft,
    load_flow,
    register_flow,
    session_scope,
    start_draft,
)
from storage.flow_versions import content_hash, flow_definition
from tests.storage.helpers import NOW, id_of, make_flow


def _count_versions(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(FlowVersion)).one()


def test_registering_the_same_flow_twice_gives_the_same_version(engine: Engine) -> None:
    first = register_flow(engine, make_flow(), now=NOW)
    again = register_flow(engine, make_flow())
    assert again == first
    assert first.flow_id == "leak_survey"
    assert len(first.content_hash) == 64
    assert _count_versions(engine) == 1


def test_changed_content_is_a_new_version(engine: Engine) -> None:
    first = register_flow(engine, make_flow(), now=NOW)
    second = register_flow(engine, make_flow(title="個人情報漏えい事案の聞き取り(改訂)"), now=NOW)
    assert second.id != first.id
    assert second.content_hash != first.content_hash
    assert _count_versions(engine) == 2


def test_load_flow_rebuilds_the_registered_flow(engine: Engine, flow_version: FlowVersionInfo) -> None:
    loaded = load_flow(engine, flow_version.id)
    assert loaded.model_dump() == make_flow().model_dump()
    assert content_hash(loaded) == flow_version.content_hash
    # Conditions with aliased keys (in / not) survive the round trip.
    assert [question.id for question in loaded.questions] == [
        "name",
        "role",
        "role_other",
        "years",
        "channels",
    ]


def test_a_version_stored_with_a_retired_key_still_loads(engine: Engine) -> None:
    # Versions stored before Flow.timezone was removed carry it in their definition.
    stored = FlowVersion(
        flow_id="leak_survey",
        content_hash="0" * 64,
        definition={**flow_definition(make_flow()), "timezone": "Asia/Tokyo"},
        created_at=NOW,
    )
    with session_scope(engine) as session:
        session.add(stored)
        session.flush()
        assert stored.id is not None
        version_id = stored.id
    assert load_flow(engine, version_id).model_dump() == make_flow().model_dump()


def test_a_draft_stays_on_the_version_it_began_on(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = start_draft(engine, team_id="T1", user_id="U1", flow_version_id=flow_version.id, now=NOW)
    revised = register_flow(engine, make_flow(title="改訂版"), now=NOW)

    reloaded = get_draft(engine, id_of(draft))
    assert reloaded.flow_version_id == flow_version.id != revised.id
    assert load_flow(engine, reloaded.flow_version_id).title == "個人情報漏えい事案の聞き取り"
    assert load_flow(engine, revised.id).title == "改訂版"


def test_unknown_flow_version(engine: Engine) -> None:
    with pytest.raises(FlowVersionNotFound):
        load_flow(engine, 999)
    with pytest.raises(FlowVersionNotFound):
        start_draft(engine, team_id="T1", user_id="U1", flow_version_id=999, now=NOW)
