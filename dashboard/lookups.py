"""Options for the pickers, all obtained through the API client (nothing read at import)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.client import ApiClient, ApiError
from dashboard.i18n import fmt_period, kpi_title, t
from dashboard.periods import quarter_of, quarters_back
from dashboard.schemas import LEVELS, KpiDefinition, Level, Practice, Region

Option = dict[str, Any]


def region_options(regions: Sequence[Region]) -> list[Option]:
    """The regions the user may see as a whole (``GET /api/v1/regions``), by name: a huisarts
    or teamleider is not offered the region of their practice, whose figures they may not see."""
    return [
        {"label": r.name, "value": r.slug}
        for r in sorted(regions, key=lambda r: (r.name.lower(), r.slug))
    ]


def practice_options(practices: list[Practice]) -> list[Option]:
    return [{"label": f"{p.name} ({p.agb})", "value": p.agb} for p in practices]


def level_options(
    lang: str, levels: Sequence[Level] = LEVELS, *, available: Mapping[Level, bool] | None = None
) -> list[Option]:
    """The level picker: ``levels`` in their own order; a level in ``available`` is greyed out
    when it is False there (e.g. no teams yet)."""
    options: list[Option] = []
    for level in levels:
        option: Option = {"label": t(f"level.{level}", lang), "value": level}
        if available is not None and level in available:
            option["disabled"] = not available[level]
        options.append(option)
    return options


def kpi_options(
    kpis: list[KpiDefinition], lang: str, *, benchmarkable_only: bool = False
) -> list[Option]:
    return [
        {"label": kpi_title(k, lang), "value": k.slug}
        for k in kpis
        if k.benchmarkable or not benchmarkable_only
    ]


def quarter_options(quarters: list[str], lang: str) -> list[Option]:
    return [{"label": fmt_period(q, lang), "value": q} for q in quarters]


def data_quarters(
    client: ApiClient, *, region: str | None = None, today: dt.date | None = None
) -> list[str]:
    """Quarters with contacts, newest first (``GET /api/v1/periods``), so that a picker's first
    option — its default — is the latest quarter with data, the one the KPI cache is warmed for.

    A user who may not see the region as a whole (a huisarts, a teamleider: the API answers
    404) gets the quarters of all data instead. Falls back to the last eight quarters up to
    today when there are none or the API fails.
    """
    found: list[str] = []
    for asked in dict.fromkeys((region, None)):
        try:
            found = list(client.periods(region=asked).quarters)
            break
        except ApiError:
            continue
    if not found:
        return list(reversed(quarters_back(quarter_of(today or dt.date.today()), 8)))
    return list(found)


def wanted(
    init: dict[str, Any], selection: dict[str, Any], key: str, selection_key: str | None = None
) -> Any:
    """The value a picker should start with: the URL's, else the user's earlier choice.

    The URL is always the latest word: every choice is written into it at once, in the browser
    (``page._WRITE_URL``), and a page rebuilt for a language switch reads the URL as it is then
    (``app.live_query``), not as it was when the page was opened. The earlier choices (the
    selection store) are written by a round trip to the server, so right after a link is opened
    they may still be another page's or an earlier visit's: they fill only what the URL leaves
    open.
    """
    return init.get(key) or selection.get(selection_key or key)


def pick(value: Any, options: list[Option], default: Any = None) -> Any:
    """``value`` if it is one of the options, else ``default`` or the first option."""
    values = [o["value"] for o in options]
    if value in values:
        return value
    if default in values:
        return default
    return values[0] if values else None


def _by_2(item: tuple[str, str]) -> str:
    return item[1].lower()
