"""Row builders for verwijzingen and huisarts contacts, in the HIS's own wording."""

from __future__ import annotations

import random
from datetime import date

from pohconnect.demo import vocab
from pohconnect.demo.model import Patient, Person, Practice, random_time, weighted


def referral_row(
    rng: random.Random,
    practice: Practice,
    patient: Patient,
    day: date,
    destination: str,
    referrer: Person,
    icpc: str,
) -> tuple:
    youth = day.year - patient.birth_year < 18
    echelon = ""
    if destination in ("gb-ggz", "s-ggz"):
        if practice.tabel12_style:
            if destination == "gb-ggz":
                code = weighted(rng, (("PTH", 4), ("ELP", 2.5), ("GGZ", 2), ("PSY", 1.5)))
                ambiguous = code in ("GGZ", "PSY")
            else:
                code = weighted(rng, (("GGZ", 6), ("PSY", 2.5), ("VER", 1.5)))
                ambiguous = False
            if rng.random() < (0.85 if ambiguous else 0.35):
                echelon = "GB-GGZ" if destination == "gb-ggz" else "S-GGZ"
            bestemming = code
        else:
            bestemming = destination
            if rng.random() < 0.2:
                echelon = "GB-GGZ" if destination == "gb-ggz" else "S-GGZ"
        pool = vocab.INSTELLINGEN_GB if destination == "gb-ggz" else vocab.INSTELLINGEN_S
    elif destination == "sociaal-domein":
        if practice.tabel12_style:
            bestemming = "JGZ" if youth else rng.choice(("AMW", "AMW", "SOD"))
        else:
            bestemming = destination
        pool = vocab.INSTELLINGEN_SOCIAAL
    elif destination == "ehealth":
        bestemming = "ehealth"
        pool = vocab.INSTELLINGEN_EHEALTH
    else:
        bestemming = destination
        pool = ()
    instelling = rng.choice(pool) if pool and rng.random() < 0.85 else ""
    return (
        practice.agb,
        patient.number,
        day,
        referrer.code,
        referrer.functie,
        bestemming,
        echelon,
        instelling,
        icpc if rng.random() < 0.8 else "",
    )


def huisarts_contact(
    rng: random.Random,
    practice: Practice,
    patient: Patient,
    day: date,
    icpc: str,
    huisarts: Person | None = None,
) -> tuple:
    doctor = huisarts or rng.choice(practice.huisartsen)
    x = rng.random()
    if x < 0.7:
        form = "consult"
        minutes = rng.choice((10, 10, 10, 15, 15, 20, 25))
        short_code = "12000" if practice.old_consult_code else "12011"
        code = "12001" if minutes >= 20 else short_code
        time = random_time(rng, 8 * 60, 17 * 60, 10)
    elif x < 0.95:
        form = "telefonisch"
        minutes = rng.choice((5, 5, 10))
        code = "12010" if minutes < 5 or rng.random() < 0.3 else "12011"
        time = random_time(rng, 8 * 60, 10 * 60 + 30, 5)
    else:
        form = "visite"
        minutes = rng.choice((20, 25, 30))
        code = "12003"
        time = random_time(rng, 12 * 60, 14 * 60, 10)
    return (
        practice.agb,
        patient.number,
        patient.birth_year,
        patient.sex,
        day,
        time,
        doctor.code,
        doctor.name,
        doctor.functie,
        form,
        code,
        minutes,
        icpc,
        "",
    )
