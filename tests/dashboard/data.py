"""A small, fully known region for the dashboard tests (client and browser).

Six practices in region ``regio-dash``, one POH each, POH contacts in 2025Q1–2025Q3 with counts
that differ per practice and quarter (``EXPECTED_CONTACTS``), huisarts contacts and referrals for
waiting times and flows, and contracted hours. Built with tests/factories.py; flushes, never
commits (the caller decides).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tests.factories import (
    make_contact,
    make_hours,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

REGION = "regio-dash"
REGION_NAME = "Regio Dashboard"
QUARTERS = ("2025Q1", "2025Q2", "2025Q3")
QUARTER_STARTS = {
    "2025Q1": dt.date(2025, 1, 6),
    "2025Q2": dt.date(2025, 4, 7),
    "2025Q3": dt.date(2025, 7, 7),
}
PRACTICE_NAMES = (
    "Huisartsenpraktijk De Linde",
    "Gezondheidscentrum Het Anker",
    "Praktijk Oosterpark",
    "Huisartsen Zuiderhout",
    "Medisch Centrum Westwijk",
    "Praktijk Noorderhaven",
)


def contacts_for(index: int, q: int) -> int:
    """POH contacts of practice ``index`` (0-based) in quarter ``q`` (0-based)."""
    return 60 + 15 * index + 8 * q


@dataclass
class DashRegion:
    agbs: list[str] = field(default_factory=list)
    # (agb, quarter label) → POH contacts
    contacts: dict[tuple[str, str], int] = field(default_factory=dict)


def build_region(session: Session) -> DashRegion:
    out = DashRegion()
    region = make_region(session, slug=REGION, name=REGION_NAME)
    for i, name in enumerate(PRACTICE_NAMES):
        agb = f"0199{i + 1:04d}"
        practice = make_practice(
            session,
            agb=agb,
            name=name,
            region=region,
            listed=1800 + 350 * i,
            peildatum=dt.date(2025, 1, 1),
        )
        out.agbs.append(agb)
        poh = make_provider(
            session, code=f"POHD{i + 1:03d}", name=f"POH {i + 1}", practices=(practice,)
        )
        ha = make_provider(
            session, code=f"HAD{i + 1:03d}", functie="huisarts", practices=(practice,)
        )
        patients = [make_patient(session, practice=practice) for _ in range(25 + 5 * i)]
        for q, label in enumerate(QUARTERS):
            start = QUARTER_STARTS[label]
            n = contacts_for(i, q)
            out.contacts[(agb, label)] = n
            for k in range(n):
                patient = patients[k % len(patients)]
                day = start + dt.timedelta(days=(k * 5) % 77)
                if q == 0 and k < len(patients):
                    # aanmelding: a huisarts contact with a P code some days before the intake
                    make_contact(
                        session,
                        patient=patient,
                        provider=ha,
                        date=day - dt.timedelta(days=3 + 2 * i + k % 5),
                        icpc="P76",
                    )
                    make_referral(
                        session,
                        patient=patient,
                        date=day - dt.timedelta(days=3 + 2 * i + k % 5),
                        destination="poh-ggz",
                        referrer=ha,
                    )
                make_contact(
                    session,
                    patient=patient,
                    provider=poh,
                    date=day,
                    contactvorm="telefonisch" if k % 4 == 3 else "consult",
                    icpc="P76" if k % 2 else "P74",
                )
            # some GGZ referrals per quarter
            for k in range(1 + (i + q) % 3):
                make_referral(
                    session,
                    patient=patients[k],
                    date=start + dt.timedelta(days=40 + k),
                    destination=("gb-ggz", "s-ggz", "sociaal-domein")[k % 3],
                    referrer=poh if k % 2 == 0 else ha,
                )
            # contracted hours: every week of the quarter
            for w in range(12):
                make_hours(
                    session,
                    provider=poh,
                    practice=practice,
                    week_start=start + dt.timedelta(weeks=w),
                    contract=5.0 + i,
                    worked=5.0 + i,
                    direct=4.0 + i,
                    indirect=1.0,
                )
    return out
