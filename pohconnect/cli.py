"""The `pohconnect` command line."""

from __future__ import annotations

import typer

from pohconnect.commands.demo import demo
from pohconnect.commands.ingest import import_files, pull_app
from pohconnect.commands.kpi import kpi_app
from pohconnect.commands.serve import serve
from pohconnect.commands.teams import teams_app
from pohconnect.commands.users import users_app

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


# Sub-commands of the feature areas register themselves here, one line each.
# (ingest: import/pull · kpi: teams · demo/serve: below)
app.command("demo")(demo)
app.command("import")(import_files)
app.add_typer(pull_app, name="pull")
app.add_typer(teams_app, name="teams")
app.add_typer(kpi_app, name="kpi")
app.command("serve")(serve)
app.add_typer(users_app, name="users")
