"""Pull FHIR R4 resources from a FHIR base URL (httpx): paging, retries, incremental.

Fetches Encounter and ServiceRequest searches with the referenced Patient, Practitioner,
PractitionerRole and Organization resources (``_include``), follows ``Bundle.link[next]``,
sends a bearer token, retries 429/5xx and transport errors a bounded number of times with
exponential backoff (honouring ``Retry-After``), and asks only for resources changed since
the last successful pull (``_lastUpdated=gt…``). :func:`pull_fhir` orchestrates a pull: it
reads the bookmark, fetches, and hands the resources to the loader as one FHIR bundle; the
loader writes them and moves the bookmark in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.errors import IngestError
from ingest.loader import load_bytes, record_failure, record_without_rows
from ingest.report import ImportReport, Progress, no_progress
from ingest.settings import get_ingest_settings
from models import ImportBatch, PullState

SEARCHES: dict[str, list[tuple[str, str]]] = {
    "Encounter": [
        ("_include", "Encounter:subject"),
        ("_include", "Encounter:participant"),
        ("_include", "Encounter:service-provider"),
        ("_include:iterate", "PractitionerRole:practitioner"),
        ("_include:iterate", "PractitionerRole:organization"),
    ],
    "ServiceRequest": [
        ("_include", "ServiceRequest:subject"),
        ("_include", "ServiceRequest:requester"),
        ("_include:iterate", "PractitionerRole:practitioner"),
        ("_include:iterate", "PractitionerRole:organization"),
    ],
}
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class PullError(IngestError):
    """The FHIR server could not be read (after the allowed retries)."""


@dataclass(frozen=True)
class PullConfig:
    base_url: str
    token: str | None = None
    resource_types: tuple[str, ...] = ("Encounter", "ServiceRequest")
    page_size: int = 200
    timeout_s: float = 30.0
    max_retries: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    max_pages: int = 100_000


@dataclass
class PullResult:
    entries: list[dict[str, Any]] = field(default_factory=list)  # Bundle entries (fullUrl kept)
    pages: int = 0
    retries: int = 0


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _get(
    client: httpx.Client,
    url: str,
    *,
    params: list[tuple[str, str]] | None,
    config: PullConfig,
    result: PullResult,
    sleep: Callable[[float], None],
) -> dict[str, Any]:
    attempt = 0
    while True:
        reason: str
        wait: float | None = None
        try:
            response = client.get(url, params=params)
        except httpx.TransportError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                try:
                    body = response.json()
                except ValueError as exc:
                    raise PullError(f"FHIR-server gaf geen JSON terug ({url}).") from exc
                if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
                    raise PullError(f"FHIR-server gaf geen Bundle terug ({url}).")
                return body
            if response.status_code in (401, 403):
                raise PullError(
                    f"FHIR-server weigert toegang ({response.status_code}): controleer het "
                    "token (--token of POHCONNECT_FHIR_TOKEN)."
                )
            if response.status_code not in RETRY_STATUS:
                raise PullError(
                    f"FHIR-server antwoordde {response.status_code} op {url}: {response.text[:200]}"
                )
            reason = f"HTTP {response.status_code}"
            wait = _retry_after(response)
        if attempt >= config.max_retries:
            raise PullError(
                f"FHIR-server onbereikbaar na {attempt + 1} pogingen ({reason}) bij {url}."
            )
        delay = wait if wait is not None else config.backoff_s * (2**attempt)
        sleep(min(delay, config.max_backoff_s))
        attempt += 1
        result.retries += 1


def fetch(
    config: PullConfig,
    *,
    since: dt.datetime | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[int], None] | None = None,
) -> PullResult:
    """All matching resources (and their includes), de-duplicated by type and id."""
    headers = {"Accept": "application/fhir+json"}
    if config.token:
        headers["Authorization"] = f"Bearer {config.token}"
    own = client is None
    http = client or httpx.Client(timeout=config.timeout_s, follow_redirects=True)
    http.headers.update(headers)
    result = PullResult()
    seen: dict[str, dict[str, Any]] = {}
    try:
        for rtype in config.resource_types:
            params: list[tuple[str, str]] | None = [
                ("_count", str(config.page_size)),
                *SEARCHES.get(rtype, []),
            ]
            if since is not None:
                stamp = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                params.append(("_lastUpdated", f"gt{stamp}"))
            url: str | None = f"{config.base_url.rstrip('/')}/{rtype}"
            while url is not None:
                if result.pages >= config.max_pages:
                    raise PullError(f"Meer dan {config.max_pages} pagina's; pull afgebroken.")
                bundle = _get(http, url, params=params, config=config, result=result, sleep=sleep)
                result.pages += 1
                if on_page:
                    on_page(result.pages)
                for entry in bundle.get("entry") or []:
                    resource = entry.get("resource")
                    if isinstance(resource, dict) and resource.get("resourceType"):
                        key = f"{resource['resourceType']}/{resource.get('id')}"
                        seen[key] = {"fullUrl": entry.get("fullUrl"), "resource": resource}
                url = next(
                    (
                        link.get("url")
                        for link in bundle.get("link") or []
                        if link.get("relation") == "next"
                    ),
                    None,
                )
                params = None  # the next link carries the query
    finally:
        if own:
            http.close()
    result.entries = list(seen.values())
    return result


# ------------------------------------------------------------------------------ the pull


def pull_fhir(
    session: Session,
    *,
    config: PullConfig,
    full: bool = False,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
) -> ImportReport:
    """Fetch Encounters and ServiceRequests changed since the last successful pull of this
    base URL (everything when ``full``), load them as one file, and move the bookmark in the
    same transaction. A failed pull leaves the bookmark where it was."""
    get_ingest_settings().pseudonym_key_bytes()  # refuses to run without a key
    source = config.base_url.rstrip("/")
    state = session.scalar(select(PullState).where(PullState.source == source))
    since = None if full or state is None else state.last_success_at
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC
    started = dt.datetime.now(dt.UTC)
    filename = f"FHIR-pull {source}"[:500]
    step = progress or no_progress
    try:
        result = fetch(
            config,
            since=since,
            client=client,
            sleep=sleep,
            on_page=lambda n: step(f"ophalen, pagina {n}", 0.05),
        )
    except IngestError as exc:
        report = ImportReport(
            filename=filename,
            kind="gemengd",
            source_format="fhir",
            status="running",
            message=exc.message,
        )
        exc.report = record_failure(session, report, sha="", user_id=None)
        raise
    pull_details = {
        "pages": result.pages,
        "retries": result.retries,
        "resources": len(result.entries),
        "since": since.isoformat() if since else None,
    }

    def bookmark(session: Session, batch: ImportBatch) -> None:
        batch.details = {**(batch.details or {}), "pull": pull_details}
        current = session.scalar(select(PullState).where(PullState.source == source))
        if current is None:
            current = PullState(source=source)
            session.add(current)
        current.last_success_at = started
        current.last_import_id = batch.id

    kinds = {e["resource"].get("resourceType") for e in result.entries}
    if not kinds & {"Encounter", "ServiceRequest"}:  # nothing changed since the last pull
        return record_without_rows(
            session,
            filename=filename,
            kind="gemengd",
            source_format="fhir",
            message="Geen nieuwe of gewijzigde gegevens.",
            before_commit=bookmark,
        )
    entries = [{k: v for k, v in e.items() if v is not None} for e in result.entries]
    data = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()
    del result
    return load_bytes(session, data, filename=filename, progress=progress, before_commit=bookmark)
