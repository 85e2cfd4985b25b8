"""The report as PDF: Jinja2 HTML + print CSS, rendered by WeasyPrint; charts as inline SVG.

Nothing is fetched from the network: the only resources are the inline data: URIs of the
charts (a URL fetcher refuses anything else), and the font is DejaVu Sans from the system.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.reports import charts as ch
from api.reports.model import Report
from api.reports.text import T, fmt_date, fmt_long_date, fmt_num, fmt_pct, t

TEMPLATES = Path(__file__).with_name("templates")
PDF_MEDIA_TYPE = "application/pdf"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def chart_svgs(report: Report) -> dict[str, str]:
    """Every chart of the report as SVG text, keyed by name."""
    lang = report.lang
    svgs = ch.trend_charts(report.trends, lang)
    svgs["funnel"] = (
        ch.funnel_grid(report.funnels, lang, highlight=report.kind == "practice")
        if report.funnels
        else ""
    )
    by_dest: dict[str, list[int]] = {}
    intake_targets = {f.target for f in report.flows if f.unit == "episodes"}
    for f in report.flows:
        if f.unit == "episodes":
            continue
        via = f.source in intake_targets  # the POH node: the target of the intakes
        # a flow hidden by the small-number rule is not drawn (the table says "<10")
        by_dest.setdefault(f.target, [0, 0])[0 if via else 1] += f.value or 0
    drawn = [(k, v[0], v[1]) for k, v in by_dest.items() if v[0] or v[1]]
    hidden = bool(by_dest) and not drawn  # every referral flow hidden: say so, no empty axes
    svgs["flows"] = ch.flows_chart(drawn, lang, hidden=hidden)
    if report.kind == "region":
        svgs["distribution"] = ch.distribution_grid(report.distributions, lang)
    return svgs


def render_html(report: Report, svgs: dict[str, str]) -> str:
    """The report's HTML; charts are referenced as ``chart:NAME`` (see :func:`render_pdf`)."""
    lang = report.lang
    rows = {r.slug: r for sec in report.sections for r in sec.rows}
    outlier_groups: dict[str, list[Any]] = {}
    for o in report.outliers:
        outlier_groups.setdefault(o.slug, []).append(o)
    template = _env().get_template(f"{report.kind}.html.j2")
    title = (
        f"{t(lang, 'practice_report' if report.kind == 'practice' else 'region_report')} "
        f"{report.quarter} – {report.title}"
    )
    return template.render(
        report=report,
        T=T[lang],
        css=_css(),
        charts={k: (f"chart:{k}" if v else "") for k, v in svgs.items()},
        doc_title=title,
        outlier_groups=list(outlier_groups.items()),
        versions=t(
            lang,
            "dq_versions",
            engine=report.quality.engine_version,
            data=report.quality.data_version or "–",
            when=f"{fmt_date(report.generated_at, lang)} {report.generated_at:%H:%M}",
        ),
        num=lambda v, d=0: fmt_num(v, d, lang),
        pct=lambda v, d=0: fmt_pct(v, d, lang),
        date=lambda v: fmt_date(v, lang),
        long_date=lambda v: fmt_long_date(v, lang),
        scorecard_title=lambda s: rows[s].title if s in rows else "",
        scorecard_text=lambda s: rows[s].value_text if s in rows else "–",
        generated=dt.datetime.now,
    )


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a while

    svgs = chart_svgs(report)
    html = render_html(report, svgs)
    return HTML(string=html, url_fetcher=_chart_fetcher(svgs)).write_pdf() or b""


def _chart_fetcher(svgs: dict[str, str]) -> Any:
    """A URL fetcher that serves the report's own charts (``chart:NAME``) and refuses every
    other URL, so that rendering never touches the network or the file system."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = url.removeprefix("chart:")
            if url.startswith("chart:") and svgs.get(name):
                return URLFetcherResponse(
                    url, body=svgs[name].encode("utf-8"), headers={"Content-Type": "image/svg+xml"}
                )
            raise FatalURLFetchingError(f"Het rapport haalt geen externe bronnen op: {url}")

    return ChartFetcher(allowed_protocols={"chart"})
