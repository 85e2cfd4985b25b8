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


def warm_kpi_cache(import_ids: list[int] | None = None) -> None:
    """After an import: compute the benchmarks and scorecards of every quarter (and region) the
    import touched in advance, so that the dashboard's pages come from the cache."""
    from api.kpi import jobs

    with console.status("KPI's van de geïmporteerde kwartalen vooraf berekenen …"):
        t0 = time.perf_counter()
        quarters, n = jobs.warm_after_import(import_ids)
    if quarters:
        seconds = f"{time.perf_counter() - t0:.1f}".replace(".", ",")
        console.print(
            f"KPI's van {', '.join(quarters)} vooraf berekend: {n} resultaten in {seconds} s"
        )


@kpi_app.command("invalidate")
def invalidate() -> None:
    """Gooi alle bewaarde KPI-resultaten weg (na een correctie buiten de import om)."""
    from api.kpi import cache
    from models.db import session_scope

    with session_scope() as session:
        cache.invalidate(session)
    console.print("KPI-cache geleegd.")
