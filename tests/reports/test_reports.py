"""Every scorecard number in a report equals the API's for the same scope and period: the PDF's
text (pypdf) and the XLSX's cells (openpyxl) against GET …/scorecard and GET /kpis/{slug}.
The PDF's pages are rendered to PNG (pdftoppm) and kept as CI artefacts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.kpi.definitions import REGISTRY
from api.reports.text import SECTIONS
from models import Practice
from tests.reports.conftest import QUARTER, REGION

AGB = "09000003"
PREV, LAST_YEAR = "2024Q4", "2024Q1"
DASH = "–"


def nl(value: float | None, decimals: int) -> str:
    """An independent Dutch rendering of a number: 1234.5 → 1.234,5."""
    if value is None:
        return DASH
    s = f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))
    return s[1:] if s.startswith("-") and set(s[1:]) <= set("0,.") else s


def shown(item: dict[str, Any]) -> str:
    if item.get("suppressed"):
        return item["value_display"]
    return nl(item["value"], REGISTRY[item["slug"]].decimals)


def same(a: Any, b: Any) -> bool:
    """Equal, for numbers to the 16 significant digits that XLSX stores (openpyxl writes
    ``%.16g``; Excel itself keeps 15)."""
    if isinstance(a, float | int) and isinstance(b, float | int):
        return a == pytest.approx(b, rel=1e-15, abs=0)
    return a == b


def report_order(slugs: list[str]) -> list[str]:
    listed = [s for *_x, sec in SECTIONS for s in sec if s in slugs]
    return listed + [s for s in slugs if s not in listed]


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), re.sub(r"[ \t]+", " ", text)


def assert_in_order(text: str, expected: list[tuple[str, str]]) -> None:
    """Each expected row's numbers appear as one run, at the start of a line, in order."""
    pos = 0
    for slug, run in expected:
        m = re.compile(r"(?m)^" + re.escape(run) + r"(?= |$)").search(text, pos)
        assert m is not None, f"{slug}: '{run}' not found after position {pos}"
        pos = m.end()


def render_pngs(body: bytes, name: str, out: Path) -> list[Path]:
    pdf = out / f"{name}.pdf"
    pdf.write_bytes(body)
    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / name)], check=True)
    return sorted(out.glob(f"{name}-*.png"))


