"""`pohconnect users …`: accounts, roles and grants at the server's command line.

Passwords come from a hidden prompt or from standard input (``--password-stdin``), never from
an argument (which would end up in the shell history and the process list). Every change
writes one audit event with the operating-system user as actor. Heavy modules are imported
inside the commands so that `pohconnect --help` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum

import typer

users_app = typer.Typer(
    help="Gebruikers beheren: rollen, toegang, wachtwoorden.", no_args_is_help=True
)


class RoleOpt(StrEnum):
    poh = "poh"
    huisarts = "huisarts"
    teamleider = "teamleider"
    regio = "regio"
    beheerder = "beheerder"


class AllOpt(StrEnum):
    visible = "visible"
    own = "own"


PRACTICE = typer.Option([], "--practice", help="AGB-code van een praktijk (herhaalbaar).")
PROVIDER = typer.Option([], "--provider", help="Zorgverlenercode van een POH (herhaalbaar).")
TEAM = typer.Option([], "--team", help="Team-slug (herhaalbaar).")
REGION = typer.Option([], "--region", help="Regio-slug (herhaalbaar).")
ALL = typer.Option(
    None, "--all", help="Alleen beheerder: de hele installatie zien (visible) of als eigen (own)."
)
CASELOAD_HELP = (
    "Alleen huisarts: mag de caseloadlijsten (pseudoniemen) van de POH's van de eigen "
    "praktijk(en) zien (elke inzage komt in het auditlog)."
)
PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Lees het wachtwoord van standaardinvoer (één regel)."
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            typer.echo("Fout: geen wachtwoord op standaardinvoer.", err=True)
            raise typer.Exit(1)
        return line
    return typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)


def _run(work):  # type: ignore[no-untyped-def]
    """Run ``work(session)`` in one transaction; a refusal is printed, exit code 1."""
    from api.errors import DomainError
    from models.db import session_scope

    try:
        with session_scope() as session:
            return work(session)
    except DomainError as exc:
        typer.echo(f"Fout: {exc.detail}", err=True)
        raise typer.Exit(1) from exc


def _grants(practice, provider, team, region, all_):  # type: ignore[no-untyped-def]
    from api.auth.users import Grants

    return Grants(
        practices=list(practice),
        providers=list(provider),
        teams=list(team),
        regions=list(region),
        all=all_.value if all_ else None,
    )


def _describe(u) -> str:  # type: ignore[no-untyped-def]
    g = u.grants
    parts = [
        *(f"praktijk {k}" for k in g.practices),
        *(f"zorgverlener {k}" for k in g.providers),
        *(f"team {k}" for k in g.teams),
        *(f"regio {k}" for k in g.regions),
    ]
    if g.all:
        parts.append(f"alles ({g.all})")
    if getattr(u, "caseload_grant", False):
        parts.append("caseloadlijsten")
    return ", ".join(parts) or "-"


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="Gebruikersnaam (kleine letters)."),
    role: RoleOpt = typer.Option(..., "--role", help="poh, huisarts, teamleider, regio, beheerder"),
    practice: list[str] = PRACTICE,
    provider: list[str] = PROVIDER,
    team: list[str] = TEAM,
    region: list[str] = REGION,
    all_: AllOpt | None = ALL,
    display_name: str | None = typer.Option(None, "--name", help="Weergavenaam."),
    grant_caseload: bool = typer.Option(False, "--grant-caseload", help=CASELOAD_HELP),
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Maak een gebruiker met een rol en toegang."""
    from api.audit import Actor
    from api.auth.users import UserCreate, create_user

    password = _password(password_stdin)
    data = UserCreate(
        username=username,
        display_name=display_name,
        role=role.value,
        password=password,
        grants=_grants(practice, provider, team, region, all_),
        caseload_grant=grant_caseload,
    )
    user = _run(lambda s: create_user(s, data=data, actor=Actor.command_line()))
    typer.echo(f"Gebruiker {user.username} ({user.role}) gemaakt; toegang: {_describe(user)}")


@users_app.command("list")
def list_users() -> None:
    """Toon alle gebruikers met rol, status en toegang."""
    from api.auth.users import list_users as service

    result = _run(lambda s: service(s))
    for u in result.items:
        status = "actief" if u.is_active else "uitgeschakeld"
        typer.echo(f"{u.username:<24} {u.role:<11} {status:<13} {_describe(u)}")
    typer.echo(f"{result.total} gebruiker(s)")


def _update(username: str, **fields) -> None:  # type: ignore[no-untyped-def]
    from api.audit import Actor
    from api.auth.users import UserUpdate, update_user

    data = UserUpdate(**fields)
    user = _run(lambda s: update_user(s, username=username, data=data, actor=Actor.command_line()))
    status = "actief" if user.is_active else "uitgeschakeld"
    typer.echo(f"{user.username}: {user.role}, {status}; toegang: {_describe(user)}")


@users_app.command("disable")
def disable(username: str) -> None:
    """Schakel een gebruiker uit (inloggen en bestaande tokens worden geweigerd)."""
    _update(username, is_active=False)


@users_app.command("enable")
def enable(username: str) -> None:
    """Schakel een uitgeschakelde gebruiker weer in."""
    _update(username, is_active=True)


@users_app.command("set-role")
def set_role(
    username: str,
    role: RoleOpt = typer.Argument(..., help="De nieuwe rol."),
    practice: list[str] = PRACTICE,
    provider: list[str] = PROVIDER,
    team: list[str] = TEAM,
    region: list[str] = REGION,
    all_: AllOpt | None = ALL,
    grant_caseload: bool | None = typer.Option(
        None, "--grant-caseload/--no-grant-caseload", help=CASELOAD_HELP
    ),
) -> None:
    """Geef een gebruiker een andere rol; met toegangsopties vervangen die de oude toegang.

    Zonder --grant-caseload blijft de toegang tot caseloadlijsten zoals hij was (een andere rol
    dan huisarts verliest hem)."""
    given = any((practice, provider, team, region, all_))
    grants = _grants(practice, provider, team, region, all_) if given else None
    _update(username, role=role.value, grants=grants, caseload_grant=grant_caseload)


@users_app.command("set-password")
def set_password(username: str, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Zet een nieuw wachtwoord; tokens van vóór de wijziging worden geweigerd."""
    _update(username, password=_password(password_stdin))


@users_app.command("token")
def token(
    username: str,
    hours: int = typer.Option(8, min=1, max=24 * 90, help="Geldigheid in uren."),
) -> None:
    """Geef een toegangstoken voor een gebruiker (voor scripts), zonder wachtwoord."""
    from sqlalchemy import select

    from api import audit
    from api.audit import Actor
    from api.auth.tokens import issue_token
    from api.errors import NotFound
    from models import User

    def work(session):  # type: ignore[no-untyped-def]
        user = session.scalar(select(User).where(User.username == username.lower()))
        if user is None or not user.is_active:
            raise NotFound(f"Gebruiker {username} bestaat niet of is uitgeschakeld.")
        issued = issue_token(user.id, ttl_minutes=hours * 60)
        audit.record(
            session,
            action=audit.Action.TOKEN_ISSUE,
            actor=Actor.command_line(),
            resource=f"user:{user.username}",
            detail={"token_id": issued.jti, "expires_at": issued.expires_at.isoformat()},
        )
        return issued

    typer.echo(_run(work).token)
