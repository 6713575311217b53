from __future__ import annotations

from pathlib import Path

import pytest

from flows.load import load_flow
from flows.model import Flow

SURVEY_FILE = Path(__file__).resolve().parents[2] / "flows" / "leak_incident_survey.yaml"


@pytest.fixture(scope="session")
def survey() -> Flow:
    return load_flow(SURVEY_FILE)
