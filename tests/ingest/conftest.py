from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from ingest.loader import ImportReport, load_file
from ingest.settings import get_ingest_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def key() -> bytes:
    return get_ingest_settings().pseudonym_key_bytes()


@pytest.fixture
def practices(session: Session) -> ImportReport:
    """The sample practices (01000001, 01000002 in Regio West; 01000003 in Regio Oost)."""
    return load_file(session, FIXTURES / "praktijken.csv")
