"""The survey the bot offers now, and every earlier version that drafts are still pinned to."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine

import storage
from flows.load import load_flow
from flows.model import Flow


class FlowCatalog:
    def __init__(self, engine: Engine, flow_file: Path) -> None:
        self._engine = engine
        self.current = load_flow(flow_file)
        # Registering is idempotent: the same content maps to the same version row.
        self.current_version_id = storage.register_flow(engine, self.current).id
        self._by_version: dict[int, Flow] = {self.current_version_id: self.current}
        self._lock = threading.Lock()

    def for_version(self, flow_version_id: int) -> Flow:
        with self._lock:
            flow = self._by_version.get(flow_version_id)
        if flow is None:
            flow = storage.load_flow(self._engine, flow_version_id)
            with self._lock:
                self._by_version[flow_version_id] = flow
        return flow
