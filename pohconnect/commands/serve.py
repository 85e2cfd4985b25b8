"""`pohconnect serve`: API and dashboard in one process."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Adres om op te luisteren."),
    port: int = typer.Option(8000, help="Poort om op te luisteren."),
    workers: int = typer.Option(1, min=1, help="Aantal werkprocessen (deel alleen de database)."),
) -> None:
    """Start de API en het dashboard (zonder migraties; draai eerst `pohconnect db upgrade`)."""
    from ingest.errors import PseudonymKeyMissing
    from ingest.settings import require_pseudonym_key
    from pohconnect.server import run_server

    try:
        require_pseudonym_key()  # the API refuses to start without it: say so plainly
    except PseudonymKeyMissing as exc:
        typer.echo(f"Fout: {exc}", err=True)
        raise typer.Exit(1) from exc
    run_server(host, port, workers=workers)
