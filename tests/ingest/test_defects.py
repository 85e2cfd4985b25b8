"""Import defects of issue 12, each with its input file (tests/fixtures/ingest/defects/, written
by make_fixtures.py) and the exact expectation: the message, the counts, and the database
unchanged or changed as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.loader import load_file
from models import Practice

DEFECTS = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "defects"


@pytest.fixture
def defects() -> Path:
    return DEFECTS


def test_practice_ids_follow_the_file_order(session: Session, defects: Path) -> None:
    path = defects / "praktijken_30.csv"
    r = load_file(session, path)
    assert (r.rows_read, r.rows_new) == (30, 30)
    in_file = [line.split(";")[0] for line in path.read_text().splitlines()[1:]]
    by_id = session.scalars(
        select(Practice.agb).where(Practice.agb.in_(in_file)).order_by(Practice.id)
    ).all()
    assert by_id == in_file
