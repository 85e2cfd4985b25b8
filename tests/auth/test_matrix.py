"""The role × route matrix: every route of the API, for every role and for a caller who is not
logged in, has an explicit entry here; a route of the app without one (or an entry without a
route) fails. An allowed call succeeds with data limited to the caller's scope; every other call
gets 401, 403 or 404. No answer, allowed or refused, carries an AGB, practice name, zorgverlener
code, team or region from outside the scope, and a refusal carries no count at all.

The world is tests/auth/conftest.py's: region noord with practices A (4 patients), B … and
region zuid with ZUID; POH-A works in A and B (team-a), POH-C in C, POH-Z in ZUID.
The dashboard's pages, menu and pickers per role: tests/auth/test_matrix_dashboard.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.auth.conftest import PASSWORD, PATIENTS, ZUID, A, B, C, login

Q = "2025Q3"
ROLES = ("poh", "huisarts", "teamleider", "regio", "beheerder", "anonymous")
USERNAMES = {
    "poh": "poh-a",
    "huisarts": "ha-a",
    "teamleider": "tl-a",
    "regio": "regio-noord",
    "beheerder": "beheer",
}
NOORD = tuple(PATIENTS)  # the six practices of region noord
PRACTICE_NAMES = {agb: f"Praktijk {agb}" for agb in NOORD} | {ZUID: "Zuiderpraktijk"}
PROVIDERS = ("POH-A", "POH-C", "POH-Z")
TEAMS = {"team-a": "Team A", "team-geheim": "Team Geheim"}


@dataclass(frozen=True)
class Scope:
    """What a role may see in this world: AGBs, provider codes, team and region slugs."""

    practices: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    def outside(self) -> list[str]:
        """Every identifying string of the world that lies outside this scope."""
        out: list[str] = []
        for agb, name in PRACTICE_NAMES.items():
            if agb not in self.practices:
                out += [agb, name]
        out += [code for code in PROVIDERS if code not in self.providers]
        for slug, name in TEAMS.items():
            if slug not in self.teams:
                out += [slug, name]
        if "zuid" not in self.regions:
            out += ['"zuid"', "Regio zuid", '"Zuid"']
        return out


SCOPES: dict[str, Scope] = {
    "poh": Scope(frozenset({A, B}), frozenset({"POH-A"}), regions=frozenset({"noord"})),
    "huisarts": Scope(frozenset({A})),
    "teamleider": Scope(frozenset({A, B}), frozenset({"POH-A"}), frozenset({"team-a"})),
    # regio: the POHs working in the region are named (team members, a practice report's
    # hours), their figures are not theirs (aggregates of practices only: PROBES)
    "regio": Scope(
        frozenset(NOORD), frozenset({"POH-A", "POH-C"}), frozenset({"team-a"}), frozenset({"noord"})
    ),
    "beheerder": Scope(),
    "anonymous": Scope(),
}
# the beheerder's own routes show users (with their grants), imports and the audit log:
# everything there is theirs to see
EVERYTHING = Scope(
    frozenset(PRACTICE_NAMES), frozenset(PROVIDERS), frozenset(TEAMS), frozenset({"zuid"})
)


@dataclass(frozen=True)
class Call:
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, Any] | None = None


@dataclass(frozen=True)
class Expect:
    """One cell of the matrix: the call a role makes and the status it must get; ``check``
    looks at an allowed answer (data limited to the scope); ``sees`` widens what the answer
    may name (the beheerder's own routes)."""

    status: int
    call: Call
    check: Callable[[Any], None] | None = None
    sees: Scope | None = None


def _agbs(field_name: str = "items", key: str = "agb") -> Callable[[set[str]], Callable]:
    def expect(agbs: set[str]) -> Callable[[Any], None]:
        def check(res: Any) -> None:
            assert {p[key] for p in res.json()[field_name]} == agbs

        return check

    return expect


practices_are = _agbs()


def providers_are(codes: set[str]) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        assert {p["code"] for p in res.json()["items"]} == codes

    return check


def teams_are(slugs: set[str]) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        assert {t["slug"] for t in res.json()["items"]} == slugs

    return check


def poh_benchmark(res: Any) -> None:
    rows = res.json()["practices"]
    named = {r["agb"] for r in rows if r["agb"]}
    assert named == {A, B}  # the rest anonymised: "Praktijk A, B, …", no AGB
    assert len(rows) == 6


def value_is(value: float | None, display: str | None = None) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        body = res.json()
        assert body["value"] == value
        if display is not None:
            assert body["value_display"] == display

    return check


def kpi(level: str, key: str, slug: str = "poh_patients") -> Call:
    return Call(f"/api/v1/kpis/{slug}", {"level": level, "id": key, "period": Q})


def values(level: str, key: str) -> Call:
    return Call(
        "/api/v1/values",
        {"slug": ["poh_patients", "poh_contacts"], "level": level, "id": key, "period": Q},
    )


def first_value_is(value: float | None, display: str | None = None) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        first = res.json()["items"][0]["value"]
        assert first["value"] == value
        if display is not None:
            assert first["value_display"] == display

    return check


def members_are(keys: set[str]) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        assert {row["id"] for row in res.json()["rows"]} == keys

    return check


def quality_is(agbs: set[str]) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        assert {p["agb"] for p in res.json()["practices"]} == agbs

    return check


def regions_are(slugs: set[str]) -> Callable[[Any], None]:
    def check(res: Any) -> None:
        assert {r["slug"] for r in res.json()["items"]} == slugs

    return check


def series(level: str, key: str) -> Call:
    return Call("/api/v1/kpis/poh_patients/series", {"level": level, "id": key, "from": Q, "to": Q})


def flows(level: str, key: str) -> Call:
    return Call("/api/v1/referrals/flows", {"level": level, "id": key, "period": Q})


def export_call(level: str, key: str) -> Call:
    table = {"title": "Tabel", "filename": "tabel-2025Q3", "columns": ["Waarde"], "rows": [[1.5]]}
    scope = [{"level": level, "key": key}]
    return Call("/api/v1/exports", {"format": "csv"}, json={**table, "scope": scope})


def report(kind: str, key: str) -> Call:
    return Call(f"/api/v1/reports/{kind}/{key}", {"quarter": Q, "format": "xlsx"})


def per_role(
    default: Expect,
    **cells: Expect,
) -> dict[str, Expect]:
    """A row of the matrix: ``default`` for every role not named (anonymous: always 401)."""
    row = {role: cells.get(role, default) for role in ROLES}
    if "anonymous" not in cells:
        row["anonymous"] = Expect(401, default.call)
    return row


def with_pohs(role: str, *codes: str) -> Scope:
    scope = SCOPES[role]
    return Scope(scope.practices, scope.providers | set(codes), scope.teams, scope.regions)


def only_beheerder(call: Call, status: int = 200, check: Callable | None = None) -> dict:
    return per_role(Expect(403, call), beheerder=Expect(status, call, check, EVERYTHING))


def everyone(call: Call, status: int = 200) -> dict[str, Expect]:
    return per_role(Expect(status, call))


NEW_TEAM = {"slug": "team-nieuw", "name": "Team Nieuw", "region": "noord", "practices": [A]}
CSV = "praktijk_agb;praktijk_naam;regio;peildatum;ingeschreven_patienten\n"
CSV += "09000001;Matrixpraktijk;Matrixregio;01-01-2025;1000\n"


def matrix() -> dict[tuple[str, str], dict[str, Expect]]:
    """Every (method, path) of the app × every role."""
    nf = 404
    return {
        # public
        ("GET", "/health"): per_role(
            Expect(200, Call("/health")), anonymous=Expect(200, Call("/health"))
        ),
        ("GET", "/openapi.json"): per_role(
            Expect(200, Call("/openapi.json")), anonymous=Expect(200, Call("/openapi.json"))
        ),
        **{
            ("GET", path): per_role(Expect(200, Call(path)), anonymous=Expect(200, Call(path)))
            for path in (
                "/docs",
                "/docs/swagger-init.js",
                "/docs/swagger-ui-bundle.js",
                "/docs/swagger-ui.css",
                "/docs/favicon.png",
            )
        },
        # logging in: with the role's own password; anonymous with a wrong one
        ("POST", "/api/v1/auth/token"): {
            **{
                role: Expect(
                    200,
                    Call("/api/v1/auth/token", data={"username": name, "password": PASSWORD}),
                )
                for role, name in USERNAMES.items()
            },
            "anonymous": Expect(
                401,
                Call(
                    "/api/v1/auth/token", data={"username": "poh-a", "password": "fout-fout-fout"}
                ),
            ),
        },
        # OpenID Connect: off in this world, so its routes do not exist for anyone
        **{
            (method, path): per_role(Expect(404, Call(path)), anonymous=Expect(404, Call(path)))
            for method, path in (
                ("GET", "/api/v1/auth/oidc"),
                ("POST", "/api/v1/auth/oidc/start"),
                ("POST", "/api/v1/auth/oidc/token"),
            )
        },
        ("POST", "/api/v1/auth/logout"): everyone(Call("/api/v1/auth/logout"), 204),
        ("GET", "/api/v1/auth/me"): everyone(Call("/api/v1/auth/me")),
        # organisation: lists limited to the scope
        ("GET", "/api/v1/practices"): per_role(
            Expect(200, Call("/api/v1/practices")),
            poh=Expect(200, Call("/api/v1/practices"), practices_are({A, B})),
            huisarts=Expect(200, Call("/api/v1/practices"), practices_are({A})),
            teamleider=Expect(200, Call("/api/v1/practices"), practices_are({A, B})),
            regio=Expect(200, Call("/api/v1/practices"), practices_are(set(NOORD))),
            beheerder=Expect(200, Call("/api/v1/practices"), practices_are(set())),
        ),
        ("GET", "/api/v1/providers"): per_role(
            Expect(200, Call("/api/v1/providers"), providers_are(set())),
            poh=Expect(200, Call("/api/v1/providers"), providers_are({"POH-A"})),
            teamleider=Expect(200, Call("/api/v1/providers"), providers_are({"POH-A"})),
        ),
        ("GET", "/api/v1/quality"): per_role(
            Expect(nf, Call("/api/v1/quality", {"region": "noord"})),
            poh=Expect(200, Call("/api/v1/quality", {"region": "noord"}), quality_is({A, B})),
            huisarts=Expect(200, Call("/api/v1/quality", {"region": "noord"}), quality_is({A})),
            teamleider=Expect(
                200, Call("/api/v1/quality", {"region": "noord"}), quality_is({A, B})
            ),
            regio=Expect(200, Call("/api/v1/quality", {"region": "noord"}), quality_is(set(NOORD))),
        ),
        ("GET", "/api/v1/regions"): per_role(
            Expect(200, Call("/api/v1/regions"), regions_are(set())),
            poh=Expect(200, Call("/api/v1/regions"), regions_are({"noord"})),
            regio=Expect(200, Call("/api/v1/regions"), regions_are({"noord"})),
        ),
        ("GET", "/api/v1/periods"): per_role(
            Expect(200, Call("/api/v1/periods")),
            regio=Expect(200, Call("/api/v1/periods", {"region": "noord"})),
            huisarts=Expect(nf, Call("/api/v1/periods", {"region": "zuid"})),
        ),
        # teams: the beheerder manages them all (no figures)
        ("GET", "/api/v1/teams"): per_role(
            Expect(200, Call("/api/v1/teams"), teams_are(set())),
            teamleider=Expect(200, Call("/api/v1/teams"), teams_are({"team-a"})),
            regio=Expect(200, Call("/api/v1/teams"), teams_are({"team-a"})),
            beheerder=Expect(
                200, Call("/api/v1/teams"), teams_are({"team-a", "team-geheim"}), EVERYTHING
            ),
        ),
        ("GET", "/api/v1/teams/{slug}"): per_role(
            Expect(nf, Call("/api/v1/teams/team-a")),
            teamleider=Expect(200, Call("/api/v1/teams/team-a")),
            regio=Expect(200, Call("/api/v1/teams/team-a")),
            beheerder=Expect(200, Call("/api/v1/teams/team-geheim"), sees=EVERYTHING),
        ),
        ("POST", "/api/v1/teams"): only_beheerder(Call("/api/v1/teams", json=NEW_TEAM), 201),
        ("PATCH", "/api/v1/teams/{slug}"): only_beheerder(
            Call("/api/v1/teams/team-a", json={"name": "Team A"})
        ),
        ("DELETE", "/api/v1/teams/{slug}"): only_beheerder(Call("/api/v1/teams/team-geheim"), 204),
        # figures
        ("GET", "/api/v1/kpis"): everyone(Call("/api/v1/kpis")),
        ("GET", "/api/v1/kpis/{slug}"): per_role(
            Expect(nf, kpi("practice", A)),
            poh=Expect(200, kpi("provider", "POH-A"), value_is(16)),
            huisarts=Expect(200, kpi("practice", A), value_is(4, "4")),
            teamleider=Expect(200, kpi("team", "team-a"), value_is(16)),
            regio=Expect(200, kpi("practice", A), value_is(None, "<10")),
        ),
        ("GET", "/api/v1/values"): per_role(
            Expect(nf, values("practice", A)),
            poh=Expect(200, values("provider", "POH-A"), first_value_is(16)),
            huisarts=Expect(200, values("practice", A), first_value_is(4, "4")),
            teamleider=Expect(200, values("team", "team-a"), first_value_is(16)),
            regio=Expect(200, values("practice", A), first_value_is(None, "<10")),
        ),
        ("GET", "/api/v1/teams/{slug}/overview"): per_role(
            Expect(nf, Call("/api/v1/teams/team-a/overview", {"period": Q})),
            teamleider=Expect(
                200,
                Call("/api/v1/teams/team-a/overview", {"period": Q}),
                members_are({A, B, "POH-A"}),
            ),
            regio=Expect(
                200, Call("/api/v1/teams/team-a/overview", {"period": Q}), members_are({A, B})
            ),
        ),
        ("GET", "/api/v1/kpis/{slug}/series"): per_role(
            Expect(nf, series("practice", A)),
            poh=Expect(200, series("provider", "POH-A")),
            huisarts=Expect(200, series("practice", A)),
            teamleider=Expect(200, series("team", "team-a")),
            regio=Expect(200, series("region", "noord")),
        ),
        ("GET", "/api/v1/benchmarks/{slug}"): per_role(
            Expect(nf, Call("/api/v1/benchmarks/poh_patients", {"region": "noord", "period": Q})),
            poh=Expect(
                200,
                Call("/api/v1/benchmarks/poh_patients", {"region": "noord", "period": Q}),
                poh_benchmark,
            ),
            regio=Expect(
                200, Call("/api/v1/benchmarks/poh_patients", {"region": "noord", "period": Q})
            ),
        ),
        ("GET", "/api/v1/practices/{agb}/scorecard"): per_role(
            Expect(nf, Call(f"/api/v1/practices/{A}/scorecard", {"period": Q})),
            poh=Expect(200, Call(f"/api/v1/practices/{A}/scorecard", {"period": Q})),
            huisarts=Expect(200, Call(f"/api/v1/practices/{A}/scorecard", {"period": Q})),
            teamleider=Expect(200, Call(f"/api/v1/practices/{B}/scorecard", {"period": Q})),
            regio=Expect(200, Call(f"/api/v1/practices/{C}/scorecard", {"period": Q})),
        ),
        ("GET", "/api/v1/referrals/flows"): per_role(
            Expect(nf, flows("practice", A)),
            poh=Expect(200, flows("provider", "POH-A")),
            huisarts=Expect(200, flows("practice", A)),
            teamleider=Expect(200, flows("team", "team-a")),
            regio=Expect(200, flows("region", "noord")),
        ),
        # a practice's report names the POHs working there (their hours): for whoever sees
        # the practice, those POHs are part of it
        ("GET", "/api/v1/reports/practice/{agb}"): per_role(
            Expect(nf, report("practice", A)),
            poh=Expect(200, report("practice", A)),
            huisarts=Expect(200, report("practice", A), sees=with_pohs("huisarts", "POH-A")),
            teamleider=Expect(200, report("practice", A)),
            regio=Expect(200, report("practice", B)),
        ),
        # a POH gets the region's report as the region's benchmark: the others anonymised
        ("GET", "/api/v1/reports/region/{slug}"): per_role(
            Expect(nf, report("region", "noord")),
            poh=Expect(200, report("region", "noord")),
            regio=Expect(200, report("region", "noord")),
        ),
        # patient-level data: a POH's own caseload (a huisarts only with the grant)
        ("GET", "/api/v1/providers/{code}/caseload"): per_role(
            Expect(403, Call("/api/v1/providers/POH-A/caseload", {"period": Q})),
            poh=Expect(200, Call("/api/v1/providers/POH-A/caseload", {"period": Q})),
        ),
        # the generic table export (aggregated tables): every role within its own scope; a
        # scope outside it is as if it did not exist
        ("POST", "/api/v1/exports"): per_role(
            Expect(nf, export_call("region", "noord")),
            poh=Expect(200, export_call("region", "noord")),
            regio=Expect(200, export_call("region", "noord")),
            huisarts=Expect(200, export_call("practice", A)),
            teamleider=Expect(200, export_call("team", "team-a")),
        ),
        # the beheerder's
        ("POST", "/api/v1/imports"): only_beheerder(
            Call(
                "/api/v1/imports",
                data={"kind": "praktijken"},
                files={"file": ("praktijken.csv", CSV.encode(), "text/csv")},
            ),
            201,
        ),
        ("GET", "/api/v1/imports"): only_beheerder(Call("/api/v1/imports")),
        # the import the beheerder just made (rank: after the writes)
        ("GET", "/api/v1/imports/{import_id}"): only_beheerder(Call("/api/v1/imports/{import_id}")),
        ("GET", "/api/v1/users"): only_beheerder(Call("/api/v1/users")),
        ("POST", "/api/v1/users"): only_beheerder(
            Call(
                "/api/v1/users",
                json={"username": "nieuw", "role": "huisarts", "password": PASSWORD + "x"},
            ),
            201,
        ),
        ("GET", "/api/v1/users/{username}"): only_beheerder(Call("/api/v1/users/ha-a")),
        ("PATCH", "/api/v1/users/{username}"): only_beheerder(
            Call("/api/v1/users/ha-a", json={"display_name": "Huisarts A"})
        ),
        ("GET", "/api/v1/audit"): only_beheerder(Call("/api/v1/audit")),
    }


# out-of-scope probes of the named resources: (role → calls that must be 404)
PROBES: dict[str, list[Call]] = {
    "poh": [
        kpi("practice", C),
        kpi("provider", "POH-C"),
        kpi("team", "team-a"),
        kpi("region", "zuid"),
        Call(f"/api/v1/practices/{C}/scorecard", {"period": Q}),
        Call("/api/v1/benchmarks/poh_patients", {"region": "zuid", "period": Q}),
        flows("practice", ZUID),
        report("practice", C),
        report("region", "zuid"),
        Call("/api/v1/providers/POH-C/caseload", {"period": Q}),
        Call("/api/v1/teams/team-geheim"),
    ],
    "huisarts": [
        kpi("practice", B),
        kpi("provider", "POH-A"),
        kpi("region", "noord"),
        Call(f"/api/v1/practices/{B}/scorecard", {"period": Q}),
        flows("practice", C),
        report("practice", ZUID),
        Call("/api/v1/teams/team-a"),
    ],
    "teamleider": [
        kpi("practice", C),
        kpi("provider", "POH-C"),
        kpi("team", "team-geheim"),
        kpi("region", "noord"),
        Call(f"/api/v1/practices/{ZUID}/scorecard", {"period": Q}),
        Call("/api/v1/benchmarks/poh_patients", {"region": "noord", "period": Q}),
        flows("practice", C),
        report("region", "noord"),
        Call("/api/v1/teams/team-geheim"),
    ],
    "regio": [
        kpi("practice", ZUID),
        kpi("provider", "POH-A"),
        kpi("region", "zuid"),
        Call(f"/api/v1/practices/{ZUID}/scorecard", {"period": Q}),
        Call("/api/v1/benchmarks/poh_patients", {"region": "zuid", "period": Q}),
        flows("practice", ZUID),
        report("practice", ZUID),
        report("region", "zuid"),
        Call("/api/v1/teams/team-geheim"),
    ],
    "beheerder": [
        kpi("practice", A),
        kpi("region", "noord"),
        Call(f"/api/v1/practices/{A}/scorecard", {"period": Q}),
        Call("/api/v1/benchmarks/poh_patients", {"region": "noord", "period": Q}),
    ],
    "anonymous": [],
}


def _app_routes() -> set[tuple[str, str]]:
    from fastapi.routing import iter_route_contexts

    from api.main import create_app

    out = set()
    for route in iter_route_contexts(create_app().routes):
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                out.add((method, route.path))
    return out


def test_every_route_has_an_entry_for_every_role() -> None:
    routes, entries = _app_routes(), matrix()
    assert routes - set(entries) == set(), "routes without a matrix entry"
    assert set(entries) - routes == set(), "matrix entries without a route"
    for key, row in entries.items():
        assert set(row) == set(ROLES), key


def _request(client: Any, method: str, call: Call, headers: dict[str, str]) -> Any:
    return client.request(
        method,
        call.path,
        params=call.params,
        json=call.json,
        data=call.data,
        files=call.files,
        headers=headers,
    )


def _named(secret: str, text: str) -> bool:
    """``secret`` as a whole word (POH-C, not POH-Connect)."""
    return re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", text) is not None


def _refused_leaks_nothing(res: Any, call: Call, outside: list[str]) -> None:
    assert res.headers["content-type"].startswith("application/problem+json"), res.text
    asked = [call.path, *call.path.split("/"), *map(str, call.params.values())]
    text = res.text
    for value in sorted(filter(None, asked), key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "", text)
    for secret in outside:
        assert not _named(secret, text), (secret, res.text)
    # no count at all: the only number a refusal carries is its status
    assert set(re.findall(r"\d+", text)) <= {str(res.status_code)}, res.text


def _text(res: Any) -> str:
    """The text of an answer: JSON or CSV as is, an XLSX's sheets and strings, a PDF's bytes."""
    kind = res.headers.get("content-type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(res.content)) as book:
            return "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    if "json" in kind or kind.startswith("text/"):
        return res.text
    return res.content.decode("latin-1")


def _ordered(entries: dict[tuple[str, str], dict[str, Expect]]) -> list[tuple[str, str]]:
    """Reads first, then writes; the logout last (it ends the token)."""

    def rank(key: tuple[str, str]) -> tuple[int, str, str]:
        method, path = key
        if path == "/api/v1/auth/logout":
            return (3, method, path)
        if path == "/api/v1/imports/{import_id}":
            return (2, method, path)
        return (0 if method == "GET" else 1 if method in ("POST", "PATCH") else 2, method, path)

    return sorted(entries, key=rank)


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(client, users, session: Session, role: str) -> None:  # type: ignore[no-untyped-def]
    headers = login(client, USERNAMES[role]) if role != "anonymous" else {}
    entries = matrix()
    failures: list[str] = []
    made = {"import_id": "1"}
    for call in PROBES[role]:
        res = client.get(call.path, params=call.params, headers=headers)
        where = f"{role} probe {call.path} {call.params}"
        if res.status_code != 404:
            failures.append(f"{where}: {res.status_code} != 404: {res.text[:200]}")
            continue
        _refused_leaks_nothing(res, call, SCOPES[role].outside())
    for method, path in _ordered(entries):
        expect = entries[(method, path)][role]
        call = expect.call
        if "{" in call.path:
            call = Call(call.path.format(**made), call.params, call.json, call.data, call.files)
        res = _request(client, method, call, headers)
        if path == "/api/v1/imports" and method == "POST" and res.status_code == 201:
            made["import_id"] = str(res.json()["id"])
        where = f"{role} {method} {call.path} {call.params}"
        if res.status_code != expect.status:
            failures.append(f"{where}: {res.status_code} != {expect.status}: {res.text[:200]}")
            continue
        outside = (expect.sees or SCOPES[role]).outside()
        if res.status_code >= 400:
            _refused_leaks_nothing(res, call, outside)
            continue
        if expect.check is not None:
            expect.check(res)
        if path.startswith("/docs") or path == "/openapi.json":
            continue
        body = _text(res)
        for secret in outside:
            assert not _named(secret, body), (where, secret, body[:300])
    assert not failures, "\n".join(failures)
