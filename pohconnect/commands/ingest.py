"""`pohconnect import` and `pohconnect pull fhir`: files and FHIR pulls into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.errors import IngestError
from ingest.loader import ImportReport

pull_app = typer.Typer(help="Gegevens ophalen bij een bron (FHIR).", no_args_is_help=True)


def _console() -> Console:
    return Console(stderr=False, highlight=False)


def _require_key(console: Console) -> None:
    from ingest.settings import require_pseudonym_key

    try:
        require_pseudonym_key()
    except IngestError as exc:
        console.print(f"[red]Fout:[/red] {exc.message}")
        raise typer.Exit(2) from exc


def _period(r: ImportReport) -> str:
    if r.period_start is None:
        return "–"
    return f"{r.period_start:%d-%m-%Y} t/m {r.period_end:%d-%m-%Y}"


def summary_table(reports: list[ImportReport]) -> Table:
    table = Table(title="Importverslag", show_lines=False)
    for name, justify in (
        ("Bestand", "left"),
        ("Soort", "left"),
        ("Status", "left"),
        ("Gelezen", "right"),
        ("Nieuw", "right"),
        ("Bijgewerkt", "right"),
        ("Ongewijzigd", "right"),
        ("Geweigerd", "right"),
        ("Periode", "left"),
        ("Praktijken", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in reports:
        status = "[green]ok[/green]" if r.status == "committed" else "[red]mislukt[/red]"
        table.add_row(
            r.filename,
            r.kind,
            status,
            f"{r.rows_read:,}".replace(",", "."),
            f"{r.rows_new:,}".replace(",", "."),
            f"{r.rows_updated:,}".replace(",", "."),
            f"{r.rows_unchanged:,}".replace(",", "."),
            f"{r.rows_rejected:,}".replace(",", "."),
            _period(r),
            str(len(r.practices)),
        )
    return table


def print_details(console: Console, reports: list[ImportReport]) -> None:
    for r in reports:
        if r.message:
            console.print(f"[red]{r.filename}:[/red] {r.message}")
        if r.unknown_columns:
            console.print(
                f"[yellow]{r.filename}:[/yellow] genegeerde kolommen: "
                + ", ".join(r.unknown_columns)
            )
        for reason, count in list(r.reject_reasons.items())[:8]:
            console.print(f"  {r.filename}: {count}× {reason}")
        for rej in r.rejects[:5]:
            where = f"regel {rej.line}" + (f", kolom {rej.column}" if rej.column else "")
            value = f" ('{rej.value}')" if rej.value is not None else ""
            console.print(f"    {where}{value}: {rej.reason}")


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
    from ingest.loader import _kind_rank, load_file
    from ingest.mapping import load_mapping
    from models.db import session_factory

    console = _console()
    _require_key(console)
    try:
        loaded_mapping = load_mapping(mapping) if mapping else None
    except IngestError as exc:
        console.print(f"[red]Fout:[/red] {exc.message}")
        raise typer.Exit(2) from exc
    ordered = sorted(paths, key=lambda p: (_kind_rank(p, kind, loaded_mapping), str(p)))
    reports: list[ImportReport] = []
    session = session_factory()()
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            for path in ordered:
                task = bar.add_task(f"{path.name}", total=1.0)

                def step(stage: str, fraction: float, task: int = task, name: str = path.name):
                    bar.update(task, completed=fraction, description=f"{name} ({stage})")

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
                    bar.update(task, completed=1.0, description=f"{path.name} (klaar)")
                except IngestError as exc:
                    bar.update(task, description=f"{path.name} (mislukt)")
                    if exc.report is not None:
                        reports.append(exc.report)
                    else:
                        console.print(f"[red]{path.name}:[/red] {exc.message}")
    finally:
        session.close()
    console.print(summary_table(reports))
    print_details(console, reports)
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
    from ingest.loader import pull_fhir
    from ingest.pull import PullConfig
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
