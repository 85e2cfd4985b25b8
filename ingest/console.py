"""Console rendering of imports (rich): a progress bar per file and the summary table.

Only draws: the loader reports through callbacks (ingest.report), and
:class:`ConsoleListener` is the console's :class:`~ingest.report.ImportListener`, used by
``load_paths(…, progress=True)`` (the demo). `pohconnect import`/`pull` use the pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from ingest.report import ImportReport, Progress, ValueChange


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
        if r.values_updated:
            console.print(
                f"[yellow]{r.filename}:[/yellow] {fmt_int(r.values_updated)} opgeslagen "
                f"{'waarde' if r.values_updated == 1 else 'waarden'} bijgewerkt"
            )
        for change in r.value_changes[:5]:
            console.print(f"    {describe_change(change)}")


def describe_change(change: ValueChange) -> str:
    """'regel 3, patiënt: geboortejaar 1970 → 1990'."""
    who = change.entity + (f" {change.key}" if change.key else "")
    return f"regel {change.line}, {who}: {change.column} {change.old} → {change.new}"


def _bars(console: Console) -> RichProgress:
    return RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _starter(bar: RichProgress) -> Callable[[str], Progress]:
    """``start(name)``: adds a bar and returns the loader's progress callback for it."""

    def start(name: str) -> Progress:
        task = bar.add_task(name, total=1.0)

        def step(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"{name} ({stage})")

        return step

    return start


@contextmanager
def progress_bars(console: Console) -> Iterator[Callable[[str], Progress]]:
    """Yields ``start(name)`` which adds a bar and returns the loader's progress callback."""
    with _bars(console) as bar:
        yield _starter(bar)


# Written to a file or pipe (a log, CI), rich would assume 80 columns and cut the import report's
# columns to "Best…"; a log has no width, so give it room for every column.
LOG_WIDTH = 200


def make_console() -> Console:
    """A console for the import output: the terminal's width, or LOG_WIDTH when not a tty."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=LOG_WIDTH)
    return console


class ConsoleListener:
    """A bar per file while a run of imports goes on, then the summary table and details."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or make_console()
        self._bar = _bars(self.console)
        self._start = _starter(self._bar)

    def run_started(self) -> None:
        self._bar.start()

    def file_started(self, name: str) -> Progress:
        return self._start(name)

    def run_finished(self, reports: list[ImportReport]) -> None:
        self._bar.stop()
        self.console.print(summary_table(reports))
        print_details(self.console, reports)
