"""The skeleton every dashboard page shares, written once.

A page declares only what is its own as a :class:`Page`: its path and title, its pickers, the
components below them, how its pickers are filled and what it draws. The skeleton builds the
layout (header, pickers, message area, the page's components, a store holding the URL's query)
and wires the callbacks every page has:

- *fill*: when the page loads, the pickers get their options and starting values (the URL's
  query, else the user's earlier choice, else a default); an unreachable API or a database
  without practices is said in the message area;
- *scope* (optional): a picker whose options follow another one's value (level → selection);
- *remember*: every choice goes into the app-wide selection store, so that the next page (and a
  language switch) starts from it;
- *draw*: the page's figures and tables from the chosen values — its empty state while something
  is not chosen yet, its error state when the API fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, Patch, State, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import normalise_lang, t
from dashboard.lookups import (
    Option,
    data_quarters,
    pick,
    quarter_options,
    region_options,
    wanted,
)

PickerValues = dict[str, Any]


@dataclass(frozen=True)
class Picker:
    """A dropdown above the page's content."""

    id: str
    label: str  # text key of its label
    query: str  # the URL query parameter that presets it (``?period=2025Q3``)
    width: int  # Bootstrap columns out of 12
    searchable: bool = True


@dataclass(frozen=True)
class Start:
    """What a page's pickers start from: the URL's query (the page's init store), the user's
    earlier choices (the selection store) and the language."""

    init: dict[str, Any]
    selection: dict[str, Any]
    lang: str

    def choose(
        self,
        query: str,
        options: list[Option],
        *,
        remembered: str | None = None,
        default: Any = None,
    ) -> Any:
        """The starting value of the picker preset by ``query``: the URL's value or the user's
        earlier choice (stored under ``remembered``, default ``query``) if it is an option, else
        ``default``, else the first option."""
        remembered = remembered or query
        fallback = self.selection.get(remembered) or default
        return pick(wanted(self.init, self.selection, query, remembered), options, fallback)


@dataclass(frozen=True)
class Filled:
    """The pickers' options and starting values (by query parameter) and a message, if any."""

    pickers: dict[str, tuple[list[Option], Any]]
    message: Any = None


@dataclass(frozen=True)
class Scope:
    """A picker whose options follow another picker's value (the level decides what the
    selection lists)."""

    query: str  # the dependent picker (its query parameter)
    follows: str  # the picker it follows
    options: Callable[[ApiClient, str], list[Option]]
    remembered: Callable[[str], str]  # where the choice at a level is kept in the selection store
    # start from the remembered choice when the URL's is not an option (else the first option)
    fall_back_to_remembered: bool = True


@dataclass(frozen=True)
class Context:
    """What a page's drawing gets besides the chosen values."""

    client: ApiClient
    lang: str
    prefix: str  # URL prefix of the dashboard (``/dashboard/``), for links between pages


@dataclass(frozen=True)
class Draw:
    """The page's figures and tables: ``render(context, *values)`` once every picker has a value
    (values in picker order), ``empty(lang)`` until then, ``failed(lang, alert)`` when the API
    raises :class:`ApiError` (without ``failed`` the page handles its errors itself)."""

    outputs: tuple[Output, ...]
    render: Callable[..., tuple[Any, ...]]
    empty: Callable[[str], tuple[Any, ...]]
    failed: Callable[[str, Any], tuple[Any, ...]] | None = None
    prevent_initial_call: bool = False


