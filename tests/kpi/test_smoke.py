from __future__ import annotations

import datetime as dt

from api.kpi import service
from api.kpi.definitions import REGISTRY
from tests.factories import make_contact, make_patient, make_practice, make_provider


def test_every_kpi_computes_for_every_level(session) -> None:  # type: ignore[no-untyped-def]
    practices = [make_practice(session) for _ in range(6)]
    poh = make_provider(session, code="POH1", practices=tuple(practices))
    for i, pr in enumerate(practices):
        for j in range(i + 1):
            pat = make_patient(session, practice=pr)
            make_contact(session, patient=pat, provider=poh, date=dt.date(2025, 7, 1 + j))
    for slug in REGISTRY:
        for level, key in (
            ("practice", practices[0].agb),
            ("provider", "POH1"),
            ("region", "regio-test"),
        ):
            v = service.get_values(
                session, slug=slug, scope=service.ScopeRef(level, key), period="2025Q3"
            )
            assert v.slug == slug
        if REGISTRY[slug].benchmarkable:
            bm = service.get_benchmark(session, slug=slug, region="regio-test", period="2025Q3")
            assert len(bm.practices) == 6
    sc = service.get_scorecard(session, agb=practices[0].agb, period="2025Q3")
    assert sc.items
    v = service.get_values(
        session,
        slug="poh_contacts",
        scope=service.ScopeRef("region", "regio-test"),
        period="2025Q3",
    )
    assert v.value == 21
