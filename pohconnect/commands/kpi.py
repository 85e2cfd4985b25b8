"""`pohconnect kpi …`: warm or clear the KPI result cache (e.g. from a job after an import)."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from sqlalchemy import func, select

from api.kpi import cache, service
from api.kpi.errors import KpiError
from api.kpi.periods import quarter
from models import Contact
from models.db import session_scope

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
    try:
        with session_scope() as session:
            periods = list(period)
            if not periods:
                last = session.scalar(select(func.max(Contact.date)))
                if last is None:
                    console.print("Geen contacten: niets te doen.")
                    return
                periods = [quarter(last.year, (last.month + 2) // 3).label]
            for p in periods:
                t0 = time.perf_counter()
                n = service.warm_cache(session, period=p, regions=list(region) or None)
                console.print(f"{p}: {n} resultaten in {time.perf_counter() - t0:.1f} s")
    except KpiError as exc:
        console.print(f"[red]Fout:[/red] {exc.detail}")
        raise typer.Exit(1) from exc


@kpi_app.command("invalidate")
def invalidate() -> None:
    """Gooi alle bewaarde KPI-resultaten weg (na een correctie buiten de import om)."""
    with session_scope() as session:
        cache.invalidate(session)
    console.print("KPI-cache geleegd.")