def remember_as_chosen(values: PickerValues) -> dict[str, Any]:
    """Keep every chosen value in the selection store under its query parameter."""
    return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class Page:
    """One page of the dashboard: what is its own; :meth:`layout` and
    :meth:`register_callbacks` are the skeleton."""

    module: str  # the declaring module's ``__name__`` (Dash Pages' key)
    path: str
    nav_key: str  # text key of its navbar entry
    title: str  # text keys of the header
    lead: str
    pickers: tuple[Picker, ...]
    message: str  # id of the message area
    init: str  # id of the store holding the URL's query
    body: Callable[[str], list[Any]]  # the components below the message area
    fill: Callable[[ApiClient, Start], Filled | None]  # None: no practices imported yet
    draw: Draw
    scope: Scope | None = None
    remember: Callable[[PickerValues], dict[str, Any]] = remember_as_chosen
    # callbacks of the page's own beyond the skeleton's
    callbacks: Callable[[Dash, ApiClient], None] | None = None

    def layout(self, lang: str | None = None, **query: Any) -> html.Div:
        """The page for the URL's query parameters (Dash Pages calls this on navigation)."""
        lang = normalise_lang(lang)
        controls = [
            c.control(
                t(p.label, lang), c.dropdown(p.id, lang, searchable=p.searchable), width=p.width
            )
            for p in self.pickers
        ]
        preset = {p.query: query.get(p.query) for p in self.pickers}
        return html.Div(
            [
                c.page_header(t(self.title, lang), t(self.lead, lang)),
                c.controls_card(controls),
                c.message_area(self.message),
                *self.body(lang),
                dcc.Store(id=self.init, data={"lang": lang, **preset}),
            ]
        )

    def register_callbacks(self, app: Dash, client: ApiClient) -> None:
        self._register_fill(app, client)
        if self.scope is not None:
            self._register_scope(app, client, self.scope)
        self._register_draw(app, client)
        self._register_remember(app)
        if self.callbacks is not None:
            self.callbacks(app, client)

    def _picker(self, query: str) -> Picker:
        return next(p for p in self.pickers if p.query == query)

    def _register_fill(self, app: Dash, client: ApiClient) -> None:
        filled = [p for p in self.pickers if self.scope is None or p.query != self.scope.query]
        outputs = [Output(p.id, prop) for p in filled for prop in ("options", "value")]

        @app.callback(
            *outputs,
            Output(self.message, "children"),
            Input(self.init, "data"),
            State(ids.SELECTION_STORE, "data"),
        )
        def _fill_pickers(init: dict[str, Any] | None, selection: dict[str, Any] | None):
            init, selection = init or {}, selection or {}
            lang = normalise_lang(init.get("lang"))
            nothing = [x for _p in filled for x in ([], None)]
            try:
                result = self.fill(client, Start(init, selection, lang))
            except ApiError as exc:
                return (*nothing, c.error_alert(str(exc), lang))
            if result is None:
                return (*nothing, c.no_practices_alert(lang))
            values = [x for p in filled for x in result.pickers[p.query]]
            return (*values, result.message)

    def _register_scope(self, app: Dash, client: ApiClient, scope: Scope) -> None:
        @app.callback(
            Output(self._picker(scope.query).id, "options"),
            Output(self._picker(scope.query).id, "value"),
            Input(self._picker(scope.follows).id, "value"),
            State(self.init, "data"),
            State(ids.SELECTION_STORE, "data"),
        )
        def _fill_scope(level: str | None, init: dict[str, Any] | None, selection: Any):
            if not level:
                return [], None
            try:
                options = scope.options(client, level)
            except ApiError:
                return [], None
            selection = selection or {}
            remembered = scope.remembered(level)
            default = selection.get(remembered) if scope.fall_back_to_remembered else None
            chosen = wanted(init or {}, selection, scope.query, remembered)
            return options, pick(chosen, options, default)

    def _register_draw(self, app: Dash, client: ApiClient) -> None:
        draw = self.draw
        prefix = app.config.requests_pathname_prefix

        @app.callback(
            *draw.outputs,
            *[Input(p.id, "value") for p in self.pickers],
            State(self.init, "data"),
            prevent_initial_call=draw.prevent_initial_call,
        )
        def _draw(*args: Any):
            *values, init = args
            lang = normalise_lang((init or {}).get("lang"))
            if not all(values):
                return draw.empty(lang)
            if draw.failed is None:
                return draw.render(Context(client, lang, prefix), *values)
            try:
                return draw.render(Context(client, lang, prefix), *values)
            except ApiError as exc:
                return draw.failed(lang, c.error_alert(str(exc), lang))

    def _register_remember(self, app: Dash) -> None:
        @app.callback(
            Output(ids.SELECTION_STORE, "data", allow_duplicate=True),
            *[Input(p.id, "value") for p in self.pickers],
            State(self.init, "data"),
            prevent_initial_call=True,
        )
        def _remember(*args: Any):
            *values, init = args
            patch = Patch()
            patch["lang"] = normalise_lang((init or {}).get("lang"))
            chosen = dict(zip([p.query for p in self.pickers], values, strict=True))
            for key, value in self.remember(chosen).items():
                patch[key] = value
            return patch


def region_period_pickers(region_id: str, period_id: str) -> tuple[Picker, Picker]:
    """The region and period pickers of the Wachttijden and Uren pages (filled by
    :func:`fill_region_period`)."""
    return (
        Picker(region_id, "ctl.region", "region", width=4),
        Picker(period_id, "ctl.period", "period", width=3),
    )


def fill_region_period(client: ApiClient, start: Start) -> Filled | None:
    """The region and period pickers of the Wachttijden and Uren pages."""
    if not client.practices():
        return None
    regions = region_options(client.regions())
    region = start.choose("region", regions)
    quarters = quarter_options(data_quarters(client, region=region), start.lang)
    return Filled(
        {"region": (regions, region), "period": (quarters, start.choose("period", quarters))}
    )
