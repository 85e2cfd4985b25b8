"""`pohconnect kpi …`: warm or clear the KPI result cache (e.g. from a job after an import)."""

from __future__ import annotations

import time

import typer
from rich.console import Console

kpi_app = typer.Typer(help="KPI-cache beheren.", no_args_is_help=True)
console = Console()


@kpi_app.command("warm")
def warm(
    period: list[str] = typer.Option(
        [],
        "--period",
        "-p",
        help="Periode(n), bv. 2025Q3; standaard het laatste kwartaal met data.",
    ),
    region: list[str] = typer.Option([], "--region", "-r", help="Alleen deze regio('s)."),
) -> None:
    """Bereken alle benchmarks en scorecards vooraf (na een import)."""
    from api.errors import DomainError
    from api.kpi import service
    from models.db import session_scope

    try:
        with session_scope() as session:
            periods = list(period) or [q for q in [service.latest_quarter(session)] if q]
            if not periods:
                console.print("Geen contacten: niets te doen.")
                return
            for p in periods:
                t0 = time.perf_counter()
                n = service.warm_cache(session, period=p, regions=list(region) or None)
                console.print(f"{p}: {n} resultaten in {time.perf_counter() - t0:.1f} s")
    except DomainError as exc:
        console.print(f"[red]Fout:[/red] {exc.detail}")
        raise typer.Exit(1) from exc


def warm_kpi_cache() -> None:
    """After an import: compute the latest quarter's benchmarks and scorecards in advance, so
    that the dashboard's first pages come from the cache."""
    from api.kpi import jobs

    with console.status("KPI's van het laatste kwartaal vooraf berekenen …"):
        t0 = time.perf_counter()
        q, n = jobs.warm_latest_quarter()
    if q is not None:
        console.print(
            f"KPI's van {q} vooraf berekend: {n} resultaten in {time.perf_counter() - t0:.1f} s"
        )


@kpi_app.command("invalidate")
def invalidate() -> None:
    """Gooi alle bewaarde KPI-resultaten weg (na een correctie buiten de import om)."""
    from api.kpi import cache
    from models.db import session_scope

    with session_scope() as session:
        cache.invalidate(session)
    console.print("KPI-cache geleegd.")
