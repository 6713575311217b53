"""Flow definitions stored by content, so a draft stays pinned to the version it began on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from flows.model import Flow
from storage.db import dialect_insert, session_scope
from storage.errors import FlowVersionNotFound
from storage.models import FlowVersion

_RETIRED_KEYS = frozenset({"timezone"})


@dataclass(frozen=True, slots=True)
class FlowVersionInfo:
    id: int
    flow_id: str
    content_hash: str
    created_at: datetime


def flow_definition(flow: Flow) -> dict[str, Any]:
    """The flow as JSON data, every field spelled out, so the stored copy rebuilds the same flow."""
    return flow.model_dump(mode="json", by_alias=True, exclude_none=False)


def content_hash(flow: Flow) -> str:
    canonical = json.dumps(flow_definition(flow), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def register_flow(engine: Engine, flow: Flow, *, now: datetime | None = None) -> FlowVersionInfo:
    """Store this version of the flow unless the same content is already stored (idempotent)."""
    digest = content_hash(flow)
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        insert = dialect_insert(session, FlowVersion).values(
            flow_id=flow.id, content_hash=digest, definition=flow_definition(flow), created_at=now
        )
        # Concurrent starts of the bot may register the same flow: the unique key decides.
        session.exec(insert.on_conflict_do_nothing(index_elements=["flow_id", "content_hash"]))
        row = session.exec(
            select(FlowVersion).where(FlowVersion.flow_id == flow.id, FlowVersion.content_hash == digest)
        ).one()
        assert row.id is not None
        return FlowVersionInfo(
            id=row.id, flow_id=row.flow_id, content_hash=row.content_hash, created_at=row.created_at
        )


def load_flow(engine: Engine, flow_version_id: int) -> Flow:
    with session_scope(engine, read_only=True) as session:
        row = session.get(FlowVersion, flow_version_id)
        if row is None:
            raise FlowVersionNotFound(f"flow version {flow_version_id} does not exist")
        # Versions stored before a key was retired still carry it, and the model forbids unknown keys.
        return Flow.model_validate({k: v for k, v in row.definition.items() if k not in _RETIRED_KEYS})
