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

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dash import Dash, Input, Output, Patch, State, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import link_message, normalise_lang, t
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
    # (query parameter, value) of every value in the URL that is not an option: said in the
    # page's link message, and that picker is left empty (never another practice instead)
    unknown: list[tuple[str, str]] = field(default_factory=list)

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
        ``default``, else the first option. A value that comes from the URL and is not an
        option gives None (and is noted in :attr:`unknown`)."""
        remembered = remembered or query
        fallback = self.selection.get(remembered) or default
        value = wanted(self.init, self.selection, query, remembered)
        if from_link(value, self.init.get(query), options):
            self.unknown.append((query, str(value)))
            return None
        return pick(value, options, fallback)


def from_link(value: Any, linked: Any, options: list[Option]) -> bool:
    """Whether ``value`` is the URL's (``linked``) and not one of the (enabled) options."""
    if not value or value != linked:
        return False
    return value not in [o["value"] for o in options if not o.get("disabled")]


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
                c.message_area(self.link_message),
                c.message_area(self.link_message_scope),
                *self.body(lang),
                dcc.Store(id=self.init, data={"lang": lang, **preset}),
                # the pickers' values in the URL's query (refresh=False: the page is not
                # rebuilt); back/forward changes its search, which refills the pickers
                dcc.Location(id=self.location, refresh=False),
            ]
        )

    @property
    def location(self) -> str:
        """Id of the page's own ``dcc.Location`` (the URL's query string)."""
        return f"{self.init}-url"

    @property
    def link_message(self) -> str:
        """Id of the area that says a value in the link is unknown (filled by *fill*)."""
        return f"{self.message}-link"

    @property
    def link_message_scope(self) -> str:
        """The same for the scope picker (filled by *scope*)."""
        return f"{self.message}-link-scope"

    def register_callbacks(self, app: Dash, client: ApiClient) -> None:
        self._register_fill(app, client)
        if self.scope is not None:
            self._register_scope(app, client, self.scope)
        self._register_draw(app, client)
        self._register_remember(app)
        self._register_url(app)
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
            Output(self.link_message, "children"),
            Input(self.init, "data"),
            State(ids.SELECTION_STORE, "data"),
        )
        def _fill_pickers(init: dict[str, Any] | None, selection: dict[str, Any] | None):
            init, selection = init or {}, selection or {}
            lang = normalise_lang(init.get("lang"))
            nothing = [x for _p in filled for x in ([], None)]
            start = Start(init, selection, lang)
            try:
                result = self.fill(client, start)
            except ApiError as exc:
                return (*nothing, c.error_alert(str(exc), lang), None)
            if result is None:
                return (*nothing, c.no_practices_alert(lang), None)
            values = [x for p in filled for x in result.pickers[p.query]]
            return (*values, result.message, unknown_alert(start.unknown, lang))

    def _register_scope(self, app: Dash, client: ApiClient, scope: Scope) -> None:
        @app.callback(
            Output(self._picker(scope.query).id, "options"),
            Output(self._picker(scope.query).id, "value"),
            Output(self.link_message_scope, "children"),
            Input(self._picker(scope.follows).id, "value"),
            State(self.init, "data"),
            State(ids.SELECTION_STORE, "data"),
        )
        def _fill_scope(level: str | None, init: dict[str, Any] | None, selection: Any):
            if not level:
                return [], None, None
            try:
                options = scope.options(client, level)
            except ApiError:
                return [], None, None
            init, selection = init or {}, selection or {}
            remembered = scope.remembered(level)
            default = selection.get(remembered) if scope.fall_back_to_remembered else None
            chosen = wanted(init, selection, scope.query, remembered)
            # the URL's id is checked at the URL's level (a level the user picks afterwards
            # starts from the remembered or first option)
            if init.get(scope.follows) in (None, level) and from_link(
                chosen, init.get(scope.query), options
            ):
                lang = normalise_lang(init.get("lang"))
                return options, None, unknown_alert([(level, str(chosen))], lang)
            return options, pick(chosen, options, default), None

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

    def _register_url(self, app: Dash) -> None:
        """Every picker writes the URL's query (a new history entry when a value in the URL
        changes, in place when values are only added: the page's first fill), and back/forward
        (the page's ``dcc.Location`` gets the URL's search) refills the pickers from the URL.
        Both in the browser: no request to the server."""
        keys = json.dumps([p.query for p in self.pickers])
        skip = json.dumps(
            [f"{self._picker(self.scope.follows).id}.value"] if self.scope is not None else []
        )
        app.clientside_callback(
            _WRITE_URL.replace("KEYS", keys).replace("SKIP", skip),
            # both, so that the Location does not push its earlier href back
            Output(self.location, "search"),
            Output(self.location, "href"),
            Output(self.link_message, "children", allow_duplicate=True),
            Output(self.link_message_scope, "children", allow_duplicate=True),
            Output(ids.LIVE_URL, "data", allow_duplicate=True),
            *[Input(p.id, "value") for p in self.pickers],
            prevent_initial_call=True,
        )
        app.clientside_callback(
            _READ_URL.replace("KEYS", keys),
            Output(self.init, "data", allow_duplicate=True),
            Input(self.location, "search"),
            State(self.init, "data"),
            *[State(p.id, "value") for p in self.pickers],
            prevent_initial_call=True,
        )


