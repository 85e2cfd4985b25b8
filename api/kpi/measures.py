"""The measure table: every number a KPI can be formed from, by name.

A :class:`Measure` gives one number per (scope key, period) cell — a missing cell means 0 — and
names the input columns it reads. A :class:`Sample` gives the sorted values per cell that a
median or percentile is taken over (one per episode). A :class:`Breakdown` splits a cell into
the categories of one dimension. A KPI definition (``definitions.py``) names its numerator,
denominator, sample, extras and breakdowns from these tables; the registry is validated against
them when it is imported, and the engine looks them up here — it never asks which KPI it is
computing. Episodes, waiting times and bridging care come from the escape hatch
``episodes.py``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from api.kpi import episodes
from api.kpi.benchmark import percentile
from api.kpi.facts import Cell, Facts, HoursTotals, Target
from api.kpi.labels import BREAKDOWN_LABELS
from api.kpi.periods import Period, norm_hours_factor
from models.enums import GGZ_DESTINATIONS

NORMPRAKTIJK = 2350
HOURS_PER_WORKDAY = 8.0
WAIT_NORM_DAYS = 14

Values = Mapping[Cell, float]
Build = Callable[[Facts, Target, Sequence[Period]], Values]
CONTACTS = ("contacts.functie", "contacts.date", "contacts.practice_id", "contacts.provider_id")
HOURS = ("hours_weeks.week_start", "hours_weeks.practice_id", "hours_weeks.provider_id")
LISTED = ("practice_list_sizes.peildatum", "practice_list_sizes.listed")
REFERRALS = (
    "referrals.date",
    "referrals.destination",
    "referrals.practice_id",
    "referrals.referrer_provider_id",
)
EPISODES = (*CONTACTS, "contacts.patient_id", "contacts.time", "contacts.icpc")
WAITS = (*EPISODES, *REFERRALS, "referrals.patient_id")


@dataclass(frozen=True, slots=True)
class Measure:
    """A number per cell, built by ``build(facts, target, periods)``."""

    description: str
    columns: tuple[str, ...]  # the input columns it reads, as table.column
    build: Build


@dataclass(frozen=True, slots=True)
class Sample:
    """Sorted values per cell (one per episode) for medians and percentiles."""

    description: str
    columns: tuple[str, ...]
    build: Callable[[Facts, Target, Sequence[Period]], Mapping[Cell, list[float]]]


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Counts per category of one dimension for one cell, in the order of the labels."""

    columns: tuple[str, ...]
    build: Callable[[Facts, Target, Sequence[Period], Cell], Mapping[str, float]]


# ---- builders ------------------------------------------------------------------------------


def _contacts(only: Literal["ftf", "icpc"] | None) -> Build:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        out: dict[Cell, float] = defaultdict(float)
        for (key, period, _contactvorm), count in facts.contact_counts(
            target, periods, only=only
        ).items():
            out[Cell(key, period)] += count
        return out

    return build


