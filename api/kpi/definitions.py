"""The KPI registry: every slug of the catalogue (domain.md §5) as one frozen declaration.

A definition says *what* a KPI is (titles, unit, polarity, aggregation, reference, numeric norm)
and *how* it is formed from the measure table (``measures.py``):

* ``value = scale × numerator ÷ denominator`` when it has a denominator (a ratio);
* the numerator itself for counts and stocks without one;
* ``aggregation="median"``: the median of its ``sample`` (the denominator is the number of
  values, there is no numerator);
* ``aggregation="distribution"``: the numerator is the total that the shares of its breakdown
  are taken of (value and denominator are that total);
* ``extras``: figures added under ``extra`` — a statistic of its sample or another measure.

The engine is driven by nothing else. The registry is validated against the measure table when
this module is imported. Adding a KPI from existing measures is one entry below (and its
hand-computed test); ``python -m api.kpi.docs`` then rewrites the catalogue in docs/kpis.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from api.kpi.measures import BREAKDOWNS, MEASURES, SAMPLES, STATISTICS
from api.kpi.schemas import KpiDefinitionRead

Level = Literal["provider", "practice", "team", "region"]
ALL_LEVELS: tuple[Level, ...] = ("provider", "practice", "team", "region")
NO_PROVIDER: tuple[Level, ...] = ("practice", "team", "region")


@dataclass(frozen=True, slots=True)
class Extra:
    """One figure added to every result of a KPI as ``extra[key]``: a ``statistic`` of the
    KPI's sample (measures.STATISTICS) or a ``measure`` for the same scope and period."""

    key: str
    statistic: str | None = None
    measure: str | None = None


def statistic(name: str) -> Extra:
    """The extra ``name``: that statistic of the KPI's sample."""
    return Extra(name, statistic=name)


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    slug: str
    title_nl: str
    title_en: str
    description: str
    why_it_matters: str
    unit: str
    unit_nl: str
    polarity: Literal["higher_better", "lower_better", "neutral"]
    aggregation: Literal["flow", "stock", "ratio", "median", "distribution"]
    numerator: str  # a measure
    denominator: str | None = None  # a measure; the value is scale × numerator ÷ denominator
    scale: float = 1.0
    sample: str | None = None  # a sample: the values of a median and of statistic extras
    extras: tuple[Extra, ...] = ()
    funnel: Literal["proportion", "rate"] | None = None
    min_denominator: float | None = None
    reference: str | None = None
    reference_source: str | None = None
    reference_en: str | None = None
    reference_source_en: str | None = None
    levels: tuple[Level, ...] = ALL_LEVELS
    breakdowns: tuple[str, ...] = ()
    patient_count: bool = False  # the value is a number of patients (small-number rule)
    numerator_is_patients: bool = False  # the numerator is one (small-number rule on it alone)
    benchmarkable: bool = True
    decimals: int = 0
    # The numeric norm as a band (low == high for a single line), in the KPI's own unit.
    norm_low: float | None = None
    norm_high: float | None = None

    @property
    def is_median(self) -> bool:
        return self.aggregation == "median"

    @property
    def is_distribution(self) -> bool:
        """The value is the total that the breakdown's shares are taken of."""
        return self.aggregation == "distribution"

    def read(self) -> KpiDefinitionRead:
        return KpiDefinitionRead.model_validate(self, from_attributes=True)


TRIMBOS = "Trimbos-instituut, onderzoek POH-GGZ (79 POH's)"
TRIMBOS_EN = "Trimbos Institute, study of the POH-GGZ (79 POHs)"

_DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        slug="poh_contacts",
        title_nl="POH-GGZ-contacten",
        title_en="POH-GGZ contacts",
        description="Alle contacten van een POH-GGZ (ook jeugd) in de periode, naar contactvorm.",
        why_it_matters="De productie van de POH-GGZ: basis van elke andere verhouding.",
        unit="contacts",
        unit_nl="contacten",
        polarity="neutral",
        aggregation="flow",
        numerator="poh_contacts",
        breakdowns=("contactvorm",),
    ),
    KpiDefinition(
        slug="poh_ftf_contacts",
        title_nl="Face-to-face contacten",
        title_en="Face-to-face POH contacts",
        description="POH-contacten met contactvorm consult, visite of groep.",
        why_it_matters="Face-to-face consulten zijn de kern van de werklast van de POH-GGZ.",
        unit="contacts",
        unit_nl="contacten",
        polarity="neutral",
        aggregation="flow",
        numerator="ftf_contacts",
    ),
    KpiDefinition(
        slug="ftf_per_workday",
        norm_low=8.0,
        norm_high=9.0,
        title_nl="Face-to-face consulten per werkdag",
        title_en="Face-to-face consults per workday",
        description=(
            "Face-to-face POH-contacten gedeeld door gewerkte dagen van 8 uur (uren_gewerkt, of "
            "uren_contract waar gewerkt ontbreekt, van de ISO-weken in de periode)."
        ),
        why_it_matters="Boven 9 per dag dreigt overbelasting; ver eronder onderbenutting.",
        unit="consults per 8-h day",
        unit_nl="consulten per werkdag van 8 uur",
        polarity="neutral",
        aggregation="ratio",
        numerator="ftf_contacts",
        denominator="worked_days",
        funnel="rate",
        min_denominator=5,
        reference="Norm ≤ 8–9 per dag; Trimbos gemiddeld 9,2, 46% van de POH's ≥ 10",
        reference_source="LV POH-GGZ, in " + TRIMBOS,
        reference_en="Norm ≤ 8–9 a day; Trimbos mean 9.2, 46% of POHs ≥ 10",
        reference_source_en="LV POH-GGZ, in " + TRIMBOS_EN,
        decimals=1,
    ),
    KpiDefinition(
        slug="poh_patients",
        title_nl="Patiënten bij de POH-GGZ",
        title_en="Patients seen by the POH",
        description="Unieke patiënten met een POH-contact in de periode, naar leeftijdsgroep.",
        why_it_matters="Hoeveel mensen de POH-GGZ bereikt.",
        unit="patients",
        unit_nl="patiënten",
        polarity="neutral",
        aggregation="flow",
        numerator="poh_patients",
        breakdowns=("age_group",),
        patient_count=True,
    ),
    KpiDefinition(
        slug="poh_new_episodes",
        title_nl="Nieuwe trajecten (intakes)",
        title_en="New episodes (intakes)",
        description=(
            "Trajecten die in de periode beginnen; een gat van meer dan 182 dagen tussen twee "
            "POH-contacten begint een nieuw traject."
        ),
        why_it_matters="De instroom: nieuwe aanmeldingen die een intake kregen.",
        unit="episodes",
        unit_nl="trajecten",
        polarity="neutral",
        aggregation="flow",
        numerator="new_episodes",
        reference="Trimbos: 2,0 intakes per werkdag van 8 uur",
        reference_source=TRIMBOS,
        reference_en="Trimbos: 2.0 intakes per 8-hour workday",
        reference_source_en=TRIMBOS_EN,
        patient_count=True,
    ),
    KpiDefinition(
        slug="poh_reach_per_1000",
        title_nl="Bereik per 1.000 ingeschrevenen",
        title_en="Reach per 1,000 listed patients",
        description="Patiënten met een POH-contact per 1.000 ingeschreven patiënten.",
        why_it_matters="Vergelijkbaar bereik tussen praktijken van verschillende grootte.",
        unit="per 1,000",
        unit_nl="per 1.000",
        polarity="higher_better",
        aggregation="ratio",
        numerator="poh_patients",
        denominator="listed",
        scale=1000.0,
        funnel="proportion",
        min_denominator=500,
        reference="1 op 25 Nederlanders zag in 2017 een POH-GGZ (40 per 1.000 per jaar)",
        reference_source="Nivel Zorgregistraties eerste lijn",
        reference_en="1 in 25 Dutch people saw a POH-GGZ in 2017 (40 per 1,000 per year)",
        reference_source_en="Nivel Primary Care Database",
        levels=NO_PROVIDER,
        numerator_is_patients=True,
        decimals=1,
    ),
    KpiDefinition(
        slug="poh_contacts_per_1000_year",
        title_nl="POH-contacten per 1.000 ingeschrevenen per jaar",
        title_en="POH contacts per 1,000 listed patients per year",
        description=(
            "POH-contacten per 1.000 ingeschreven patiënten, op jaarbasis (× 365,25 ÷ dagen). "
            "De noemer is het aantal patiëntjaren: ingeschrevenen × dagen ÷ 365,25."
        ),
        why_it_matters="Productie gecorrigeerd voor praktijkgrootte en periodelengte.",
        unit="per 1,000 per year",
        unit_nl="per 1.000 per jaar",
        polarity="higher_better",
        aggregation="ratio",
        numerator="poh_contacts",
        denominator="listed_years",
        scale=1000.0,
        funnel="rate",
        min_denominator=100,
        reference="Nivel: 150 (2019), 172 (2021)",
        reference_source="Nivel Zorgregistraties eerste lijn",
        reference_en="Nivel: 150 (2019), 172 (2021)",
        reference_source_en="Nivel Primary Care Database",
        levels=NO_PROVIDER,
        decimals=1,
    ),
    KpiDefinition(
        slug="contacts_per_episode",
        title_nl="Contacten per traject",
        title_en="Contacts per episode",
        description=(
            "Gemiddeld (en mediaan) aantal POH-contacten van de trajecten die in de periode "
            "beginnen, al hun contacten meegeteld (ook na de periode)."
        ),
        why_it_matters="Kortdurende behandeling is de opdracht; lange trajecten vragen aandacht.",
        unit="contacts",
        unit_nl="contacten",
        polarity="neutral",
        aggregation="ratio",
        numerator="new_episode_contacts",
        denominator="new_episodes",
        min_denominator=5,
        reference="5–7 contacten per traject",
        reference_source="Regionaal project (domain.md §5)",
        reference_en="5–7 contacts per episode",
        reference_source_en="Regional project (domain.md §5)",
        sample="episode_contacts",
        extras=(statistic("median"),),
        decimals=1,
    ),
    KpiDefinition(
        slug="wait_days_intake",
        norm_low=14.0,
        norm_high=14.0,
        title_nl="Wachttijd tot intake (mediaan)",
        title_en="Waiting time to intake (median)",
        description=(
            "Mediaan (en P90) van de dagen van aanmelding tot intake, voor trajecten die in de "
            "periode beginnen. Aanmelding: de laatste verwijzing naar de POH-GGZ in de 90 dagen "
            "tot en met de intake, anders het laatste huisartscontact met ICPC P of Z in dat "
            "venster."
        ),
        why_it_matters="Snelle toegang voorkomt escalatie naar de GGZ.",
        unit="days",
        unit_nl="dagen",
        polarity="lower_better",
        aggregation="median",
        numerator="waits",
        sample="wait_days",
        min_denominator=5,
        reference="Norm 1–2 weken; Trimbos: 62% ≤ 2 weken, 14% ≥ 3 weken",
        reference_source=TRIMBOS,
        reference_en="Norm 1–2 weeks; Trimbos: 62% ≤ 2 weeks, 14% ≥ 3 weeks",
        reference_source_en=TRIMBOS_EN,
        extras=(statistic("p90"), statistic("mean"), statistic("within_14d")),
        decimals=1,
    ),
    KpiDefinition(
        slug="wait_within_14d_pct",
        title_nl="Intake binnen 14 dagen",
        title_en="Intake within 14 days",
        description="Aandeel trajecten met een wachttijd van ten hoogste 14 dagen.",
        why_it_matters="De norm van de beroepsgroep: binnen twee weken gezien.",
        unit="%",
        unit_nl="%",
        polarity="higher_better",
        aggregation="ratio",
        numerator="waits_within_14d",
        denominator="waits",
        scale=100.0,
        funnel="proportion",
        min_denominator=10,
        reference="Trimbos: 62% binnen 2 weken",
        reference_source=TRIMBOS,
        reference_en="Trimbos: 62% within 2 weeks",
        reference_source_en=TRIMBOS_EN,
        decimals=1,
    ),
    KpiDefinition(
        slug="referrals_ggz",
        title_nl="Verwijzingen naar de GGZ",
        title_en="Referrals to mental-health care",
        description=(
            "Verwijzingen naar GB-GGZ of S-GGZ in de periode; uitsplitsing naar alle "
            "bestemmingen buiten de praktijk (gb-ggz, s-ggz, sociaal-domein, ehealth, anders)."
        ),
        why_it_matters="Substitutie: hoeveel zorg gaat toch naar de GGZ, en waarheen.",
        unit="referrals",
        unit_nl="verwijzingen",
        polarity="neutral",
        aggregation="flow",
        numerator="ggz_referrals",
        breakdowns=("destination",),
    ),
    KpiDefinition(
        slug="referrals_ggz_per_1000_year",
        title_nl="GGZ-verwijzingen per 1.000 ingeschrevenen per jaar",
        title_en="GGZ referrals per 1,000 listed patients per year",
        description="GGZ-verwijzingen per 1.000 ingeschreven patiënten, op jaarbasis.",
        why_it_matters="Vergelijkbare verwijsdruk tussen praktijken.",
        unit="per 1,000 per year",
        unit_nl="per 1.000 per jaar",
        polarity="lower_better",
        aggregation="ratio",
        numerator="ggz_referrals",
        denominator="listed_years",
        scale=1000.0,
        funnel="rate",
        min_denominator=100,
        reference="LHV: < 18% bereikt de GB-GGZ binnen 4 weken, < 3% de S-GGZ",
        reference_source="LHV-enquête",
        reference_en="LHV: < 18% reach the GB-GGZ within 4 weeks, < 3% the S-GGZ",
        reference_source_en="LHV survey",
        levels=NO_PROVIDER,
        decimals=1,
    ),
    KpiDefinition(
        slug="poh_referral_share",
        title_nl="Trajecten met GGZ-verwijzing",
        title_en="Episodes referred to mental-health care",
        description=(
            "Aandeel van de in de periode begonnen trajecten met een GGZ-verwijzing van die "
            "patiënt vanaf de intake tot 30 dagen na het laatste contact van het traject."
        ),
        why_it_matters="Hoe vaak de POH-GGZ doorverwijst in plaats van zelf behandelt.",
        unit="%",
        unit_nl="%",
        polarity="neutral",
        aggregation="ratio",
        numerator="referred_episodes",
        denominator="new_episodes",
        scale=100.0,
        funnel="proportion",
        min_denominator=10,
        decimals=1,
    ),
    KpiDefinition(
        slug="bridging_patients",
        title_nl="Overbruggingszorg (patiënten)",
        title_en="Bridging care (patients)",
        description=(
            "Patiënten met een POH-contact in de periode na een van hun GGZ-verwijzingen en "
            "hooguit 182 dagen erna; ook het aantal van zulke contacten (extra.contacts)."
        ),
        why_it_matters="Wachten op de GGZ belast de POH: een belangrijke werklastfactor.",
        unit="patients",
        unit_nl="patiënten",
        polarity="neutral",
        aggregation="flow",
        numerator="bridging_patients",
        reference="Overbruggingszorg is een hoofdoorzaak van werkdruk",
        reference_source=TRIMBOS,
        reference_en="Bridging care is a main cause of workload",
        reference_source_en=TRIMBOS_EN,
        patient_count=True,
        extras=(Extra("contacts", measure="bridging_contacts"),),
    ),
    KpiDefinition(
        slug="hours_contract_per_week",
        title_nl="Contracturen per week",
        title_en="Contracted hours per week",
        description="uren_contract opgeteld over de ISO-weken van de periode ÷ aantal weken.",
        why_it_matters="De ingezette capaciteit van de POH-GGZ.",
        unit="hours/week",
        unit_nl="uur per week",
        polarity="neutral",
        aggregation="stock",
        numerator="hours_contract",
        denominator="weeks",
        reference="Trimbos: gemiddeld 24,6 uur per week per POH",
        reference_source=TRIMBOS,
        reference_en="Trimbos: mean 24.6 hours per week per POH",
        reference_source_en=TRIMBOS_EN,
        decimals=1,
    ),
    KpiDefinition(
        slug="hours_norm_per_week",
        title_nl="Normuren per week",
        title_en="Funding norm hours per week",
        description=(
            "12 (vóór 2024) of 16 (vanaf 2024) uur × ingeschrevenen ÷ 2.350, gemiddeld over de "
            "ISO-weken van de periode."
        ),
        why_it_matters="Waar de praktijk op grond van de financiering recht op heeft.",
        unit="hours/week",
        unit_nl="uur per week",
        polarity="neutral",
        aggregation="stock",
        numerator="hours_norm_pw",
        extras=(Extra("norm_hours_per_normpraktijk", measure="norm_hours_per_normpraktijk"),),
        reference="12 uur per normpraktijk (2.350) tot 2024, 16 uur vanaf 1 januari 2024",
        reference_source="NZa / zorgverzekeraars (CZ, VGZ); IZA",
        reference_en=(
            "12 hours per standard practice (2,350) until 2024, 16 hours from 1 January 2024"
        ),
        reference_source_en="NZa / health insurers (CZ, VGZ); IZA",
        levels=NO_PROVIDER,
        decimals=1,
    ),
    KpiDefinition(
        slug="hours_vs_norm_pct",
        norm_low=100.0,
        norm_high=100.0,
        title_nl="Contracturen t.o.v. norm",
        title_en="Contracted hours vs funding norm",
        description="Contracturen per week ÷ normuren per week.",
        why_it_matters="Worden de gefinancierde uren ook ingezet?",
        unit="%",
        unit_nl="%",
        polarity="higher_better",
        aggregation="ratio",
        numerator="hours_contract_pw",
        denominator="hours_norm_pw",
        scale=100.0,
        reference="100% = de financieringsnorm",
        reference_source="NZa / zorgverzekeraars",
        reference_en="100% = the funding norm",
        reference_source_en="NZa / health insurers",
        levels=NO_PROVIDER,
        decimals=1,
    ),
    KpiDefinition(
        slug="direct_time_pct",
        title_nl="Directe patiënttijd",
        title_en="Direct patient time",
        description=(
            "uren_direct ÷ (uren_direct + uren_indirect), over weken waar beide bekend zijn."
        ),
        why_it_matters="Tijd die bij de patiënt terechtkomt.",
        unit="%",
        unit_nl="%",
        polarity="higher_better",
        aggregation="ratio",
        numerator="hours_direct",
        denominator="hours_direct_indirect",
        scale=100.0,
        min_denominator=8,
        reference="Trimbos: 83% direct",
        reference_source=TRIMBOS,
        reference_en="Trimbos: 83% direct",
        reference_source_en=TRIMBOS_EN,
        decimals=1,
    ),
    KpiDefinition(
        slug="caseload_active",
        title_nl="Actieve caseload",
        title_en="Active caseload",
        description="Op de einddatum E: patiënten met een POH-contact in (E − 56, E].",
        why_it_matters="Hoeveel patiënten de POH nu onder behandeling heeft.",
        unit="patients",
        unit_nl="patiënten",
        polarity="neutral",
        aggregation="stock",
        numerator="caseload_active",
        patient_count=True,
    ),
    KpiDefinition(
        slug="caseload_stale",
        title_nl="Caseload zonder contact (8 weken)",
        title_en="Caseload without contact for 8 weeks",
        description=(
            "Op E: patiënten van wie het laatste POH-contact (op of vóór E) in (E − 182, E − 56] "
            "dagen ligt."
        ),
        why_it_matters="Patiënten die uit beeld dreigen te raken of afgesloten kunnen worden.",
        unit="patients",
        unit_nl="patiënten",
        polarity="lower_better",
        aggregation="stock",
        numerator="caseload_stale",
        patient_count=True,
    ),
    KpiDefinition(
        slug="long_episodes",
        title_nl="Langlopende trajecten",
        title_en="Long-running episodes",
        description=(
            "Op E: open trajecten (laatste contact hooguit 182 dagen vóór E) die meer dan 365 "
            "dagen vóór E begonnen."
        ),
        why_it_matters="Stabiele chronische patiënten die mogelijk elders beter passen.",
        unit="episodes",
        unit_nl="trajecten",
        polarity="lower_better",
        aggregation="stock",
        numerator="long_episodes",
        reference="Stabiele chronische patiënten",
        reference_source=TRIMBOS,
        reference_en="Stable chronic patients",
        reference_source_en=TRIMBOS_EN,
        patient_count=True,
    ),
    KpiDefinition(
        slug="case_mix",
        title_nl="Casemix (ICPC bij intake)",
        title_en="Case mix (ICPC at intake)",
        description=(
            "Verdeling van de in de periode begonnen trajecten naar ICPC-groep van de intake: "
            "angst (P01, P74), depressie (P03, P76), overspanning/burn-out (P78, Z29.01), "
            "stress/trauma (P02), slaap (P06), sociaal (overige Z), overig; 'onbekend' zonder "
            "ICPC. "
            "De waarde is het aantal trajecten; de aandelen staan in de uitsplitsing."
        ),
        why_it_matters="Context bij productie en verwijzingen.",
        unit="episodes",
        unit_nl="trajecten",
        polarity="neutral",
        aggregation="distribution",
        numerator="new_episodes",
        breakdowns=("icpc_group",),
        reference="Angst, depressie en burn-out overheersen",
        reference_source=TRIMBOS,
        reference_en="Anxiety, depression and burnout dominate",
        reference_source_en=TRIMBOS_EN,
        benchmarkable=False,
        patient_count=True,
    ),
    KpiDefinition(
        slug="icpc_coverage_pct",
        title_nl="Contacten met ICPC-code",
        title_en="Contacts with an ICPC code",
        description="Aandeel POH-contacten met een ICPC-code.",
        why_it_matters="Datakwaliteit: zonder ICPC geen casemix.",
        unit="%",
        unit_nl="%",
        polarity="higher_better",
        aggregation="ratio",
        numerator="icpc_contacts",
        denominator="poh_contacts",
        scale=100.0,
        funnel="proportion",
        min_denominator=20,
        reference="Datakwaliteit",
        reference_source="POH-Connect",
        reference_en="Data quality",
        reference_source_en="POH-Connect",
        decimals=1,
    ),
)


