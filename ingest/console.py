"""Console rendering of imports (rich): a progress bar per file and the summary table.

Used by `pohconnect import`/`pull` and by ``load_paths(…, progress=True)`` (the demo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.loader import ImportReport


def fmt_int(value: int) -> str:
    """A count in Dutch notation: 74712 → '74.712'."""
    return f"{value:,}".replace(",", ".")


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
            fmt_int(r.rows_read),
            fmt_int(r.rows_new),
            fmt_int(r.rows_updated),
            fmt_int(r.rows_unchanged),
            fmt_int(r.rows_rejected),
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


@contextmanager
def progress_bars(console: Console) -> Iterator[Callable[[str], Callable[[str, float], None]]]:
    """Yields ``start(name)`` which adds a bar and returns the loader's progress callback."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:

        def start(name: str) -> Callable[[str, float], None]:
            task = bar.add_task(name, total=1.0)

            def step(stage: str, fraction: float) -> None:
                bar.update(task, completed=fraction, description=f"{name} ({stage})")

            return step

        yield start
