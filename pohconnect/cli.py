"""The `pohconnect` command line.

Starting it must be instant (``pohconnect --help``): the command modules import only typer at
module level and bring in the loader, polars, FastAPI or the server inside the command that uses
them. A test (tests/commands/test_cli_startup.py) checks that importing this module loads none
of them.
"""

from __future__ import annotations

import importlib

import typer

# Every sub-command, one line each: its name and where it lives ("module:attribute"). A
# ``typer.Typer`` becomes a command group (``pohconnect teams list``), a function a command.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("demo", "pohconnect.commands.demo:demo"),
    ("import", "pohconnect.commands.ingest:import_files"),
    ("pull", "pohconnect.commands.ingest:pull_app"),
    ("teams", "pohconnect.commands.teams:teams_app"),
    ("kpi", "pohconnect.commands.kpi:kpi_app"),
    ("report", "pohconnect.commands.report:report_app"),
    ("serve", "pohconnect.commands.serve:serve"),
    ("users", "pohconnect.commands.users:users_app"),
)

app = typer.Typer(
    name="pohconnect",
    help="POH-Connect: stuurinformatie voor de POH-GGZ.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database beheren.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Doelrevisie.")) -> None:
    """Voer de databasemigraties uit (alembic upgrade)."""
    import migrations
    from models.db import display_url, get_database_settings

    migrations.upgrade(revision=revision)
    typer.echo(f"Database bijgewerkt tot {revision}: {display_url(get_database_settings().url)}")


def register(parent: typer.Typer, name: str, target: str) -> None:
    """Add ``target`` ("module:attribute") to ``parent`` as the command (group) ``name``."""
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if isinstance(command, typer.Typer):
        parent.add_typer(command, name=name)
    else:
        parent.command(name)(command)


for _name, _target in COMMANDS:
    register(app, _name, _target)


if __name__ == "__main__":
    app()