def test_practice_report_numbers_equal_the_api(
    seeded: Session, api_client: Any, artifacts_dir: Path
) -> None:
    url = f"/api/v1/reports/practice/{AGB}"
    pdf = api_client.get(url, params={"quarter": QUARTER})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert f"kwartaalrapportage_practice_{AGB}_{QUARTER}.pdf" in pdf.headers["content-disposition"]
    xlsx = api_client.get(url, params={"quarter": QUARTER, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")

    def scorecard(period: str) -> dict[str, dict[str, Any]]:
        r = api_client.get(f"/api/v1/practices/{AGB}/scorecard", params={"period": period})
        assert r.status_code == 200
        return {i["slug"]: i for i in r.json()["items"]}

    cur, prev, last = scorecard(QUARTER), scorecard(PREV), scorecard(LAST_YEAR)
    assert any(i["ranked"] for i in cur.values()), "the seeded quarter must have a benchmark"

    # the PDF: per KPI the run "this quarter, previous, last year, median, P25–P75"
    pages, text = pdf_text(pdf.content)
    assert 4 <= pages <= 8
    expected = []
    for slug in report_order(list(cur)):
        i, d = cur[slug], REGISTRY[slug].decimals
        rng = (
            DASH
            if i["region_p25"] is None
            else (f"{nl(i['region_p25'], d)}–{nl(i['region_p75'], d)}")
        )
        run = " ".join(
            [shown(i), shown(prev[slug]), shown(last[slug]), nl(i["region_median"], d), rng]
        )
        expected.append((slug, run))
    assert_in_order(text, expected)

    # the XLSX: the unrounded numbers themselves
    wb = load_workbook(io.BytesIO(xlsx.content))
    ws = wb["Scorecard"]
    header = [c.value for c in ws[1]]
    col = {h: k for k, h in enumerate(header)}
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(cur)
    for slug, i in cur.items():
        r = rows[slug]
        want = i["value_display"] if i["suppressed"] else i["value"]
        assert same(r[col["Dit kwartaal"]], want), slug
        p = prev[slug]
        assert same(r[col["Vorig kwartaal"]], p["value_display"] if p["suppressed"] else p["value"])
        assert same(r[col["Regio"]], i["region_value"]), slug
        assert same(r[col["Mediaan regio"]], i["region_median"]), slug
        assert same(r[col["P25"]], i["region_p25"]), slug
        assert same(r[col["P75"]], i["region_p75"]), slug
    assert ws.freeze_panes == "A2"
    cell = ws.cell(row=2, column=col["Dit kwartaal"] + 1)
    assert cell.number_format in ("#,##0", "#,##0.0")
    assert "Definities" in wb.sheetnames

    pngs = render_pngs(pdf.content, f"practice_{AGB}_{QUARTER}", artifacts_dir)
    assert len(pngs) == pages
    assert all(p.stat().st_size > 2000 for p in pngs)


def test_region_report_numbers_equal_the_api(
    seeded: Session, api_client: Any, artifacts_dir: Path
) -> None:
    # a practice name that a spreadsheet would take for a formula
    seeded.execute(update(Practice).where(Practice.agb == AGB).values(name="=HYPERLINK(1)"))
    url = f"/api/v1/reports/region/{REGION}"
    pdf = api_client.get(url, params={"quarter": QUARTER, "format": "pdf"})
    assert pdf.status_code == 200, pdf.text
    xlsx = api_client.get(url, params={"quarter": QUARTER, "format": "xlsx"})
    assert xlsx.status_code == 200

    def value(slug: str, period: str) -> dict[str, Any]:
        r = api_client.get(
            f"/api/v1/kpis/{slug}", params={"level": "region", "id": REGION, "period": period}
        )
        assert r.status_code == 200
        return r.json() | {"slug": slug}

    slugs = [s for s, d in REGISTRY.items() if "region" in d.levels]
    pages, text = pdf_text(pdf.content)
    assert 4 <= pages <= 10
    expected = []
    for slug in report_order(slugs):
        runs = [shown(value(slug, q)) for q in (QUARTER, PREV, LAST_YEAR)]
        expected.append((slug, " ".join(runs)))
    assert_in_order(text, expected)

    wb = load_workbook(io.BytesIO(xlsx.content))
    rows = {r[0]: r for r in wb["Scorecard"].iter_rows(min_row=2, values_only=True)}
    for slug in slugs:
        cur, prv = value(slug, QUARTER), value(slug, PREV)
        assert same(rows[slug][3], cur["value_display"] if cur["suppressed"] else cur["value"])
        assert same(rows[slug][4], prv["value_display"] if prv["suppressed"] else prv["value"])
    names = [
        c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert names and all(n == "'=HYPERLINK(1)" for n in names)

    pngs = render_pngs(pdf.content, f"region_{REGION}_{QUARTER}", artifacts_dir)
    assert len(pngs) == pages


def test_english_report(seeded: Session, api_client: Any) -> None:
    r = api_client.get(
        f"/api/v1/reports/practice/{AGB}",
        params={"quarter": QUARTER, "format": "xlsx", "lang": "en"},
    )
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["Summary", "Scorecard"]
    assert wb["Summary"]["A1"].value == f"Quarterly report POH-GGZ {QUARTER}"


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        (f"/api/v1/reports/practice/{AGB}", {"quarter": "2025Q5"}, 422),
        (f"/api/v1/reports/practice/{AGB}", {"quarter": QUARTER, "format": "docx"}, 422),
        ("/api/v1/reports/practice/99999999", {"quarter": QUARTER}, 404),
        ("/api/v1/reports/region/nergens", {"quarter": QUARTER}, 404),
    ],
)
def test_errors_are_problem_json(
    seeded: Session, api_client: Any, url: str, params: dict[str, str], status: int
) -> None:
    r = api_client.get(url, params=params)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == status


def test_caller_is_passed_through(seeded: Session, api_client: Any) -> None:
    from api.access import get_caller_scope
    from api.kpi.service import CallerScope

    api_client.app.dependency_overrides[get_caller_scope] = lambda: CallerScope(
        visible_all=False, visible=frozenset({("practice", "09000000")})
    )
    try:
        r = api_client.get(f"/api/v1/reports/practice/{AGB}", params={"quarter": QUARTER})
        assert r.status_code == 404  # outside the scope: as if it did not exist
        r = api_client.get(f"/api/v1/reports/region/{REGION}", params={"quarter": QUARTER})
        assert r.status_code == 404
    finally:
        api_client.app.dependency_overrides.pop(get_caller_scope)


def test_pdftoppm_is_installed() -> None:
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed for the page images"


def test_a_reader_without_the_practice_as_own_gets_small_flows_hidden(seeded: Session) -> None:
    """The referral flows of a practice outside the reader's own scope follow the small-number
    rule: hidden flows read "<10" in the table and the XLSX and are not drawn."""
    from api.kpi.service import CallerScope
    from api.reports import service as reports
    from api.reports.assemble import build_practice_report

    reader = CallerScope()  # every practice visible, none own
    report = build_practice_report(seeded, agb=AGB, quarter=QUARTER, caller=reader, lang="nl")
    hidden = [f for f in report.flows if f.value is None]
    assert hidden and all(f.display == "<10" for f in hidden)
    assert all(f.value is None or f.value >= 10 for f in report.flows)
    pdf = reports.practice_report(seeded, agb=AGB, quarter=QUARTER, fmt="pdf", caller=reader)
    assert pdf.body[:5] == b"%PDF-"
    xlsx = reports.practice_report(seeded, agb=AGB, quarter=QUARTER, fmt="xlsx", caller=reader)
    sheet = load_workbook(io.BytesIO(xlsx.body))["Verwijsstromen"]
    assert "<10" in [cell.value for cell in sheet["C"]]


def test_flows_chart_says_when_every_flow_is_hidden() -> None:
    """A reader who sees every referral flow hidden gets a sentence, not empty axes."""
    from api.reports.charts import flows_chart

    assert "alle stromen verborgen" in flows_chart([], "nl", hidden=True)
    assert "all flows hidden" in flows_chart([], "en", hidden=True)
    assert "geen data" in flows_chart([], "nl")
    drawn = flows_chart([("GB-GGZ", 12, 0)], "nl")
    assert "GB-GGZ" in drawn and "verborgen" not in drawn
