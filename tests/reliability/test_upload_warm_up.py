"""An upload's KPI warm-up runs beside the server, not in the upload's write transaction.

Found by the browser test of the Import page: on SQLite the upload's request session holds the
write lock until FastAPI ends it, which is after the request's background tasks. The warm-up ran
as that background task, so the next upload waited for the write lock until the 60 s lock
timeout (and the warm-up's own cache writes failed on it). Against the running server, as the
Import page sends files: one upload right after another."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from tests.dashboard.conftest import _server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def test_a_second_upload_does_not_wait_for_the_first_ones_warm_up() -> None:
    import migrations
    from api.auth.tokens import issue_token
    from models import KpiCacheEntry, User, UserScope
    from models.db import make_engine
    from tests.factories import make_practice, make_region

    tmp = Path(tempfile.mkdtemp(prefix="pohconnect-upload-"))
    url = f"sqlite:///{tmp / 'upload.sqlite3'}"
    try:
        migrations.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            make_practice(session, agb="01000001", region=make_region(session, slug="r-upload"))
            user = User(username="upload-beheer", display_name="B", role="beheerder")
            user.is_active = True
            user.scopes.append(UserScope(level="all", key="visible"))
            session.add(user)
            session.commit()
            token = issue_token(user.id).token
        with _server(url) as base:
            headers = {"Authorization": f"Bearer {token}"}
            # a liveness bound well under the 60 s write-lock timeout the second upload hit
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:

                def upload(name: str) -> httpx.Response:
                    data = (FIXTURES / name).read_bytes()
                    return client.post("/api/v1/imports", files={"file": (name, data)})

                assert upload("bad_rows.csv").status_code == 201
                refused = upload("garbage.bin")  # at once, as the Import page sends it
                assert refused.status_code == 422, refused.text
                assert "niet herkend" in refused.json()["detail"]
                assert upload("bad_rows.csv").status_code == 201  # a re-import: unchanged
            # and the warm-up itself stored its results (it failed on the lock before)
            deadline = time.monotonic() + 60
            with Session(engine) as session:
                while not session.query(KpiCacheEntry).filter_by(kind="scorecard").count():
                    assert time.monotonic() < deadline, "the upload's warm-up stored nothing"
                    time.sleep(0.5)
                    session.rollback()
        engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
