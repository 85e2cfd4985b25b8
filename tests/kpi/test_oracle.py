"""Oracle test: on seeded random data every KPI (and the benchmark statistics) agrees with an
independent few-line reimplementation in polars/numpy, on whichever database the suite runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import numpy as np
import polars as pl
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from api.kpi import service
from api.kpi.definitions import REGISTRY
from api.kpi.periods import parse_period
from models import Contact, HoursWeek, Patient, Practice, PracticeListSize, Provider, Referral
from tests.factories import make_region

SEED = 20251122
PERIODS = ["2025Q1", "2024", "2024-12-30..2025-02-15", "2025-06"]
OWN = service.CallerScope(own_all=True)
CV = ["consult", "consult", "consult", "visite", "telefonisch", "video", "e-consult", "groep"]
ICPC = ["P01", "P74.01", "P76", "P03", "P78", "Z29.01", "Z05", "P02", "P06", "A04", None, "p76"]
DEST = ["poh-ggz", "gb-ggz", "s-ggz", "sociaal-domein", "ehealth", "anders"]


def _h(*x: object) -> str:
    return hashlib.md5("|".join(map(str, x)).encode()).hexdigest()


def seed(session: Session) -> dict[str, pl.DataFrame]:
    rnd = random.Random(SEED)
    region = make_region(session, slug="oracle", name="Oracle")
    practices = []
    for i in range(7):
        p = Practice(agb=f"0900000{i}", name=f"P{i}", region_id=region.id)
        session.add(p)
        practices.append(p)
    session.flush()
    ls_rows = []
    for p in practices:
        for peil in rnd.sample(
            [dt.date(2023, 1, 1), dt.date(2024, 6, 1), dt.date(2025, 1, 15), dt.date(2025, 3, 31)],
            k=rnd.randint(1, 3),
        ):
            ls_rows.append(
                {"practice_id": p.id, "peildatum": peil, "listed": rnd.randint(300, 3500)}
            )
    session.execute(insert(PracticeListSize), ls_rows)
    pohs = [
        Provider(code=f"ORP{i}", functie="poh-ggz-jeugd" if i == 0 else "poh-ggz") for i in range(5)
    ]
    gps = [Provider(code=f"ORH{i}", functie="huisarts") for i in range(3)]
    som = Provider(code="ORS", functie="poh-somatiek")
    session.add_all([*pohs, *gps, som])
    session.flush()
    patients = []
    for p in practices:
        for j in range(45):
            by = rnd.choice([None, *range(1930, 2015)])
            patients.append(
                {"practice_id": p.id, "pseudonym": _h(p.id, j), "birth_year": by, "sex": "V"}
            )
    session.execute(insert(Patient), patients)
    pat_ids = session.execute(
        Patient.__table__.select()
        .where(Patient.practice_id.in_([p.id for p in practices]))
        .order_by(Patient.id)
    ).all()
    contacts, referrals = [], []
    index_of = {p.id: i for i, p in enumerate(practices)}  # ids differ between databases
    start = dt.date(2023, 3, 1)
    for row in pat_ids:
        pid, prac = row.id, row.practice_id
        d = start + dt.timedelta(days=rnd.randint(0, 900))
        for _ in range(rnd.randint(0, 10)):
            poh = rnd.choice(pohs[:3] if index_of[prac] % 2 else pohs[2:])
            contacts.append(
                {
                    "practice_id": prac,
                    "patient_id": pid,
                    "provider_id": poh.id,
                    "date": d,
                    "functie": poh.functie,
                    "contactvorm": rnd.choice(CV),
                    "icpc": rnd.choice(ICPC),
                    "time": rnd.choice([None, dt.time(9), dt.time(14)]),
                }
            )
            d += dt.timedelta(days=rnd.choice([0, 7, 14, 30, 60, 150, 182, 183, 200, 400]))
        for _ in range(rnd.randint(0, 4)):
            g = rnd.choice([*gps, som])
            contacts.append(
                {
                    "practice_id": prac,
                    "patient_id": pid,
                    "provider_id": g.id,
                    "date": start + dt.timedelta(days=rnd.randint(0, 1000)),
                    "functie": g.functie,
                    "contactvorm": "consult",
                    "icpc": rnd.choice(["P03", "Z12", "K86", "p74", None]),
                    "time": None,
                }
            )
        for _ in range(rnd.randint(0, 3)):
            who = rnd.choice([None, gps[0], pohs[1], pohs[3]])
            referrals.append(
                {
                    "practice_id": prac,
                    "patient_id": pid,
                    "date": start + dt.timedelta(days=rnd.randint(0, 1000)),
                    "destination": rnd.choice(DEST),
                    "referrer_provider_id": who.id if who else None,
                    "referrer_functie": who.functie if who else None,
                }
            )
    for i, c in enumerate(contacts):
        c.update(natural_key=_h("c", i), row_hash="x")
    for i, r in enumerate(referrals):
        r.update(natural_key=_h("r", i), row_hash="x", destination_code=r["destination"])
    session.execute(insert(Contact), contacts)
    session.execute(insert(Referral), referrals)
    hours = []
    monday = dt.date(2023, 12, 25)
    for poh in pohs:
        for p in rnd.sample(practices, k=2):
            for w in range(110):
                if rnd.random() < 0.2:
                    continue
                contract = rnd.choice([4.0, 8.0, 12.5, 16.0, 20.25])
                both = rnd.random() < 0.7
                hours.append(
                    {
                        "provider_id": poh.id,
                        "practice_id": p.id,
                        "week_start": monday + dt.timedelta(weeks=w),
                        "hours_contract": contract,
                        "hours_worked": None if rnd.random() < 0.3 else contract - 1.5,
                        "hours_direct": contract * 0.75 if both else rnd.choice([None, 3.0]),
                        "hours_indirect": contract * 0.25 if both else None,
                        "row_hash": "x",
                    }
                )
    session.execute(insert(HoursWeek), hours)
    session.flush()

    # frames for the oracle, read back through plain SELECTs
    def frame(model) -> pl.DataFrame:  # type: ignore[no-untyped-def]
        rows = [dict(r._mapping) for r in session.execute(model.__table__.select())]
        return pl.DataFrame(rows, infer_schema_length=None)

    return {
        "contacts": frame(Contact),
        "referrals": frame(Referral),
        "hours": frame(HoursWeek),
        "listed": frame(PracticeListSize),
        "patients": frame(Patient),
        "practices": frame(Practice),
        "providers": frame(Provider),
    }


# ---------------------------------------------------------------- the independent oracle


def group_of(code: str | None) -> str:
    if code is None or not code.strip():
        return "onbekend"
    c = code.strip().upper()
    table = {
        "P01": "angst",
        "P74": "angst",
        "P03": "depressie",
        "P76": "depressie",
        "P78": "overspanning",
        "P02": "stress",
        "P06": "slaap",
    }
    if c.startswith("Z29.01"):
        return "overspanning"
    if c[:3] in table:
        return table[c[:3]]
    return "sociaal" if c.startswith("Z") else "overig"


class Oracle:
    def __init__(self, f: dict[str, pl.DataFrame], start: dt.date, end: dt.date) -> None:
        self.f, self.s, self.e = f, start, end
        c = f["contacts"]
        self.poh = c.filter(pl.col("functie").is_in(["poh-ggz", "poh-ggz-jeugd"]))
        ordered = self.poh.with_columns(pl.col("time").is_null().alias("tn")).sort(
            ["practice_id", "patient_id", "date", "tn", "time", "id"]
        )
        ordered = ordered.with_columns(
            (pl.col("date").diff().over(["practice_id", "patient_id"]).dt.total_days()).alias("gap")
        ).with_columns((pl.col("gap").is_null() | (pl.col("gap") > 182)).cum_sum().alias("ep"))
        self.ep_contacts = ordered
        self.episodes = ordered.group_by("ep").agg(
            pl.col("practice_id").first(),
            pl.col("patient_id").first(),
            pl.col("date").first().alias("start"),
            pl.col("date").max().alias("last"),
            pl.len().alias("n"),
            pl.col("provider_id").first().alias("intake_provider"),
            pl.col("icpc").first().alias("intake_icpc"),
        )

    def weeks(self) -> int:
        d, n = self.s, 0
        while d <= self.e:
            n += d.weekday() == 3
            d += dt.timedelta(days=1)
        return n

    def listed(self, pids: list[int]) -> float:
        total = 0.0
        for pid in pids:
            rows = sorted(
                (r["peildatum"], r["listed"])
                for r in self.f["listed"].filter(pl.col("practice_id") == pid).iter_rows(named=True)
            )
            if not rows:
                continue
            before = [n for d, n in rows if d <= self.e]
            total += before[-1] if before else rows[0][1]
        return total

    def values(self, pids: list[int], provs: list[int] | None, ref_by: bool) -> dict:
        s, e = self.s, self.e
        inp = pl.col("date").is_between(s, e)
        poh = self.poh.filter(pl.col("practice_id").is_in(pids))
        if provs is not None:
            poh = poh.filter(pl.col("provider_id").is_in(provs))
        pp = poh.filter(inp)
        out: dict[str, tuple] = {}
        ftf = pp.filter(pl.col("contactvorm").is_in(["consult", "visite", "groep"])).height
        coded = pp.filter(pl.col("icpc").is_not_null() & (pl.col("icpc").str.strip_chars() != ""))
        pats = pp["patient_id"].n_unique()
        out["poh_contacts"] = (pp.height, pp.height, None)
        out["poh_ftf_contacts"] = (ftf, ftf, None)
        out["poh_patients"] = (pats, pats, None)
        out["icpc_coverage_pct"] = self.ratio(coded.height, pp.height, 100)
        h = self.f["hours"].filter(
            pl.col("practice_id").is_in(pids)
            & (pl.col("week_start") + pl.duration(days=3)).is_between(s, e)
        )
        if provs is not None:
            h = h.filter(pl.col("provider_id").is_in(provs))
        worked = sum(
            (w if w is not None else c)
            for w, c in zip(h["hours_worked"].to_list(), h["hours_contract"].to_list(), strict=True)
        )
        out["ftf_per_workday"] = self.ratio(ftf, worked / 8, 1)
        wk = self.weeks()
        contract = float(h["hours_contract"].sum())
        out["hours_contract_per_week"] = self.ratio(contract, wk, 1)
        out["hours_worked_per_week"] = self.ratio(worked, wk, 1)
        both = h.filter(
            pl.col("hours_direct").is_not_null() & pl.col("hours_indirect").is_not_null()
        )
        di = float((both["hours_direct"] + both["hours_indirect"]).sum())
        out["direct_time_pct"] = self.ratio(float(both["hours_direct"].sum()), di, 100)
        listed = self.listed(pids) if provs is None or not ref_by else 0.0
        days = (e - s).days + 1
        norm_w = [
            12.0 if (s + dt.timedelta(days=i)) < dt.date(2024, 1, 1) else 16.0
            for i in range(days)
            if (s + dt.timedelta(days=i)).weekday() == 3
        ]
        norm = (sum(norm_w) / len(norm_w) if norm_w else 16.0) * listed / 2350
        out["poh_reach_per_1000"] = self.ratio(pats, listed, 1000)
        out["poh_contacts_per_1000_year"] = self.ratio(pp.height, listed * days / 365.25, 1000)
        out["hours_norm_per_week"] = (norm, norm, None)
        out["hours_vs_norm_pct"] = self.ratio(contract / wk if wk else 0.0, norm, 100)
        r = self.f["referrals"].filter(pl.col("practice_id").is_in(pids) & inp)
        if ref_by and provs is not None:
            r = r.filter(pl.col("referrer_provider_id").is_in(provs))
        ggz = r.filter(pl.col("destination").is_in(["gb-ggz", "s-ggz"])).height
        out["referrals_ggz"] = (ggz, ggz, None)
        out["referrals_ggz_per_1000_year"] = self.ratio(ggz, listed * days / 365.25, 1000)
        # episodes
        eps = self.episodes.filter(pl.col("practice_id").is_in(pids))
        if provs is not None:
            eps = eps.filter(pl.col("intake_provider").is_in(provs))
        new = eps.filter(pl.col("start").is_between(s, e))
        out["poh_new_episodes"] = (new.height, new.height, None)
        out["case_mix"] = (new.height, new.height, new.height)
        out["contacts_per_episode"] = self.ratio(int(new["n"].sum() or 0), new.height, 1)
        refs = self.f["referrals"]
        waits = []
        shared = 0
        for ep in new.iter_rows(named=True):
            key = (pl.col("practice_id") == ep["practice_id"]) & (
                pl.col("patient_id") == ep["patient_id"]
            )
            lo = ep["start"] - dt.timedelta(days=90)
            a = refs.filter(
                key
                & (pl.col("destination") == "poh-ggz")
                & pl.col("date").is_between(lo, ep["start"])
            )
            if a.height == 0:
                a = self.f["contacts"].filter(
                    key
                    & (pl.col("functie") == "huisarts")
                    & pl.col("icpc").str.to_uppercase().str.slice(0, 1).is_in(["P", "Z"])
                    & pl.col("date").is_between(lo, ep["start"])
                )
            if a.height:
                waits.append((ep["start"] - a["date"].max()).days)
            g = refs.filter(
                key
                & pl.col("destination").is_in(["gb-ggz", "s-ggz"])
                & pl.col("date").is_between(ep["start"], ep["last"] + dt.timedelta(days=30))
            )
            shared += g.height > 0
        out["wait_days_intake"] = (float(np.median(waits)) if waits else None, None, len(waits))
        w14 = sum(1 for w in waits if w <= 14)
        out["wait_within_14d_pct"] = self.ratio(w14, len(waits), 100)
        out["poh_referral_share"] = self.ratio(shared, new.height, 100)
        # long episodes at e
        ec = (
            self.ep_contacts.filter(pl.col("date") <= e)
            .group_by("ep")
            .agg(pl.col("date").max().alias("last_e"))
        )
        lg = eps.join(ec, on="ep").filter(
            ((pl.lit(e) - pl.col("start")).dt.total_days() > 365)
            & ((pl.lit(e) - pl.col("last_e")).dt.total_days() <= 182)
        )
        out["long_episodes"] = (lg.height, lg.height, None)
        # caseload at e
        last = (
            poh.filter(pl.col("date") <= e)
            .group_by("patient_id")
            .agg(pl.col("date").max().alias("last"))
        )
        age = (pl.lit(e) - pl.col("last")).dt.total_days()
        act = last.filter(age < 56).height
        stale = last.filter((age >= 56) & (age < 182)).height
        out["caseload_active"] = (act, act, None)
        out["caseload_stale"] = (stale, stale, None)
        # bridging
        ggz_refs = refs.filter(pl.col("destination").is_in(["gb-ggz", "s-ggz"])).select(
            "practice_id", "patient_id", pl.col("date").alias("rdate")
        )
        j = pp.join(ggz_refs, on=["practice_id", "patient_id"]).filter(
            (pl.col("date") - pl.col("rdate")).dt.total_days().is_between(1, 182)
        )
        bp = j["patient_id"].n_unique()
        out["bridging_patients"] = (bp, bp, None)
        self.extra = {
            "bridging_contacts": j["id"].n_unique(),
            "mix": {
                g: sum(1 for x in new["intake_icpc"].to_list() if group_of(x) == g)
                for g in (
                    "angst",
                    "depressie",
                    "overspanning",
                    "stress",
                    "slaap",
                    "sociaal",
                    "overig",
                    "onbekend",
                )
            },
        }
        return out

    @staticmethod
    def ratio(num: float, den: float, scale: float) -> tuple:
        return (scale * num / den if den else None, num, den)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


@pytest.mark.parametrize("period", PERIODS)
def test_engine_matches_oracle(session: Session, period: str) -> None:
    f = seed(session)
    p = parse_period(period)
    oracle = Oracle(f, p.start, p.end)
    practices = f["practices"].filter(pl.col("agb").str.starts_with("0900000"))
    all_ids = practices["id"].to_list()
    checked = nonzero = 0
    scopes: list[tuple[str, str, list[int], list[int] | None, bool]] = [
        ("region", "oracle", all_ids, None, False)
    ]
    scopes += [
        ("practice", r["agb"], [r["id"]], None, False) for r in practices.iter_rows(named=True)
    ]
    scopes += [
        ("provider", r["code"], all_ids, [r["id"]], True)
        for r in f["providers"].filter(pl.col("code").str.starts_with("ORP")).iter_rows(named=True)
    ]
    for level, key, pids, provs, ref_by in scopes:
        expected = oracle.values(pids, provs, ref_by)
        assert set(expected) == set(REGISTRY)  # the oracle knows every KPI of the registry
        for slug, d in REGISTRY.items():
            value, num, den = expected[slug]
            if level not in d.levels:
                continue
            got = service.get_values(
                session, slug=slug, scope=service.ScopeRef(level, key), period=p, caller=OWN
            )
            where = f"{slug} {level} {key} {period}"
            assert _close(got.value, value), (where, got.value, value)
            if d.denominator is not None:
                assert _close(got.numerator, num), (where, got.numerator, num)
                assert _close(got.denominator, den), (where, got.denominator, den)
            if slug == "bridging_patients":
                assert got.extra["contacts"] == oracle.extra["bridging_contacts"], where
            if slug == "case_mix":
                assert {b.key: b.value for b in got.breakdown} == oracle.extra["mix"], where
            checked += 1
            nonzero += bool(value)
    assert checked > 250
    assert nonzero > 0.6 * checked  # the data exercise the KPIs, not just zeros


def test_benchmark_statistics_match_numpy(session: Session) -> None:
    f = seed(session)
    p = parse_period("2024")
    for slug in (
        "poh_contacts",
        "poh_contacts_per_1000_year",
        "ftf_per_workday",
        "wait_days_intake",
        "hours_vs_norm_pct",
        "hours_contract_per_week",
        "caseload_stale",
        "poh_referral_share",
    ):
        d = REGISTRY[slug]
        bm = service.get_benchmark(session, slug=slug, region="oracle", period=p, caller=OWN)
        whole = service.get_values(
            session, slug=slug, scope=service.ScopeRef("region", "oracle"), period=p, caller=OWN
        )
        assert (bm.region_value, bm.region_numerator, bm.region_denominator) == (
            whole.value,
            whole.numerator,
            whole.denominator,
        ), slug
        oracle = Oracle(f, p.start, p.end)
        vals = {}
        for r in (
            f["practices"].filter(pl.col("agb").str.starts_with("0900000")).iter_rows(named=True)
        ):
            value, _num, den = oracle.values([r["id"]], None, False)[slug]
            if value is not None and (d.min_denominator is None or (den or 0) >= d.min_denominator):
                vals[r["agb"]] = value
        if len(vals) < 5:
            assert bm.distribution is None
            continue
        xs = np.array(sorted(vals.values()))
        dist = bm.distribution
        assert dist is not None and dist.n == len(xs), slug
        for q, got in zip(
            (10, 25, 50, 75, 90), (dist.p10, dist.p25, dist.median, dist.p75, dist.p90), strict=True
        ):
            assert _close(got, float(np.percentile(xs, q))), (slug, q)
        assert _close(dist.mean, float(xs.mean()))
        for row in bm.practices:
            if row.agb in vals:
                lower = sum(1 for v in vals.values() if v < vals[row.agb] - 1e-12)
                assert row.rank == lower + 1, (slug, row.agb)
                assert _close(row.percent_rank, lower / (len(vals) - 1))
            else:
                assert not row.ranked