def _problems(definition: KpiDefinition) -> list[str]:
    """What is wrong with one definition, checked against the measure table."""
    d = definition
    problems = []
    if d.numerator not in MEASURES:
        problems.append(f"unknown numerator {d.numerator}")
    if d.denominator is not None and d.denominator not in MEASURES:
        problems.append(f"unknown denominator {d.denominator}")
    if d.sample is not None and d.sample not in SAMPLES:
        problems.append(f"unknown sample {d.sample}")
    if d.is_median and (d.sample is None or d.denominator is not None):
        problems.append("a median needs a sample and no denominator")
    if d.is_distribution and (not d.breakdowns or d.denominator is not None):
        problems.append("a distribution needs a breakdown and no denominator")
    for extra in d.extras:
        if (extra.statistic is None) == (extra.measure is None):
            problems.append(f"extra {extra.key}: give a statistic or a measure")
        if extra.statistic is not None and (d.sample is None or extra.statistic not in STATISTICS):
            problems.append(f"extra {extra.key}: unknown statistic, or no sample")
        if extra.measure is not None and extra.measure not in MEASURES:
            problems.append(f"extra {extra.key}: unknown measure {extra.measure}")
    if d.aggregation == "ratio" and d.denominator is None:
        problems.append("a ratio needs a denominator")
    if d.funnel is not None and d.denominator is None:
        problems.append("a funnel needs a denominator")
    if not d.levels or any(level not in ALL_LEVELS for level in d.levels):
        problems.append("bad levels")
    if not (d.title_nl and d.title_en and d.description and d.unit):
        problems.append("missing text")
    if bool(d.reference) != bool(d.reference_en) or bool(d.reference_source) != bool(
        d.reference_source_en
    ):
        problems.append("a reference needs its English text (reference_en, …_source_en)")
    if any(b not in BREAKDOWNS for b in d.breakdowns):
        problems.append("unknown breakdown")
    if (d.norm_low is None) != (d.norm_high is None) or (
        d.norm_low is not None and d.norm_high is not None and d.norm_low > d.norm_high
    ):
        problems.append("a norm needs norm_low <= norm_high")
    return problems


def validate(definitions: tuple[KpiDefinition, ...]) -> Mapping[str, KpiDefinition]:
    """The registry keyed by slug; raises ValueError on the first faulty definition."""
    registry: dict[str, KpiDefinition] = {}
    for definition in definitions:
        problems = _problems(definition)
        if definition.slug in registry:
            problems.insert(0, "duplicate slug")
        if problems:
            raise ValueError(f"KPI registry: {definition.slug}: {', '.join(problems)}")
        registry[definition.slug] = definition
    return MappingProxyType(registry)


REGISTRY: Mapping[str, KpiDefinition] = validate(_DEFINITIONS)
