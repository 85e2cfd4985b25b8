"""A worker remembers each caller's KPI answer per data version (api/kpi/answers.py), and what
it read about a token's user for at most ``auth_recheck_seconds`` (api/access.py).

These run on a database file of their own with sessions on the engine, as the server does
(the suite's savepoint sessions bypass both memories: their data changes under one version).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

import migrations
from api.auth.settings import get_auth_settings
from api.kpi import answers, cache, service
from api.kpi.scope import CallerScope
from models import User
from models.db import make_engine
from tests.factories import make_contact, make_patient, make_practice, make_provider, make_region

D = dt.date
SMALL, LARGE = "05000000", "05000001"  # 4 and 12 patients with a POH contact in 2025Q3
REGIO = CallerScope(
    visible_all=False,
    visible=frozenset({("region", "west"), ("practice", SMALL), ("practice", LARGE)}),
)
OWN_SMALL = CallerScope(
    visible_all=False,
    visible=frozenset({("region", "west"), ("practice", SMALL), ("practice", LARGE)}),
    own_practices=frozenset({SMALL}),
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'answers.sqlite3'}"
    migrations.upgrade(url)
    eng = make_engine(url)
    with Session(eng) as s:
        west = make_region(s, slug="west", name="West")
        for agb, n in {SMALL: 4, LARGE: 12}.items():
            practice = make_practice(s, agb=agb, name=f"Praktijk {agb}", region=west)
            poh = make_provider(s, code=f"POH-{agb}", practices=(practice,))
            for j in range(n):
                patient = make_patient(s, practice=practice)
                make_contact(s, patient=patient, provider=poh, date=D(2025, 7, 1 + j))
        s.commit()
    answers.forget()
    yield eng
    answers.forget()
    eng.dispose()


def _patients(engine: Engine, caller: CallerScope) -> tuple[object, object]:
    with Session(engine) as s:
        card = service.get_scorecard(s, agb=SMALL, period="2025Q3", caller=caller)
        item = next(i for i in card.items if i.slug == "poh_patients")
        return card, item.value


def test_an_answer_is_presented_once_per_caller_scope_and_data_version(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    presented: list[CallerScope] = []
    present = service._scorecard

    def counted(session: Session, **kw: object) -> object:
        presented.append(kw["caller"])  # type: ignore[arg-type]
        return present(session, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_scorecard", counted)
    first, masked = _patients(engine, REGIO)
    again, _ = _patients(engine, REGIO)
    assert presented == [REGIO]  # remembered: presented once
    assert again == first and again is not first  # each caller gets a copy of its own
    assert masked is None  # 4 patients outside the caller's own scope: "<10"
    _own, shown = _patients(engine, OWN_SMALL)
    assert presented == [REGIO, OWN_SMALL] and shown == 4  # another scope, another answer
    with Session(engine) as s:
        before = cache.data_version(s)
        cache.bump(s)  # what a team change does
        s.commit()
    with Session(engine) as s:
        assert cache.data_version(s) != before
    fresh, masked_again = _patients(engine, REGIO)
    assert presented == [REGIO, OWN_SMALL, REGIO]  # a new data version: presented afresh
    assert fresh != first and masked_again is None


def test_an_answer_is_remembered_as_the_json_the_api_sends(engine: Engine) -> None:
    """Bytes, which the garbage collector does not walk, equal to FastAPI's serialisation
    of the response model."""
    from fastapi.encoders import jsonable_encoder

    with Session(engine) as s:
        asked = service.ask_scorecard(s, agb=LARGE, period="2025Q3", caller=REGIO)
        data = answers.encoded(s, asked)
        card = answers.answer(s, asked)
    with Session(engine) as s:
        assert answers.encoded(s, asked) is data  # remembered, not built again
    assert not gc.is_tracked(data)
    assert json.loads(data) == jsonable_encoder(card)
    assert [key[1] for key in answers._answers.snapshot()] == [("scorecard", LARGE, "2025Q3")]


def test_an_answer_served_from_an_older_result_is_not_remembered(engine: Engine) -> None:
    calls: list[int] = []

    class Old(BaseModel):
        data_version: str = "ouder"

    def old() -> Old:
        calls.append(1)
        return Old()

    with Session(engine) as s:
        for _ in range(2):
            answers.answer(s, answers.Asked(("proef",), REGIO, old))
    assert len(calls) == 2


def _client(engine: Engine, monkeypatch: pytest.MonkeyPatch, recheck: float):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from api.deps import get_session
    from api.main import create_app
    from tests.auth.conftest import PASSWORD, add_user

    monkeypatch.setenv("POHCONNECT_AUTH_RECHECK_SECONDS", str(recheck))
    get_auth_settings.cache_clear()
    with Session(engine) as s:
        add_user(s, "regio-west", "regio", ("region", "west"))
    app = create_app()

    def _session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    app.dependency_overrides[get_session] = _session
    client = TestClient(app)
    res = client.post("/api/v1/auth/token", data={"username": "regio-west", "password": PASSWORD})
    assert res.status_code == 200, res.text
    client.headers["Authorization"] = f"Bearer {res.json()['access_token']}"
    return client


def test_a_user_changed_by_another_process_is_seen_within_the_recheck_time(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(engine, monkeypatch, recheck=0.5)
    try:
        with client:
            assert client.get("/api/v1/practices").status_code == 200
            # another process disables the account (no flush in this one)
            with engine.begin() as conn:
                conn.execute(
                    update(User).where(User.username == "regio-west").values(is_active=False)
                )
            assert client.get("/api/v1/practices").status_code == 200  # within the recheck time
            time.sleep(0.6)
            res = client.get("/api/v1/practices")
            assert res.status_code == 401
            assert "uitgeschakeld" in res.json()["detail"]
    finally:
        get_auth_settings.cache_clear()


def test_a_logout_in_this_process_takes_effect_at_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(engine, monkeypatch, recheck=60)
    try:
        with client:
            assert client.get("/api/v1/practices").status_code == 200
            assert client.post("/api/v1/auth/logout").status_code in (200, 204)
            res = client.get("/api/v1/practices")
            assert res.status_code == 401
            assert "ingetrokken" in res.json()["detail"]
    finally:
        get_auth_settings.cache_clear()


def test_the_values_of_a_regions_practices_share_one_view_of_its_benchmark(engine: Engine) -> None:
    from api.kpi.scope import ScopeRef

    with Session(engine) as s:
        small = service.get_values(
            s, slug="poh_patients", scope=ScopeRef("practice", SMALL), period="2025Q3", caller=REGIO
        )
        large = service.get_values(
            s, slug="poh_patients", scope=ScopeRef("practice", LARGE), period="2025Q3", caller=REGIO
        )
    assert (small.value, small.value_display) == (None, "<10")
    assert large.value is None  # complementary: with two practices the region total would tell
    views = [key for key in answers._shared.snapshot() if key[1][0] == "caller-benchmark"]
    assert [key[1][1] for key in views] == ["poh_patients"]  # one view for both practices
