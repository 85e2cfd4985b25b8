"""The registry is one declaration per KPI, held to the measure table; the docs follow it."""

from __future__ import annotations

import dataclasses

import pytest

from api.kpi import docs
from api.kpi.declaration import Extra, validate
from api.kpi.definitions import REGISTRY
from api.kpi.measures import BREAKDOWNS, MEASURES, SAMPLES
from models import Base


def test_docs_catalogue_is_generated_from_the_registry() -> None:
    text = docs.DOC.read_text(encoding="utf-8")
    assert docs.render(text) == text, "docs/kpis.md is stale: run python -m api.kpi.docs"
    for slug in REGISTRY:
        assert f"| `{slug}` |" in text


def test_docs_check_flags_a_stale_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "kpis.md"
    text = docs.DOC.read_text(encoding="utf-8")
    stale.write_text(text.replace("| `poh_contacts` |", "| `poh_contactz` |"), encoding="utf-8")
    assert docs.main(["--check", "--path", str(stale)]) == 1
    assert docs.main(["--path", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == text


def test_every_input_column_exists() -> None:
    tables = Base.metadata.tables
    for name, entry in [*MEASURES.items(), *SAMPLES.items(), *BREAKDOWNS.items()]:
        for column in entry.columns:
            table, _dot, field = column.partition(".")
            assert field in tables[table].c, (name, column)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"numerator": "nope"}, "unknown numerator nope"),
        ({"denominator": "nope"}, "unknown denominator nope"),
        ({"sample": "nope"}, "unknown sample nope"),
        ({"extras": (Extra("x", measure="nope"),)}, "extra x: unknown measure nope"),
        ({"extras": (Extra("x"),)}, "extra x: give a statistic or a measure"),
        ({"extras": (Extra("p90", statistic="p90"),)}, "extra p90: unknown statistic, or no"),
        ({"aggregation": "median"}, "a median needs a sample and no denominator"),
        ({"breakdowns": ("nope",)}, "unknown breakdown"),
        ({"norm_low": 2.0, "norm_high": 1.0}, "a norm needs norm_low <= norm_high"),
    ],
)
def test_registry_refuses_what_the_measure_table_cannot_compute(
    change: dict[str, object], message: str
) -> None:
    faulty = dataclasses.replace(REGISTRY["ftf_per_workday"], **change)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        validate((faulty,))


def test_registry_refuses_a_duplicate_slug() -> None:
    definition = REGISTRY["poh_contacts"]
    with pytest.raises(ValueError, match="duplicate slug"):
        validate((definition, definition))


def test_slug_parameter_is_documented_from_the_registry(api_client) -> None:  # type: ignore[no-untyped-def]
    spec = api_client.get("/openapi.json").json()
    for path in ("/api/v1/kpis/{slug}", "/api/v1/kpis/{slug}/series", "/api/v1/benchmarks/{slug}"):
        (slug,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "slug"]
        assert slug["schema"]["enum"] == list(REGISTRY), path
    # an unknown slug is still the service's 404, not a validation error
    res = api_client.get(
        "/api/v1/kpis/nope", params={"level": "region", "id": "x", "period": "2025"}
    )
    assert res.status_code == 404
    assert res.json()["detail"] == "Onbekende KPI 'nope'. Zie GET /api/v1/kpis voor de catalogus."
