"""The synthetic demo region: a fictional huisartsenorganisatie written as HIS-style exports.

The region is simulated, not sampled cell by cell, so that the KPIs of domain.md §5 come out at
the published reference figures when the files are read back with the definitions of §4:

* Face-to-face POH consults per 8-hour worked day: region mean 9.2, POHs spread about 4–15,
  a few overloaded (≥ 10); 2.0 intakes per 8-hour day; intake 50 and follow-up 37 minutes;
  direct vs indirect patient time 83/17; mean contract 24.6 h/week per POH, 66% of POHs in two
  or more practices — all from the Trimbos study of the POH-GGZ (domain.md §7).
* Waiting time from aanmelding to intake: < 7 days 9%, 7–14 days 53%, 15–21 days 24%,
  ≥ 22 days 14% (Trimbos, domain.md §7 and §5 wait_days_intake).
* Episodes of typically 5–7 contacts (regional project, domain.md §5 contacts_per_episode);
  case mix dominated by anxiety, depression and burnout (Trimbos); 89% adults (Trimbos).
* Funding norm 16 h/week per 2,350 listed patients from 2024 (domain.md §2, normpraktijk).

How: every POH works fixed weekdays in each of their practices. Each worked day has a number of
face-to-face slots drawn from Poisson(rate × hours that day ÷ 8), the rate being the POH's own
consults per 8-hour day. Follow-ups that are due fill the slots first; free slots become
intakes of new episodes. The ratio of face-to-face contacts to worked hours is therefore the
POH's rate by construction, holidays and sick weeks lower contacts and worked hours together,
and the intake rate settles at slots ÷ face-to-face contacts per episode. The simulation starts
``WARMUP_DAYS`` before ``start`` so that the caseload is in steady state when the export window
opens; contacts before ``start`` are not written (like any export, the first weeks therefore
show episodes that in truth began earlier). The aanmelding of each episode is placed afterwards,
at a waiting time drawn from the Trimbos distribution.

Only the standard library is used for randomness (``random.Random``), so a seed gives
byte-identical files on every platform and numpy version.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType

from ingest.contract import SPECS
from pohconnect.demo.aanmelding import (
    add_aanmeldingen,
    add_huisarts_contacts_during,
    add_patients_without_poh,
)
from pohconnect.demo.agenda import simulate_agendas
from pohconnect.demo.calendar import fmt_date, fmt_decimal, monday_of, weeks_between
from pohconnect.demo.model import Context
from pohconnect.demo.region import make_pieces, make_practices, pick_outliers
from pohconnect.demo.seed import DEFAULT_SEED
from pohconnect.demo.targets import WARMUP_DAYS

REGION_NAME = "Huisartsenorganisatie Demoland"

KINDS: tuple[str, ...] = ("praktijken", "contacten", "verwijzingen", "uren")

# The demo writes every column of the import contract (ingest/contract.py), in its order, except
# periode_start/periode_eind: its hours come per ISO week.
_NOT_WRITTEN = frozenset({"periode_start", "periode_eind"})
HEADERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        kind: tuple(c.name for c in SPECS[kind].columns if c.name not in _NOT_WRITTEN)
        for kind in KINDS
    }
)


@dataclass(frozen=True)
class DemoRegion:
    """What :func:`generate_region` wrote, with a few counts and the deliberate outliers."""

    name: str
    seed: int
    start: date
    end: date
    praktijken: Path
    contacten: Path
    verwijzingen: Path
    uren: Path
    n_practices: int
    n_pohs: int
    n_huisartsen: int
    n_contacts: int
    n_poh_contacts: int
    n_episodes: int
    n_referrals: int
    n_hours_rows: int
    #: AGB of the practice whose median wait to intake is above 21 days.
    long_wait_practice: str | None = None
    #: AGB of the practice that refers a large share of its POH episodes to the GGZ.
    many_referrals_practice: str | None = None
    #: AGB of the practice whose contracted POH hours are far below the funding norm.
    low_hours_practice: str | None = None
    #: Codes of the POHs with a target of at least 10 face-to-face consults per 8-hour day.
    overloaded_pohs: tuple[str, ...] = ()

    @property
    def paths(self) -> dict[str, Path]:
        """The written files by kind (praktijken, contacten, verwijzingen, uren)."""
        return {kind: getattr(self, kind) for kind in KINDS}


def generate_region(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    n_practices: int = 25,
    start: date = date(2024, 1, 1),
    end: date = date(2025, 12, 31),
) -> DemoRegion:
    """Write a synthetic region as the four generic export files into ``out_dir``.

    Files: praktijken.csv, contacten.csv, verwijzingen.csv and uren.csv in the generic
    POH-Connect export format (domain.md §3): ``;``-separated, UTF-8, dates dd-mm-jjjj,
    decimal comma. The same seed and arguments give byte-identical files.

    Calibration targets (Trimbos, domain.md §7; see the module docstring): 9.2 face-to-face
    POH consults and 2.0 intakes per 8-hour worked day, POHs spread over about 4–15; intake 50
    and follow-up 37 minutes; waits to intake 9/53/24/14% in < 7, 7–14, 15–21, ≥ 22 days;
    83% direct time. Deliberate outliers (for the benchmark): a few overloaded POHs, one
    practice with a median wait above 21 days, one that refers many episodes to the GGZ and one
    with far fewer POH hours than the 16 h per 2,350 listed norm — see :class:`DemoRegion`.
    """
    if n_practices < 1:
        raise ValueError("n_practices must be at least 1")
    if end < start:
        raise ValueError("end lies before start")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(rng=random.Random(seed), start=start, end=end)

    sim_start = monday_of(start - timedelta(days=WARMUP_DAYS))
    report_weeks = weeks_between(start, end)
    last_monday = report_weeks[-1] if report_weeks else monday_of(end)
    sim_weeks = []
    monday = sim_start
    while monday <= last_monday:
        sim_weeks.append(monday)
        monday += timedelta(days=7)

    practices = make_practices(ctx.rng, n_practices, start, end, ctx.used_codes)
    long_wait, many_ref, low_hours = pick_outliers(ctx.rng, practices)
    sim_years = range(sim_start.year, end.year + 2)
    pieces = make_pieces(ctx.rng, practices, sim_years, ctx.used_codes, low_hours, long_wait)
    episodes, poh_contacts = simulate_agendas(ctx, pieces, sim_weeks, frozenset(report_weeks))
    visible = [ep for ep in episodes if ep.intake >= start]
    add_aanmeldingen(ctx, visible)
    add_huisarts_contacts_during(ctx, visible)
    add_patients_without_poh(ctx, practices)
    out = ctx.rows

    # --- write ----------------------------------------------------------------------------------
    paths = {kind: out_dir / f"{kind}.csv" for kind in KINDS}
    practice_rows = [
        (p.agb, p.name, REGION_NAME, fmt_date(d), str(n)) for p in practices for d, n in p.listed
    ]
    _write(paths["praktijken"], "praktijken", sorted(practice_rows, key=lambda r: r[0]))

    contacts = sorted(out.contacts, key=lambda r: (r[0], r[4], r[5], r[6], r[1]))
    contact_rows = []
    for i, r in enumerate(contacts):
        contact_rows.append(
            (
                str(3_100_000_000 + 7 * i),
                r[0],
                r[1],
                str(r[2]),
                r[3],
                fmt_date(r[4]),
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                str(r[11]),
                r[12],
                r[13],
            )
        )
    _write(paths["contacten"], "contacten", contact_rows)

    referrals = sorted(out.referrals, key=lambda r: (r[0], r[2], r[1], r[5]))
    referral_rows = [
        (str(7_300_000_000 + 3 * i), r[0], r[1], fmt_date(r[2]), *r[3:])
        for i, r in enumerate(referrals)
    ]
    _write(paths["verwijzingen"], "verwijzingen", referral_rows)

    hours_rows = [
        (code, agb, week, fmt_decimal(c), fmt_decimal(g), fmt_decimal(d), fmt_decimal(ind))
        for code, agb, week, c, g, d, ind in sorted(out.hours, key=lambda r: (r[2], r[0], r[1]))
    ]
    _write(paths["uren"], "uren", hours_rows)

    poh_people = {piece.poh.person.code: piece.poh for piece in pieces}
    return DemoRegion(
        name=REGION_NAME,
        seed=seed,
        start=start,
        end=end,
        praktijken=paths["praktijken"],
        contacten=paths["contacten"],
        verwijzingen=paths["verwijzingen"],
        uren=paths["uren"],
        n_practices=len(practices),
        n_pohs=len(poh_people),
        n_huisartsen=sum(len(p.huisartsen) for p in practices),
        n_contacts=len(contact_rows),
        n_poh_contacts=poh_contacts,
        n_episodes=len(visible),
        n_referrals=len(referral_rows),
        n_hours_rows=len(hours_rows),
        long_wait_practice=long_wait.agb if long_wait else None,
        many_referrals_practice=many_ref.agb if many_ref else None,
        low_hours_practice=low_hours.agb if low_hours else None,
        overloaded_pohs=tuple(sorted(c for c, poh in poh_people.items() if poh.rate >= 10)),
    )


def _write(path: Path, kind: str, rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS[kind])
        writer.writerows(rows)
