"""Fixtures of the storage tests (the database fixtures live in tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from storage import FlowVersionInfo, register_flow
from tests.storage.helpers import NOW, make_flow


@pytest.fixture
def flow_version(engine: Engine) -> FlowVersionInfo:
    return register_flow(engine, make_flow(), now=NOW)