def _patients(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
    return {
        cell: sum(groups.values()) for cell, groups in facts.patient_counts(target, periods).items()
    }


def _hours(read: Callable[[HoursTotals, Period], float]) -> Build:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        return {
            cell: read(totals, periods[cell[1]])
            for cell, totals in facts.hours(target, periods).items()
        }

    return build


def _per_period(value: Callable[[Period], float]) -> Build:
    """The same number for every scope key: a property of the period alone."""

    def build(_facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        return {
            Cell(key, index): value(period)
            for key in target.key_values()
            for index, period in enumerate(periods)
        }

    return build


def _listed(scale: Callable[[float, Period], float]) -> Build:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        return {
            cell: scale(listed, periods[cell[1]])
            for cell, listed in facts.listed(target, periods).items()
        }

    return build


def _ggz_referrals(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
    out: dict[Cell, float] = defaultdict(float)
    for (key, period, destination), count in facts.referral_counts(target, periods).items():
        if destination in GGZ_DESTINATIONS:
            out[Cell(key, period)] += count
    return out


def _episodes(read: Callable[[episodes.EpisodeFacts], float]) -> Build:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        return {
            cell: float(read(cell_facts))
            for cell, cell_facts in episodes.episode_facts(facts, target, periods).items()
        }

    return build


def _caseload(read: Callable[[float, float], float]) -> Build:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        return {
            cell: read(counts.active, counts.stale)
            for cell, counts in facts.caseload(target, periods).items()
        }

    return build


def _bridging(read: Callable[[episodes.BridgingCounts], float]) -> Build:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> Values:
        return {
            cell: read(counts) for cell, counts in episodes.bridging(facts, target, periods).items()
        }

    return build


def _sample(read: Callable[[episodes.EpisodeFacts], list[int]]) -> Sample:
    def build(facts: Facts, target: Target, periods: Sequence[Period]) -> dict[Cell, list[float]]:
        return {
            cell: sorted(read(cell_facts))
            for cell, cell_facts in episodes.episode_facts(facts, target, periods).items()
        }

    return build


def _breakdown_of_contactvorm(
    facts: Facts, target: Target, periods: Sequence[Period], cell: Cell
) -> Mapping[str, float]:
    counts = facts.contact_counts(target, periods, by_contactvorm=True)
    return {cv: counts.get((cell[0], cell[1], cv), 0.0) for cv in BREAKDOWN_LABELS["contactvorm"]}


def _breakdown_of_destination(
    facts: Facts, target: Target, periods: Sequence[Period], cell: Cell
) -> Mapping[str, float]:
    counts = facts.referral_counts(target, periods)
    return {
        dest: counts.get((cell[0], cell[1], dest), 0.0) for dest in BREAKDOWN_LABELS["destination"]
    }


def _breakdown_of_age_group(
    facts: Facts, target: Target, periods: Sequence[Period], cell: Cell
) -> Mapping[str, float]:
    groups = facts.patient_counts(target, periods).get(cell, {})
    return {group: groups.get(group, 0.0) for group in BREAKDOWN_LABELS["age_group"]}


def _breakdown_of_icpc_group(
    facts: Facts, target: Target, periods: Sequence[Period], cell: Cell
) -> Mapping[str, float]:
    cell_facts = episodes.episode_facts(facts, target, periods).get(cell)
    mix = cell_facts.mix if cell_facts is not None else {}
    return {group: float(mix.get(group, 0)) for group in BREAKDOWN_LABELS["icpc_group"]}


# ---- the tables ----------------------------------------------------------------------------

MEASURES: Mapping[str, Measure] = MappingProxyType(
    {
        "poh_contacts": Measure("POH-GGZ contacts", CONTACTS, _contacts(None)),
        "ftf_contacts": Measure(
            "POH contacts face to face (consult, visite, groep)",
            (*CONTACTS, "contacts.contactvorm"),
            _contacts("ftf"),
        ),
        "icpc_contacts": Measure(
            "POH contacts with an ICPC code", (*CONTACTS, "contacts.icpc"), _contacts("icpc")
        ),
        "poh_patients": Measure(
            "distinct patients with a POH contact",
            (*CONTACTS, "contacts.patient_id", "patients.birth_year"),
            _patients,
        ),
        "worked_days": Measure(
            "8-hour days worked (gewerkt, else contract)",
            (*HOURS, "hours_weeks.hours_worked", "hours_weeks.hours_contract"),
            _hours(lambda totals, _period: totals.worked / HOURS_PER_WORKDAY),
        ),
        "hours_contract": Measure(
            "contracted hours",
            (*HOURS, "hours_weeks.hours_contract"),
            _hours(lambda totals, _period: totals.contract),
        ),
        "hours_worked": Measure(
            "hours worked (gewerkt, else contract)",
            (*HOURS, "hours_weeks.hours_worked", "hours_weeks.hours_contract"),
            _hours(lambda totals, _period: totals.worked),
        ),
        "weeks": Measure(
            "ISO weeks of the period", (), _per_period(lambda period: float(period.weeks))
        ),
        "hours_contract_pw": Measure(
            "contracted hours per ISO week",
            (*HOURS, "hours_weeks.hours_contract"),
            _hours(lambda totals, period: totals.contract / period.weeks if period.weeks else 0.0),
        ),
        "hours_norm_pw": Measure(
            "funding norm hours per week: norm × listed ÷ 2,350",
            LISTED,
            _listed(lambda listed, period: norm_hours_factor(period) * listed / NORMPRAKTIJK),
        ),
        "norm_hours_per_normpraktijk": Measure(
            "funding norm in hours per week per normpraktijk (12 before 2024, 16 from then)",
            (),
            _per_period(norm_hours_factor),
        ),
        "hours_direct": Measure(
            "direct hours (weeks with direct and indirect)",
            (*HOURS, "hours_weeks.hours_direct", "hours_weeks.hours_indirect"),
            _hours(lambda totals, _period: totals.direct),
        ),
        "hours_direct_indirect": Measure(
            "direct + indirect hours (weeks with both)",
            (*HOURS, "hours_weeks.hours_direct", "hours_weeks.hours_indirect"),
            _hours(lambda totals, _period: totals.direct_indirect),
        ),
        "listed": Measure(
            "listed patients at the period end", LISTED, _listed(lambda listed, _period: listed)
        ),
        "listed_years": Measure(
            "patient-years: listed × days ÷ 365.25",
            LISTED,
            _listed(lambda listed, period: listed * period.days / 365.25),
        ),
        "ggz_referrals": Measure("referrals to GB-GGZ or S-GGZ", REFERRALS, _ggz_referrals),
        "new_episodes": Measure(
            "episodes starting in the period", EPISODES, _episodes(lambda counts: counts.new)
        ),
        "new_episode_contacts": Measure(
            "all contacts of the episodes starting in the period",
            EPISODES,
            _episodes(lambda counts: counts.contacts),
        ),
        "waits": Measure(
            "new episodes with a waiting time", WAITS, _episodes(lambda counts: len(counts.waits))
        ),
        "waits_within_14d": Measure(
            "new episodes with a waiting time of at most 14 days",
            WAITS,
            _episodes(lambda counts: sum(1 for wait in counts.waits if wait <= WAIT_NORM_DAYS)),
        ),
        "referred_episodes": Measure(
            "new episodes with a GGZ referral from intake to 30 days after the last contact",
            (*EPISODES, *REFERRALS, "referrals.patient_id"),
            _episodes(lambda counts: counts.referred),
        ),
        "bridging_patients": Measure(
            "patients with a POH contact 1–182 days after a GGZ referral",
            (*CONTACTS, *REFERRALS, "contacts.patient_id", "referrals.patient_id"),
            _bridging(lambda counts: counts.patients),
        ),
        "bridging_contacts": Measure(
            "POH contacts 1–182 days after a GGZ referral of the patient",
            (*CONTACTS, *REFERRALS, "contacts.patient_id", "referrals.patient_id"),
            _bridging(lambda counts: counts.contacts),
        ),
        "caseload_active": Measure(
            "patients whose last POH contact lies in (E − 56, E]",
            (*CONTACTS, "contacts.patient_id"),
            _caseload(lambda active, _stale: active),
        ),
        "caseload_stale": Measure(
            "patients whose last POH contact lies in (E − 182, E − 56]",
            (*CONTACTS, "contacts.patient_id"),
            _caseload(lambda _active, stale: stale),
        ),
        "long_episodes": Measure(
            "open episodes at E that started more than 365 days before E",
            EPISODES,
            _episodes(lambda counts: counts.long),
        ),
    }
)

SAMPLES: Mapping[str, Sample] = MappingProxyType(
    {
        "wait_days": Sample(
            "days from aanmelding to intake of each new episode with one",
            WAITS,
            _sample(lambda counts: counts.waits),
        ),
        "episode_contacts": Sample(
            "contacts of each new episode", EPISODES, _sample(lambda counts: counts.sizes)
        ),
    }
)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


# Statistics of a sample (sorted ascending), for a KPI's value or its extras.
STATISTICS: Mapping[str, Callable[[Sequence[float]], float | None]] = MappingProxyType(
    {
        "median": median,
        "p90": lambda values: percentile(values, 0.9),
        "mean": _mean,
        "within_14d": lambda values: float(sum(1 for value in values if value <= WAIT_NORM_DAYS)),
    }
)

BREAKDOWNS: Mapping[str, Breakdown] = MappingProxyType(
    {
        "contactvorm": Breakdown((*CONTACTS, "contacts.contactvorm"), _breakdown_of_contactvorm),
        "destination": Breakdown(REFERRALS, _breakdown_of_destination),
        "age_group": Breakdown(
            (*CONTACTS, "contacts.patient_id", "patients.birth_year"), _breakdown_of_age_group
        ),
        "icpc_group": Breakdown(EPISODES, _breakdown_of_icpc_group),
    }
)
