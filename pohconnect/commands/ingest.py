"""`pohconnect import` and `pohconnect pull fhir`: files and FHIR pulls into the database."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ingest.errors import IngestError
from pohconnect.commands.kpi import warm_kpi_cache

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.loader import ImportReport

pull_app = typer.Typer(help="Gegevens ophalen bij een bron (FHIR).", no_args_is_help=True)


def _console() -> Console:
    from ingest.console import make_console

    return make_console()


def _require_key(console: Console) -> None:
    from ingest.settings import require_pseudonym_key

    try:
        require_pseudonym_key()
    except IngestError as exc:
        console.print(f"[red]Fout:[/red] {exc.message}")
        raise typer.Exit(2) from exc


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service stop, `kill`) ends the import as Ctrl-C does: the file being
    imported is rolled back and recorded as failed, its scratch files removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        from ingest.errors import ImportInterrupted

        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up is not interrupted
        raise ImportInterrupted("SIGTERM")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def import_files(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Exportbestanden (CSV, XLSX of FHIR-JSON).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Soort: praktijken, contacten, verwijzingen of uren "
            "(standaard: herkend aan de kolomkoppen).",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="Toewijzingsbestand (TOML) voor een andere indeling.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Werkblad van een XLSX (standaard het eerste).")
    ] = None,
) -> None:
    """Importeer exportbestanden: praktijken, contacten, verwijzingen en uren.

    Bestanden worden in de volgorde praktijken → contacten → verwijzingen → uren geladen;
    elk bestand in één transactie, met een importverslag."""
    from ingest.console import print_details, progress_bars, summary_table
    from ingest.loader import load_file, ordered_paths
    from ingest.mapping import load_mapping
    from models.db import session_factory

    console = _console()
    _require_key(console)
    try:
        loaded_mapping = load_mapping(mapping) if mapping else None
    except IngestError as exc:
        console.print(f"[red]Fout:[/red] {exc.message}")
        raise typer.Exit(2) from exc
    ordered = ordered_paths(paths, kind=kind, mapping=loaded_mapping)
    reports: list[ImportReport] = []
    session = session_factory(write=True)()
    try:
        with _sigterm_as_interrupt(), progress_bars(console) as start:
            for path in ordered:
                step = start(path.name)
                try:
                    reports.append(
                        load_file(
                            session,
                            path,
                            kind=kind,
                            mapping=loaded_mapping,
                            progress=step,
                            sheet=sheet,
                        )
                    )
                except IngestError as exc:
                    step("mislukt", 0.0)
                    if exc.report is not None:
                        reports.append(exc.report)
                    else:
                        console.print(f"[red]{path.name}:[/red] {exc.message}")
                except Exception as exc:  # an internal error: recorded as failed, go on
                    step("mislukt", 0.0)
                    console.print(
                        f"[red]{path.name}:[/red] import afgebroken door een interne fout "
                        f"({type(exc).__name__}): {exc}"
                    )
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the file's import is rolled back
        from ingest.errors import ImportInterrupted

        how = exc.signal_name if isinstance(exc, ImportInterrupted) else "Ctrl-C"
        console.print(
            f"[red]Import onderbroken ({how}):[/red] het bestand dat bezig was is "
            "teruggedraaid en als mislukt vastgelegd; eerdere bestanden zijn opgeslagen."
        )
        raise typer.Exit(143 if how == "SIGTERM" else 130) from exc
    finally:
        session.close()
    console.print(summary_table(reports))
    print_details(console, reports)
    if any(r.status == "committed" for r in reports):
        warm_kpi_cache([r.import_id for r in reports if r.status == "committed" and r.import_id])
    if any(r.status != "committed" for r in reports) or len(reports) < len(paths):
        raise typer.Exit(1)


@pull_app.command("fhir")
def pull_fhir_command(
    url: Annotated[str, typer.Argument(help="FHIR-basis-URL, bijv. https://his.example/fhir")],
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="POHCONNECT_FHIR_TOKEN", help="Bearer-token.", show_envvar=True
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--volledig/--incrementeel",
            help="Alles ophalen, of alleen wat "
            "sinds de laatste geslaagde pull is gewijzigd (standaard).",
        ),
    ] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Time-out per verzoek (s).")] = 30.0,
    retries: Annotated[
        int, typer.Option("--pogingen", help="Extra pogingen bij 429/5xx of time-outs.")
    ] = 4,
    page_size: Annotated[int, typer.Option("--paginagrootte", help="_count per pagina.")] = 200,
) -> None:
    """Haal contacten (Encounter) en verwijzingen (ServiceRequest) op bij een FHIR-server."""
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    from ingest.console import print_details, summary_table
    from ingest.pull import PullConfig, pull_fhir
    from models.db import session_factory

    console = _console()
    _require_key(console)
    config = PullConfig(
        base_url=url, token=token, timeout_s=timeout, max_retries=retries, page_size=page_size
    )
    session = session_factory()()
    try:
        with Progress(
            TextColumn("{task.description}"), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task(f"FHIR-pull {url}", total=None)

            def step(stage: str, _fraction: float) -> None:
                bar.update(task, description=f"FHIR-pull {url} ({stage})")

            try:
                report = pull_fhir(session, config=config, full=full, progress=step)
            except IngestError as exc:
                console.print(f"[red]Fout:[/red] {exc.message}")
                raise typer.Exit(1) from exc
    finally:
        session.close()
    console.print(summary_table([report]))
    print_details(console, [report])
    if report.status == "committed":
        warm_kpi_cache([report.import_id] if report.import_id else None)
