"""`pohconnect demo`: a synthetic region, imported through the real ingest path, served.

The region is described in docs/demo.md. The demo keeps to a database of its own (an SQLite
file beside, not in, the real one) and the demo pseudonymisation key, so it never mixes with
real data.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from platformdirs import user_data_dir

from pohconnect.demo import DEFAULT_SEED

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def demo_database_url() -> str:
    data_dir = Path(user_data_dir("pohconnect", appauthor=False))
    return f"sqlite:///{data_dir / 'demo.sqlite3'}"


def non_demo_regions(session: Session) -> list[str]:
    """Names of the regions in the database other than the demo region (empty: demo-only).

    Practices are only created by a praktijken import and always belong to a region, and every
    contact, referral, patient and hour row belongs to a practice, so a region other than the
    demo's one is the marker of data that is not the demo's.
    """
    from sqlalchemy import select

    from models import Region
    from pohconnect.demo import REGION_NAME

    stmt = select(Region.name).where(Region.name != REGION_NAME).order_by(Region.name)
    return list(session.scalars(stmt))


DEMO_TEAMS: tuple[tuple[str, str], ...] = (
    ("noord", "Team Noord"),
    ("midden", "Team Midden"),
    ("zuid", "Team Zuid"),
)


def create_demo_teams(session: Session, region_slug: str) -> list[tuple[str, str, int]]:
    """Three teams of the demo region, its practices (by AGB) split into three runs, so that a
    teamleider has a team to look at; ``[(slug, name, practices)]``. A team that exists already
    is left as it is (a second demo run)."""
    from sqlalchemy import select

    from api.org.schemas import TeamCreate
    from api.org.service import create_team
    from models import Practice, Region, Team

    agbs = list(
        session.scalars(
            select(Practice.agb)
            .join(Region, Region.id == Practice.region_id)
            .where(Region.slug == region_slug)
            .order_by(Practice.agb)
        )
    )
    out: list[tuple[str, str, int]] = []
    size = -(-len(agbs) // len(DEMO_TEAMS))  # ceiling: every practice in one team
    for index, (suffix, name) in enumerate(DEMO_TEAMS):
        members = agbs[index * size : (index + 1) * size]
        slug = f"{region_slug}-{suffix}"[:64]
        if not members:
            continue
        if session.scalar(select(Team.id).where(Team.slug == slug)) is None:
            create_team(
                session,
                data=TeamCreate(slug=slug, name=name, region=region_slug, practices=members),
            )
        out.append((slug, name, len(members)))
    return out


def demo(
    out: Path | None = typer.Option(
        None, "--out", help="Schrijf alleen de vier exportbestanden naar deze map (geen import)."
    ),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Start na de import de API en het dashboard."
    ),
    seed: int = typer.Option(DEFAULT_SEED, help="Seed; dezelfde seed geeft dezelfde bestanden."),
    practices: int = typer.Option(25, min=1, help="Aantal praktijken."),
    start: datetime = typer.Option("2024-01-01", formats=["%Y-%m-%d"], help="Eerste dag."),
    end: datetime = typer.Option("2025-12-31", formats=["%Y-%m-%d"], help="Laatste dag."),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="Database voor de demo (standaard een eigen SQLite-bestand, los van echte data).",
    ),
    host: str = typer.Option("127.0.0.1", help="Adres om op te luisteren."),
    port: int = typer.Option(8000, help="Poort."),
) -> None:
    """Genereer een realistische demoregio, importeer die en start API en dashboard."""

    def generate(out_dir: Path):  # type: ignore[no-untyped-def]
        from ingest.console import fmt_int
        from pohconnect.demo import generate_region

        region = generate_region(
            out_dir, seed=seed, n_practices=practices, start=start.date(), end=end.date()
        )
        typer.echo(
            f"{region.name}: {region.n_practices} praktijken, {region.n_pohs} POH's, "
            f"{fmt_int(region.n_contacts)} contacten, {fmt_int(region.n_referrals)} "
            f"verwijzingen, {fmt_int(region.n_hours_rows)} urenregels"
        )
        return region

    if out is not None:
        region = generate(out)
        for kind, path in region.paths.items():
            typer.echo(f"  {kind:<13} {path}")
        return

    if os.environ.get("POHCONNECT_ENVIRONMENT", "").strip().lower() == "production":
        typer.echo(
            "Fout: POHCONNECT_ENVIRONMENT=production: de demo (openbare demosleutel, "
            "synthetische data) draait nooit in productie.",
            err=True,
        )
        raise typer.Exit(1)
    # Settings are read from the environment (and cached), so set them before anything reads.
    os.environ["POHCONNECT_DATABASE_URL"] = database_url or demo_database_url()
    os.environ.setdefault("POHCONNECT_ENVIRONMENT", "demo")

    import migrations
    from ingest.loader import load_paths
    from models.db import display_url, get_database_settings, session_factory, session_scope
    from pohconnect.commands.kpi import warm_kpi_cache

    url = get_database_settings().url
    typer.echo(f"Database: {display_url(url)}")
    migrations.upgrade(url)
    with session_factory()() as session:
        others = non_demo_regions(session)
    if others:
        typer.echo(
            f"Fout: deze database bevat gegevens die geen demodata zijn (regio's: "
            f"{', '.join(others)}). De demo schrijft alleen in een lege database of een eerdere "
            "demodatabase; kies een andere --database-url.",
            err=True,
        )
        raise typer.Exit(1)
    with tempfile.TemporaryDirectory(prefix="pohconnect-demo-") as tmp:
        region = generate(Path(tmp))
        with session_factory(write=True)() as session:
            reports = load_paths(session, list(region.paths.values()), progress=True)
    from api.auth.users import create_demo_users
    from ingest.writers import region_slug

    with session_scope() as session:
        teams = create_demo_teams(session, region_slug(region.name))
        logins = create_demo_users(session, region_slug(region.name))
    typer.echo("Teams: " + ", ".join(f"{name} ({n} praktijken)" for _, name, n in teams))
    warm_kpi_cache([r.import_id for r in reports if r.status == "committed" and r.import_id])
    typer.echo("Inloggen (gebruiker / wachtwoord / rol):")
    for username, role, password in logins:
        typer.echo(f"  {username:<16} {password:<18} {role}")

    if serve:
        from pohconnect.server import run_server

        run_server(host=host, port=port)
