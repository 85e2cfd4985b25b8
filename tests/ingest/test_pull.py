"""The FHIR pull against a local HTTP server that pages, checks the token and fails now and then.

The server only listens on 127.0.0.1 and is stopped after each test; its failures are
scripted (no randomness), and the client's backoff sleeps are recorded instead of slept.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.pull import PullConfig, PullError, pull_fhir
from models import Contact, ImportBatch, PullState, Referral

TOKEN = "s3cret-token"
MAIN = ("Encounter", "ServiceRequest")


class FakeFhir:
    """Resources by type, scripted failures, and a log of the requests seen."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        self.resources = resources
        for r in self.resources:
            r.setdefault("meta", {})["lastUpdated"] = "2025-05-01T00:00:00Z"
        self.failures: list[tuple[str, int | str]] = []  # (path+query substring, status|"slow")
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def page(self, rtype: str, query: dict[str, list[str]], base: str) -> dict[str, Any]:
        count = int(query.get("_count", ["2"])[0])
        page = int(query.get("_page", ["0"])[0])
        since = next((v[2:] for v in query.get("_lastUpdated", []) if v.startswith("gt")), None)
        main = [
            r
            for r in self.resources
            if r["resourceType"] == rtype and (since is None or r["meta"]["lastUpdated"] > since)
        ]
        chunk = main[page * count : (page + 1) * count]
        includes = [r for r in self.resources if r["resourceType"] not in MAIN] if chunk else []
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(main),
            "entry": [
                {"fullUrl": f"urn:uuid:{r['id']}", "resource": r, "search": {"mode": mode}}
                for rows, mode in ((chunk, "match"), (includes, "include"))
                for r in rows
            ],
            "link": [],
        }
        if (page + 1) * count < len(main):
            nxt = {k: v[0] for k, v in query.items()} | {"_page": str(page + 1)}
            bundle["link"].append({"relation": "next", "url": f"{base}/{rtype}?{urlencode(nxt)}"})
        return bundle


@pytest.fixture
def server(fixtures: Path) -> Iterator[tuple[str, FakeFhir]]:
    doc = json.loads((fixtures / "fhir_bundle.json").read_text())
    fake = FakeFhir([copy.deepcopy(e["resource"]) for e in doc["entry"]])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            with fake.lock:
                fake.requests.append(self.path)
                failure = next((f for f in fake.failures if f[0] in self.path), None)
                if failure is not None:
                    fake.failures.remove(failure)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._send(401, {"resourceType": "OperationOutcome"})
            if failure is not None and failure[1] == "slow":
                time.sleep(2.5)
            elif failure is not None:
                headers = {"Retry-After": "0"} if failure[1] == 429 else {}
                return self._send(int(failure[1]), {"resourceType": "OperationOutcome"}, headers)
            parsed = urlparse(self.path)
            rtype = parsed.path.rstrip("/").split("/")[-1]
            base = f"http://{self.headers['Host']}/fhir"
            self._send(200, fake.page(rtype, parse_qs(parsed.query), base))

        def _send(
            self, code: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/fhir", fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _config(url: str, **kw: Any) -> PullConfig:
    return PullConfig(base_url=url, token=TOKEN, page_size=2, backoff_s=0.5, **kw)


def test_pull_pages_retries_and_increments(session: Session, server, practices) -> None:  # type: ignore[no-untyped-def]
    url, fake = server
    fake.failures = [("_page=1", 503), ("/ServiceRequest", 429)]
    sleeps: list[float] = []
    r = pull_fhir(session, config=_config(url), sleep=sleeps.append)
    assert (r.status, r.rows_read, r.rows_new, r.rows_rejected) == ("committed", 4, 4, 0)
    assert sleeps == [0.5, 0.0]  # backoff for the 503; Retry-After: 0 for the 429
    assert session.scalar(select(func.count()).select_from(Contact)) == 3
    assert session.scalar(select(func.count()).select_from(Referral)) == 1
    batch = session.get(ImportBatch, r.import_id)
    assert batch is not None and batch.details["pull"]["pages"] == 3  # type: ignore[index]
    assert batch.details["pull"]["retries"] == 2  # type: ignore[index]
    state = session.scalar(select(PullState))
    assert state is not None and state.last_import_id == r.import_id
    assert not any("_lastUpdated" in p for p in fake.requests)
    first_requests = len(fake.requests)

    # One encounter changes after the pull: the next pull asks only for what changed.
    enc2 = next(x for x in fake.resources if x.get("id") == "enc-2")
    enc2["length"] = {"value": 50, "code": "min"}
    enc2["meta"]["lastUpdated"] = "2999-01-01T00:00:00Z"
    again = pull_fhir(session, config=_config(url), sleep=sleeps.append)
    assert (again.rows_read, again.rows_new, again.rows_updated, again.rows_unchanged) == (
        1,
        0,
        1,
        0,
    )
    assert all("_lastUpdated=gt" in p for p in fake.requests[first_requests:] if "_page" not in p)
    assert session.scalar(select(Contact.duration_min).where(Contact.source_id == "enc-2")) == 50

    enc2["meta"]["lastUpdated"] = "2000-01-01T00:00:00Z"
    nothing = pull_fhir(session, config=_config(url), sleep=sleeps.append)
    assert (nothing.status, nothing.rows_read) == ("committed", 0)
    assert nothing.message == "Geen nieuwe of gewijzigde gegevens."


def test_pull_gives_up_after_bounded_retries(session: Session, server, practices) -> None:  # type: ignore[no-untyped-def]
    url, fake = server
    fake.failures = [("/Encounter", 503)] * 10
    sleeps: list[float] = []
    with pytest.raises(PullError, match="onbereikbaar na 4 pogingen") as info:
        pull_fhir(session, config=_config(url, max_retries=3), sleep=sleeps.append)
    assert sleeps == [0.5, 1.0, 2.0]
    assert info.value.report is not None and info.value.report.status == "failed"
    assert session.scalar(select(func.count()).select_from(PullState)) == 0
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_pull_retries_a_timeout(session: Session, server, practices) -> None:  # type: ignore[no-untyped-def]
    url, fake = server
    fake.failures = [("/ServiceRequest", "slow")]
    sleeps: list[float] = []
    r = pull_fhir(session, config=_config(url, timeout_s=1.0), sleep=sleeps.append)
    assert (r.rows_new, sleeps) == (4, [0.5])


def test_pull_with_a_wrong_token_is_refused(session: Session, server) -> None:  # type: ignore[no-untyped-def]
    url, _fake = server
    with pytest.raises(PullError, match="weigert toegang \\(401\\)"):
        pull_fhir(session, config=PullConfig(base_url=url, token="fout"), sleep=lambda _s: None)
