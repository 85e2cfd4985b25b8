"""The "Download kwartaalrapportage" buttons of the Praktijk and Regio-overzicht pages.

A click asks the API for the quarterly report of the chosen practice or region and quarter
(``GET /api/v1/reports/{practice|region}/{key}?quarter=&format=pdf|xlsx``) with the logged-in
user's own token, through the dashboard's server (a Dash callback), and hands the file to the
browser with ``dcc.Download``. A spinner shows while the report renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import components as c
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import normalise_lang, t
from dashboard.periods import is_quarter


@dataclass(frozen=True)
class ReportButtons:
    level: Literal["practice", "region"]
    key_picker: str  # id of the practice/region picker
    period_picker: str  # id of the period picker
    init: str  # id of the page's init store (its language)
    pdf: str
    xlsx: str
    download: str
    message: str

    def layout(self, lang: str) -> Any:
        buttons = html.Div(
            [
                html.Span(t("report.title", lang), className="fw-semibold me-3"),
                dbc.Button(
                    t("report.pdf", lang),
                    id=self.pdf,
                    color="primary",
                    size="sm",
                    class_name="me-2",
                    n_clicks=0,
                ),
                dbc.Button(
                    t("report.xlsx", lang),
                    id=self.xlsx,
                    color="primary",
                    outline=True,
                    size="sm",
                    n_clicks=0,
                ),
            ],
            className="d-flex align-items-center flex-wrap",
        )
        spinner = dcc.Loading(
            html.Div([dcc.Download(id=self.download), html.Div(id=self.message)], className="mt-2"),
            custom_spinner=html.Div(
                [dbc.Spinner(size="sm", color="primary"), html.Span(t("report.busy", lang))],
                className="d-flex align-items-center gap-2 small text-muted",
            ),
        )
        return dbc.Card(
            dbc.CardBody([buttons, spinner], className="py-2"),
            className="mb-3 shadow-sm report-download",
        )

    def register(self, app: Dash, client: ApiClient) -> None:
        @app.callback(
            Output(self.download, "data"),
            Output(self.message, "children"),
            Input(self.pdf, "n_clicks"),
            Input(self.xlsx, "n_clicks"),
            State(self.key_picker, "value"),
            State(self.period_picker, "value"),
            State(self.init, "data"),
            prevent_initial_call=True,
        )
        def _download(_pdf: int, _xlsx: int, key: str | None, period: str | None, init: Any):
            lang = normalise_lang((init or {}).get("lang"))
            fmt: Literal["pdf", "xlsx"] = "xlsx" if ctx.triggered_id == self.xlsx else "pdf"
            return download(client, self.level, key, period, fmt, lang)


def download(
    client: ApiClient,
    level: Literal["practice", "region"],
    key: str | None,
    period: str | None,
    fmt: Literal["pdf", "xlsx"],
    lang: str,
) -> tuple[Any, Any]:
    """``dcc.Download`` data for the report, or an alert (no choice yet, an API error)."""
    if not key or not period or not is_quarter(period):
        return no_update, c.error_alert(t("empty.choose", lang), lang)
    try:
        report = client.report(level, key, quarter=period, fmt=fmt, lang=lang)
    except ApiError as exc:
        return no_update, c.error_alert(str(exc), lang)
    data = dcc.send_bytes(report.content, report.filename, type=report.media_type)
    return data, None
