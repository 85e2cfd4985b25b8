"""Report tests: the oracle test's seeded region, and a directory for rendered artefacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.kpi.test_oracle import seed

QUARTER = "2025Q1"
REGION = "oracle"
ARTIFACTS_ENV = "POHCONNECT_TEST_ARTIFACTS"


@pytest.fixture
def seeded(session: Session) -> Session:
    """Seven practices of region 'oracle' with random but realistic contacts, referrals and
    hours from 2023 to 2025 (tests/kpi/test_oracle.py)."""
    seed(session)
    return session


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where rendered pages are kept for CI to publish ($POHCONNECT_TEST_ARTIFACTS, else
    tests/artifacts/, which is ignored by git)."""
    base = os.environ.get(ARTIFACTS_ENV)
    root = Path(base) if base else Path(__file__).resolve().parents[1] / "artifacts"
    out = root / "reports"
    out.mkdir(parents=True, exist_ok=True)
    return out
