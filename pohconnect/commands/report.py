"""`pohconnect report …`: quarterly reports (kwartaalrapportage) as PDF and XLSX.

Only typer is imported at module level; the report machinery (WeasyPrint, openpyxl, the KPI
engine) is imported inside the commands, so that `pohconnect --help` stays fast.

A practice's report is made as for that practice itself (its own small counts unmasked, every
other practice under the small-number rule); the region report as for the region organisation
(no practice is its own scope, so practice-level patient counts below 10 show as "<10").
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

report_app = typer.Typer(help="Kwartaalrapportages (PDF en XLSX).", no_args_is_help=True)

QUARTER_HELP = "Kwartaal, bv. 2025Q3; standaard het laatste kwartaal met data."
FORMAT_HELP = "pdf of xlsx; standaard allebei."
OUT_HELP = "Map voor de bestanden (wordt aangemaakt)."
LANG_HELP = "Taal: nl (standaard) of en."


def _formats(fmt: str | None) -> list[str]:
    if fmt is None:
        return ["pdf", "xlsx"]
    if fmt not in ("pdf", "xlsx"):
        raise typer.BadParameter("kies pdf of xlsx", param_hint="--format")
    return [fmt]


def _lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        raise typer.BadParameter("kies nl of en", param_hint="--lang")
    return lang


def _quarter(session: Any, quarter: str | None) -> str:
    from api.kpi import service

    q = quarter or service.latest_quarter(session)
    if not q:
        raise typer.BadParameter("geen contacten in de database en geen --quarter gegeven")
    return q.strip().upper()


def _practice_caller(agb: str) -> Any:
    from api.kpi.service import CallerScope

    return CallerScope(own_practices=frozenset({agb}))


def _region_caller() -> Any:
    from api.kpi.service import CallerScope

    return CallerScope()


def _build(session: Any, kind: str, key: str, quarter: str, lang: str) -> Any:
    """The report of one practice (as the practice itself sees it) or of one region."""
    from api.reports.assemble import build_practice_report, build_region_report

    if kind == "practice":
        caller = _practice_caller(key)
        return build_practice_report(session, agb=key, quarter=quarter, caller=caller, lang=lang)  # type: ignore[arg-type]
    caller = _region_caller()
    return build_region_report(session, region=key, quarter=quarter, caller=caller, lang=lang)  # type: ignore[arg-type]


def _single(
    kind: str, key: str, quarter: str | None, fmt: str | None, out: Path, lang: str
) -> None:
    from rich.console import Console

    from api.errors import DomainError
    from api.reports import service
    from models.db import session_scope

    console = Console()
    formats, lang = _formats(fmt), _lang(lang)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with session_scope() as session:
            q = _quarter(session, quarter)
            report = _build(session, kind, key, q, lang)
        for f in formats:
            r = service.render(report, f)  # type: ignore[arg-type]
            path = out / r.filename
            path.write_bytes(r.body)
            console.print(f"{path} ({len(r.body) / 1024:,.0f} kB)")
    except DomainError as exc:
        console.print(f"[red]Fout:[/red] {exc.detail}")
        raise typer.Exit(1) from exc


@report_app.command("practice")
def practice(
    agb: str = typer.Argument(..., help="AGB-code van de praktijk."),
    quarter: str | None = typer.Option(None, "--quarter", "-q", help=QUARTER_HELP),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(Path("."), "--out", "-o", help=OUT_HELP),
    lang: str = typer.Option("nl", "--lang", help=LANG_HELP),
) -> None:
    """Kwartaalrapportage van één praktijk."""
    _single("practice", agb, quarter, fmt, out, lang)


@report_app.command("region")
def region(
    slug: str = typer.Argument(..., help="Slug van de regio."),
    quarter: str | None = typer.Option(None, "--quarter", "-q", help=QUARTER_HELP),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(Path("."), "--out", "-o", help=OUT_HELP),
    lang: str = typer.Option("nl", "--lang", help=LANG_HELP),
) -> None:
    """Regionale kwartaalrapportage."""
    _single("region", slug, quarter, fmt, out, lang)


# ---- the quarterly batch -------------------------------------------------------------------


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, why)


def _warm_worker() -> None:
    """Import the renderers once per worker process, while the main process reads the data."""
    import weasyprint  # noqa: F401

    import api.reports.pdf
    import api.reports.xlsx  # noqa: F401


def _render_job(report: Any, fmt: str) -> tuple[str, bytes]:
    from api.reports import service

    r = service.render(report, fmt)  # type: ignore[arg-type]
    return r.filename, r.body


def run_batch(
    *,
    quarter: str | None,
    formats: list[str],
    out: Path,
    lang: str,
    regions: list[str] | None,
    jobs: int,
    progress: Any = None,
) -> tuple[str, BatchResult]:
    """Every practice of the region(s) and the region itself. Data are read in this process;
    rendering runs in ``jobs`` worker processes (``jobs <= 1``: in this process). A failure of
    one report is recorded and the batch goes on."""
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor

    from sqlalchemy import select

    from models import Practice, Region
    from models.db import session_scope

    out.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    pool = None
    if jobs > 1:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork"))
        for _ in range(jobs):  # fork the workers now: no database connection or thread yet
            pool.submit(_warm_worker)
    pending: list[tuple[str, str, Future[tuple[str, bytes]] | None, Any]] = []
    task = None
    try:
        with session_scope() as session:
            q = _quarter(session, quarter)
            stmt = select(Region.slug, Region.id).order_by(Region.slug)
            if regions:
                stmt = stmt.where(Region.slug.in_(regions))
            todo: list[tuple[str, str]] = []
            for slug, rid in session.execute(stmt).all():
                agbs = session.scalars(
                    select(Practice.agb).where(Practice.region_id == rid).order_by(Practice.agb)
                ).all()
                todo += [("practice", a) for a in agbs] + [("region", slug)]
        if progress is not None:
            task = progress.add_task(f"Rapportages {q}", total=len(todo) * len(formats))
        for kind, key in todo:
            label = f"{'praktijk' if kind == 'practice' else 'regio'} {key}"
            try:
                # each report in a transaction of its own: the next one sees what this one
                # added to the KPI cache (one snapshot kept over the whole batch would not,
                # and would compute e.g. the region's series once per practice report)
                with session_scope() as session:
                    report = _build(session, kind, key, q, lang)
            except Exception as exc:  # one failed report never stops the batch
                result.failed.append((label, f"{type(exc).__name__}: {exc}"))
                if progress is not None:
                    progress.advance(task, len(formats))
                continue
            for f in formats:
                if pool is not None:
                    pending.append((label, f, pool.submit(_render_job, report, f), None))
                else:
                    pending.append((label, f, None, report))
            _collect(pending, result, out, progress, task, wait=pool is None)
        _collect(pending, result, out, progress, task, wait=True)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return q, result


def _collect(
    pending: list[Any], result: BatchResult, out: Path, progress: Any, task: Any, *, wait: bool
) -> None:
    """Write the documents that are ready (all of them with ``wait``)."""
    keep = []
    for label, fmt, fut, report in pending:
        if fut is not None and not wait and not fut.done():
            keep.append((label, fmt, fut, report))
            continue
        try:
            name, body = fut.result() if fut is not None else _render_job(report, fmt)
            path = out / name
            path.write_bytes(body)
            result.written.append(path)
        except Exception as exc:  # a failed rendering is reported, the batch goes on
            result.failed.append((f"{label} ({fmt})", f"{type(exc).__name__}: {exc}"))
        if progress is not None:
            progress.advance(task)
    pending[:] = keep


@report_app.command("all")
def all_reports(
    quarter: str | None = typer.Option(None, "--quarter", "-q", help=QUARTER_HELP),
    out: Path = typer.Option(Path("."), "--out", "-o", help=OUT_HELP),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    lang: str = typer.Option("nl", "--lang", help=LANG_HELP),
    region: list[str] = typer.Option([], "--region", "-r", help="Alleen deze regio('s)."),
    jobs: int = typer.Option(
        0, "--jobs", "-j", help="Processen voor het opmaken; standaard het aantal cores."
    ),
) -> None:
    """De kwartaalbatch: elke praktijk en de regio, als PDF en XLSX."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    console = Console()
    formats, lang = _formats(fmt), _lang(lang)
    n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    t0 = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        q, result = run_batch(
            quarter=quarter,
            formats=formats,
            out=out,
            lang=lang,
            regions=list(region) or None,
            jobs=n_jobs,
            progress=progress,
        )
    elapsed = time.perf_counter() - t0
    table = Table(title=f"Kwartaalrapportages {q}", show_header=False)
    table.add_row("Geschreven", f"{len(result.written)} bestanden in {out}")
    table.add_row("Mislukt", str(len(result.failed)))
    table.add_row("Tijd", f"{elapsed:.1f} s ({n_jobs} processen)")
    console.print(table)
    for what, why in result.failed:
        console.print(f"[red]Mislukt:[/red] {what}: {why}")
    if result.failed:
        raise typer.Exit(1)
