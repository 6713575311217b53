from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from sandbox import Sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """The whole sandbox on free loopback ports, with a SQLite database of its own."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/sandbox.db")
    with Sandbox(settings, port=0, due_work_interval=0.5) as running:
        yield running
