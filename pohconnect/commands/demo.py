"""`pohconnect demo …`: write the synthetic demo region (docs/demo.md)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from pohconnect.demo import DEFAULT_SEED, generate_region

demo_app = typer.Typer(help="Synthetische demoregio.", no_args_is_help=True)


@demo_app.command("generate")
def generate(
    out_dir: Path = typer.Argument(Path("demo-export"), help="Map voor de vier CSV-bestanden."),
    seed: int = typer.Option(DEFAULT_SEED, help="Seed; dezelfde seed geeft dezelfde bestanden."),
    practices: int = typer.Option(25, min=1, help="Aantal praktijken."),
    start: datetime = typer.Option("2024-01-01", formats=["%Y-%m-%d"], help="Eerste dag."),
    end: datetime = typer.Option("2025-12-31", formats=["%Y-%m-%d"], help="Laatste dag."),
) -> None:
    """Schrijf praktijken, contacten, verwijzingen en uren van de demoregio als CSV."""
    region = generate_region(
        out_dir, seed=seed, n_practices=practices, start=start.date(), end=end.date()
    )
    for kind, path in region.paths.items():
        typer.echo(f"{kind:<13} {path}")
    typer.echo(
        f"{region.name}: {region.n_practices} praktijken, {region.n_pohs} POH's, "
        f"{region.n_contacts} contacten, {region.n_referrals} verwijzingen, "
        f"{region.n_hours_rows} urenregels"
    )
