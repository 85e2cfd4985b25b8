"""No graph offers to send its data to Plotly's cloud ("Edit in Chart Studio")."""

from __future__ import annotations

from typing import Any

from dash import dcc

from dashboard.app import PAGES


def _graphs(component: Any) -> list[dcc.Graph]:
    found = [component] if isinstance(component, dcc.Graph) else []
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            found += _graphs(child)
    elif children is not None and not isinstance(children, str | int | float):
        found += _graphs(children)
    return found


TABLE_PAGES = {"/team", "/caseload", "/import"}  # grids and tables, no chart


def test_no_graph_on_any_page_can_send_its_data_to_the_cloud() -> None:
    total = 0
    for page in PAGES:
        for lang in ("nl", "en"):
            graphs = _graphs(page.layout(lang=lang))
            assert graphs or page.path in TABLE_PAGES, page.path
            for graph in graphs:
                config = graph.config
                assert config["showSendToCloud"] is False, (page.path, graph.id)
                assert config["showEditInChartStudio"] is False, (page.path, graph.id)
                assert "sendDataToCloud" in config["modeBarButtonsToRemove"], graph.id
                assert config["displaylogo"] is False
                total += 1
    assert total >= 2 * 9  # every chart of the six pages, in both languages