def unknown_alert(unknown: list[tuple[str, str]], lang: str) -> Any:
    """The message for values in the link that are not options (None when there are none)."""
    if not unknown:
        return None
    return html.Div(
        [html.Div(link_message(key, value, lang)) for key, value in unknown],
        className="alert alert-warning mb-3 link-unknown",
        role="alert",
    )


# The pickers' values → the URL (KEYS: the query parameters in picker order; SKIP: the level
# picker, whose change is written once the selection that follows it has its value), and the
# URL as it then is → the live-URL store (what a rebuild for a language switch starts from).
_WRITE_URL = """
function() {
    const keys = KEYS, skip = SKIP, nu = window.dash_clientside.no_update;
    const values = Array.from(arguments).slice(0, keys.length);
    const ctx = window.dash_clientside.callback_context || {};
    const triggered = (ctx.triggered || []).map(t => t.prop_id);
    if (triggered.length && triggered.every(id => skip.includes(id))) {
        return [nu, nu, nu, nu, nu];
    }
    const given = v => v !== null && v !== undefined && v !== '';
    const params = new URLSearchParams(window.location.search);
    let changed = false;
    keys.forEach((key, i) => {
        if (!given(values[i])) { return; }
        const old = params.get(key);
        if (old !== null && old !== String(values[i])) { changed = true; }
        params.set(key, String(values[i]));
    });
    const query = params.toString();
    const search = query ? '?' + query : '';
    const clear = values.every(given) ? [null, null] : [nu, nu];
    // the URL as it is now, for a rebuild of the page in another language (app.live_query)
    const live = {path: window.location.pathname, search: search};
    if (search === window.location.search) { return [nu, nu, ...clear, live]; }
    const url = window.location.pathname + search + window.location.hash;
    if (changed) { window.history.pushState({}, '', url); }
    else { window.history.replaceState(window.history.state, '', url); }
    return [search, window.location.href, ...clear, live];
}
"""

# The URL → the pickers, on back/forward: a new init store when the URL names other values than
# the pickers show (nothing while the page is still filling its pickers).
_READ_URL = """
function(search) {
    const keys = KEYS, nu = window.dash_clientside.no_update;
    const init = arguments[1] || {};
    const values = Array.from(arguments).slice(2, 2 + keys.length);
    if (values.every(v => v === null || v === undefined)) { return nu; }
    const params = new URLSearchParams(search || '');
    const same = keys.every((key, i) => params.get(key) === null || values[i] === null
        || values[i] === undefined || params.get(key) === String(values[i]));
    if (same) { return nu; }
    const data = {lang: init.lang};
    keys.forEach(key => { data[key] = params.get(key); });
    return data;
}
"""


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
