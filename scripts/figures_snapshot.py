"""Every figure the API gives for the demo region, as one JSON file, to compare before and after a
restructuring ("no figure changes").

    python scripts/figures_snapshot.py --database-url sqlite:////tmp/s.db --load --out before.json
    python scripts/figures_snapshot.py --database-url ... --out after.json   # same data, new code
    python scripts/figures_snapshot.py --compare before.json after.json

`--load` migrates the database and imports the demo region (default seed) through the real
ingest path. The snapshot asks, for every quarter with data: every practice's scorecard, every
benchmarkable KPI's regional benchmark, every KPI for the region, every practice and every
POH, the referral flows of the region and of every practice, and the quarterly series of every
KPI for the region. Volatile fields (data_version) are dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VOLATILE = {"data_version"}


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in VOLATILE}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _load(url: str) -> None:
    import migrations
    from ingest.loader import load_paths
    from models.db import session_factory
    from pohconnect.demo import DEFAULT_SEED, generate_region

    migrations.upgrade(url)
    with tempfile.TemporaryDirectory(prefix="pohconnect-snap-") as tmp:
        region = generate_region(Path(tmp), seed=DEFAULT_SEED, n_practices=25)
        with session_factory()() as session:
            load_paths(session, list(region.paths.values()), progress=False)


def _token() -> str:
    """A token of a user who sees every practice with the small-number rule applied (role
    regio, grant ``all:visible``): the view the API gave everyone before access control."""
    from sqlalchemy import select

    from api.auth.tokens import issue_token
    from models import User, UserScope
    from models.db import session_scope

    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == "figures-snapshot"))
        if user is None:
            user = User(username="figures-snapshot", display_name="Snapshot", role="regio")
            user.scopes.append(UserScope(level="all", key="visible"))
            session.add(user)
            session.flush()
        return issue_token(user.id).token


def snapshot(url: str, load: bool) -> dict[str, Any]:
    os.environ["POHCONNECT_DATABASE_URL"] = url
    os.environ.setdefault("POHCONNECT_ENVIRONMENT", "demo")
    if load:
        _load(url)
    from fastapi.testclient import TestClient

    from api.main import create_app

    out: dict[str, Any] = {}
    with TestClient(create_app()) as client:
        client.headers["Authorization"] = f"Bearer {_token()}"

        def get(path: str, **params: str) -> Any:
            r = client.get(path, params=params)
            body = r.json() if r.headers.get("content-type", "").endswith("json") else r.text
            query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
            key = f"{path}?{query}" if query else path
            out[key] = {"status": r.status_code, "body": _strip(body)}
            return body

        periods = get("/api/v1/periods")
        quarters = sorted(periods["quarters"])
        kpis = [k["slug"] for k in get("/api/v1/kpis")["items"]]
        bench = [k["slug"] for k in get("/api/v1/kpis")["items"] if k.get("benchmarkable")]
        practices = get("/api/v1/practices")["items"]
        providers = get("/api/v1/providers")["items"]
        regions = sorted({p["region"] for p in practices if p.get("region")})
        for q in quarters:
            for region in regions:
                get("/api/v1/referrals/flows", level="region", id=region, period=q)
                for slug in bench:
                    get(f"/api/v1/benchmarks/{slug}", region=region, period=q)
                for slug in kpis:
                    get(f"/api/v1/kpis/{slug}", level="region", id=region, period=q)
            for p in practices:
                get(f"/api/v1/practices/{p['agb']}/scorecard", period=q)
                get("/api/v1/referrals/flows", level="practice", id=p["agb"], period=q)
        for q in quarters[-2:]:
            for slug in kpis:
                for p in practices:
                    get(f"/api/v1/kpis/{slug}", level="practice", id=p["agb"], period=q)
                for pr in providers:
                    get(f"/api/v1/kpis/{slug}", level="provider", id=pr["code"], period=q)
        for region in regions:
            for slug in kpis:
                get(
                    f"/api/v1/kpis/{slug}/series",
                    level="region",
                    id=region,
                    **{"from": quarters[0], "to": quarters[-1]},
                )
    return out


def compare(a_path: Path, b_path: Path) -> int:
    a = json.loads(a_path.read_text())
    b = json.loads(b_path.read_text())
    missing = sorted(set(a) ^ set(b))
    differ = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    print(f"{len(a)} vs {len(b)} responses; {len(missing)} only in one; {len(differ)} differ")
    for k in (missing + differ)[:20]:
        print("  ", k)
    return 1 if missing or differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url")
    ap.add_argument("--load", action="store_true")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compare", nargs=2, type=Path)
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare)
    t0 = time.perf_counter()
    data = snapshot(args.database_url, args.load)
    args.out.write_text(json.dumps(data, sort_keys=True, indent=0, ensure_ascii=False))
    print(f"{len(data)} responses in {time.perf_counter() - t0:.0f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
