"""`pohconnect teams …`: keep the teams of teamleiders (no HIS export carries them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from api.errors import DomainError
    from api.org.schemas import TeamRead

teams_app = typer.Typer(help="Teams beheren (praktijken en POH's van een teamleider).")
console = Console()


def _show(team: TeamRead) -> None:
    console.print(f"[bold]{team.slug}[/bold] — {team.name} (regio: {team.region or '-'})")
    console.print(f"  praktijken: {', '.join(team.practices) or '-'}")
    console.print(f"  POH's: {', '.join(team.providers) or '-'}")


def _fail(exc: DomainError) -> None:
    console.print(f"[red]Fout:[/red] {exc.detail}")
    raise typer.Exit(1)


@teams_app.command("list")
def list_teams(region: str | None = typer.Option(None, help="Alleen deze regio.")) -> None:
    """Toon alle teams."""
    from rich.table import Table

    from api.org import service
    from models.db import session_scope

    with session_scope() as session:
        result = service.list_teams(session, region=region)
    table = Table("slug", "naam", "regio", "praktijken", "POH's")
    for t in result.items:
        table.add_row(t.slug, t.name, t.region or "-", str(len(t.practices)), str(len(t.providers)))
    console.print(table)


@teams_app.command("show")
def show(slug: str) -> None:
    """Toon één team."""
    from api.errors import DomainError
    from api.org import service
    from models.db import session_scope

    try:
        with session_scope() as session:
            _show(service.get_team(session, slug=slug))
    except DomainError as exc:
        _fail(exc)


@teams_app.command("create")
def create(
    slug: str,
    name: str,
    region: str | None = typer.Option(None, help="Regio-slug."),
    practice: list[str] = typer.Option([], "--practice", "-p", help="AGB van een praktijk."),
    provider: list[str] = typer.Option(
        [], "--provider", "-z", help="Zorgverlenercode van een POH."
    ),
) -> None:
    """Maak een team."""
    from api.errors import DomainError
    from api.org import service
    from api.org.schemas import TeamCreate
    from models.db import session_scope

    try:
        with session_scope(write=True) as session:
            team = service.create_team(
                session,
                data=TeamCreate(
                    slug=slug, name=name, region=region, practices=practice, providers=provider
                ),
            )
        _show(team)
    except DomainError as exc:
        _fail(exc)


@teams_app.command("update")
def update(
    slug: str,
    name: str | None = typer.Option(None),
    region: str | None = typer.Option(None),
    practice: list[str] = typer.Option(None, "--practice", "-p", help="Vervangt de praktijken."),
    provider: list[str] = typer.Option(None, "--provider", "-z", help="Vervangt de POH's."),
) -> None:
    """Wijzig een team; opgegeven lijsten vervangen de oude."""
    from api.errors import DomainError
    from api.org import service
    from api.org.schemas import TeamUpdate
    from models.db import session_scope

    fields: dict[str, object] = {}
    if name is not None:
        fields["name"] = name
    if region is not None:
        fields["region"] = region
    if practice:
        fields["practices"] = practice
    if provider:
        fields["providers"] = provider
    try:
        with session_scope(write=True) as session:
            _show(service.update_team(session, slug=slug, data=TeamUpdate(**fields)))
    except DomainError as exc:
        _fail(exc)


@teams_app.command("delete")
def delete(slug: str) -> None:
    """Verwijder een team."""
    from api.errors import DomainError
    from api.org import service
    from models.db import session_scope

    try:
        with session_scope(write=True) as session:
            service.delete_team(session, slug=slug)
        console.print(f"Team {slug} verwijderd.")
    except DomainError as exc:
        _fail(exc)
