"""`pohconnect demo`: a synthetic region, imported through the real ingest path, served."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer
from platformdirs import user_data_dir


def _demo_database_url() -> str:
    data_dir = Path(user_data_dir("pohconnect", appauthor=False))
    return f"sqlite:///{data_dir / 'demo.sqlite3'}"


def demo(
    out: Path | None = typer.Option(
        None, "--out", help="Schrijf alleen de exportbestanden naar deze map (geen import)."
    ),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Start na de import de API en het dashboard."
    ),
    seed: int | None = typer.Option(None, help="Seed van de synthetische regio."),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="Database voor de demo (standaard een eigen SQLite-bestand, los van uw echte data).",
    ),
    host: str = typer.Option("127.0.0.1", help="Adres om op te luisteren."),
    port: int = typer.Option(8000, help="Poort."),
) -> None:
    """Genereer een realistische demoregio, importeer die en start het dashboard."""
    from pohconnect.demo import DEFAULT_SEED, generate_region

    seed = DEFAULT_SEED if seed is None else seed
    if out is not None:
        region = generate_region(out, seed=seed)
        typer.echo(f"Demoregio '{region.region_name}' geschreven naar {out}:")
        for kind, path in region.files.items():
            typer.echo(f"  {kind:<13} {path}")
        return

    # The demo runs on its own database with the demo pseudonymisation key, so it never
    # mixes with real data. Settings are read from the environment, so set them first.
    os.environ["POHCONNECT_DATABASE_URL"] = database_url or _demo_database_url()
    os.environ.setdefault("POHCONNECT_ENVIRONMENT", "demo")
    _clear_settings_caches()

    import migrations
    from ingest.loader import load_paths
    from models.db import get_database_settings, session_factory

    url = get_database_settings().url
    typer.echo(f"Database: {url}")
    migrations.upgrade(url)
    with tempfile.TemporaryDirectory(prefix="pohconnect-demo-") as tmp:
        region = generate_region(Path(tmp), seed=seed)
        typer.echo(f"Demoregio '{region.region_name}' gegenereerd; importeren …")
        with session_factory()() as session:
            load_paths(session, list(region.files.values()), progress=True)

    if serve:
        from pohconnect.commands.serve import run_server

        run_server(host=host, port=port)


def _clear_settings_caches() -> None:
    from models.db import get_database_settings, get_engine

    get_database_settings.cache_clear()
    get_engine.cache_clear()
