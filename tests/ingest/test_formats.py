"""Each sample file loads with exact counts and values (SQLite, and PostgreSQL when given)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from ingest.loader import load_file, load_paths
from ingest.pseudonym import pseudonym
from models import (
    Contact,
    HoursWeek,
    ImportBatch,
    Patient,
    Practice,
    PracticeListSize,
    Provider,
    ProviderPractice,
    Referral,
    Region,
)


def _counts(r) -> tuple[int, int, int, int, int]:  # type: ignore[no-untyped-def]
    return (r.rows_read, r.rows_new, r.rows_updated, r.rows_unchanged, r.rows_rejected)


def test_praktijken_utf8_semicolon(session: Session, fixtures: Path) -> None:
    r = load_file(session, fixtures / "praktijken.csv")
    assert (r.kind, r.source_format, r.status) == ("praktijken", "csv", "committed")
    assert _counts(r) == (4, 4, 0, 0, 0)
    assert (r.period_start, r.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 7, 1))
    assert r.practices == ["01000001", "01000002", "01000003"]
    regions = dict(session.execute(select(Region.slug, Region.name)).all())
    assert regions == {"regio-west": "Regio West", "regio-oost": "Regio Oost"}
    assert session.scalar(select(Practice.name).where(Practice.agb == "01000003")) == (
        "Praktijk Ëmmen-Zuid"
    )
    sizes = session.execute(
        select(Practice.agb, PracticeListSize.peildatum, PracticeListSize.listed)
        .join(Practice)
        .order_by(Practice.agb, PracticeListSize.peildatum)
    ).all()
    assert [tuple(s) for s in sizes] == [
        ("01000001", dt.date(2025, 1, 1), 2350),
        ("01000001", dt.date(2025, 7, 1), 2410),
        ("01000002", dt.date(2025, 1, 1), 3100),
        ("01000003", dt.date(2025, 1, 1), 1875),
    ]
    batch = session.get(ImportBatch, r.import_id)
    assert batch is not None and batch.status == "committed" and batch.rows_new == 4


def test_contacten_windows1252_semicolon_ddmmjjjj(
    session: Session, fixtures: Path, practices, key: bytes
) -> None:  # type: ignore[no-untyped-def]
    r = load_file(session, fixtures / "contacten_cp1252.csv")
    assert (r.kind, r.source_format) == ("contacten", "csv")
    assert _counts(r) == (8, 8, 0, 0, 0)
    assert r.unknown_columns == ["Naam patiënt", "Opmerking"]
    assert (r.period_start, r.period_end) == (dt.date(2025, 1, 3), dt.date(2025, 1, 31))
    assert r.practices == ["01000001", "01000002"]

    providers = dict(session.execute(select(Provider.code, Provider.name)).all())
    assert providers == {
        "02000001": "Zoë de Vries",
        "01000101": "Dr. Kuipers",
        "02000002": "Sanne Ruiters",
        "01000201": "Dr. Öztürk",
    }
    assert session.scalar(select(Provider.functie).where(Provider.code == "02000002")) == (
        "poh-ggz-jeugd"
    )
    assert session.scalar(select(func.count()).select_from(ProviderPractice)) == 5
    assert session.scalar(select(func.count()).select_from(Patient)) == 5
    p1 = session.scalar(select(Practice.id).where(Practice.agb == "01000001"))
    patient = session.scalar(
        select(Patient).where(
            Patient.practice_id == p1, Patient.pseudonym == pseudonym(key, "01000001", "10001")
        )
    )
    assert patient is not None and (patient.birth_year, patient.sex) == (1980, "V")
    rows = session.execute(
        select(
            Contact.date,
            Contact.time,
            Contact.functie,
            Contact.contactvorm,
            Contact.duration_min,
            Contact.icpc,
            Contact.source_episode_id,
        )
        .where(Contact.patient_id == patient.id)
        .order_by(Contact.date)
    ).all()
    assert [tuple(x) for x in rows] == [
        (dt.date(2025, 1, 6), dt.time(9, 0), "poh-ggz", "consult", 45, "P74", "E1"),
        (dt.date(2025, 1, 20), dt.time(9, 0), "poh-ggz", "consult", 31, "P74", "E1"),
    ]
    forms = session.execute(
        select(Contact.contactvorm, func.count()).group_by(Contact.contactvorm)
    ).all()
    assert dict(forms) == {
        "consult": 3,
        "telefonisch": 1,
        "video": 1,
        "groep": 1,
        "visite": 1,
        "e-consult": 1,
    }


def test_patient_names_and_numbers_are_never_stored(
    session: Session, fixtures: Path, practices
) -> None:  # type: ignore[no-untyped-def]
    load_file(session, fixtures / "contacten_cp1252.csv")
    conn = session.connection()
    found = []
    for table in inspect(conn).get_table_names():
        for row in conn.execute(text(f'SELECT * FROM "{table}"')):
            found += [v for v in row if isinstance(v, str)]
    blob = "\n".join(found)
    for needle in ("Jansen", "Marieke", "Bakker", "de Graaf", "geëvalueerd"):
        assert needle not in blob
    assert "10001" not in {v for v in found}


def test_contacten_utf8_bom_comma_iso_and_verrichtingcodes(
    session: Session, fixtures: Path, practices
) -> None:  # type: ignore[no-untyped-def]
    r = load_file(session, fixtures / "contacten_bom.csv")
    assert _counts(r) == (6, 5, 0, 0, 1)
    assert [(x.line, x.column, x.value) for x in r.rejects] == [(7, "verrichtingcode", "13042")]
    assert r.rejects[0].reason.startswith("verrichtingcode is geen contact")
    rows = session.execute(
        select(
            Contact.source_id,
            Contact.natural_key,
            Contact.contactvorm,
            Contact.verrichtingcode,
            Contact.duration_min,
        ).order_by(Contact.source_id)
    ).all()
    assert [tuple(x) for x in rows] == [
        ("C-1", "C-1", "consult", "12001", 22),
        ("C-2", "C-2", "consult", "12001", 45),
        ("C-3", "C-3", "consult", "12010", 5),
        ("C-4", "C-4", "visite", "12003", 30),
        ("C-5", "C-5", "e-consult", "12007", None),
    ]


def test_verwijzingen_tab_with_tabel12_and_echelon(
    session: Session, fixtures: Path, practices
) -> None:  # type: ignore[no-untyped-def]
    load_file(session, fixtures / "contacten_cp1252.csv")
    r = load_file(session, fixtures / "verwijzingen.tsv")
    assert (r.kind, _counts(r)) == ("verwijzingen", (5, 5, 0, 0, 0))
    rows = session.execute(
        select(
            Referral.source_id,
            Referral.destination,
            Referral.destination_code,
            Referral.echelon,
            Referral.institution,
            Provider.code,
            Referral.referrer_functie,
        )
        .outerjoin(Provider, Provider.id == Referral.referrer_provider_id)
        .order_by(Referral.source_id)
    ).all()
    assert [tuple(x) for x in rows] == [
        ("V1", "poh-ggz", "poh-ggz", None, None, "01000101", "huisarts"),
        ("V2", "gb-ggz", "ELP", None, "Psychologenpraktijk Oost", "02000001", "poh-ggz"),
        ("V3", "s-ggz", "PTH", "S-GGZ", "GGZ Noord", "02000002", "poh-ggz-jeugd"),
        ("V4", "sociaal-domein", "AMW", None, "Wijkteam", "01000201", "huisarts"),
        ("V5", "anders", "XYZ", None, None, None, None),
    ]


def test_uren_weeks_and_periods(session: Session, fixtures: Path, practices) -> None:  # type: ignore[no-untyped-def]
    r = load_file(session, fixtures / "uren.csv")
    assert (r.kind, _counts(r)) == ("uren", (4, 4, 0, 0, 0))
    assert (r.period_start, r.period_end) == (dt.date(2025, 1, 6), dt.date(2025, 1, 19))
    rows = session.execute(
        select(
            Provider.code,
            Practice.agb,
            HoursWeek.week_start,
            HoursWeek.hours_contract,
            HoursWeek.hours_worked,
            HoursWeek.hours_direct,
            HoursWeek.hours_indirect,
        )
        .join(Provider, Provider.id == HoursWeek.provider_id)
        .join(Practice, Practice.id == HoursWeek.practice_id)
        .order_by(HoursWeek.week_start, Provider.code, Practice.agb)
    ).all()
    assert [tuple(x) for x in rows] == [
        ("02000001", "01000001", dt.date(2025, 1, 6), 16.0, 15.5, 12.5, 3.0),
        ("02000001", "01000002", dt.date(2025, 1, 6), 8.0, 8.0, 6.0, 2.0),
        ("02000001", "01000001", dt.date(2025, 1, 13), 16.0, 16.0, 13.0, 3.0),
        ("02000002", "01000001", dt.date(2025, 1, 13), 12.0, None, None, None),
    ]
    assert set(session.scalars(select(Provider.functie))) == {"poh-ggz"}


def test_xlsx_first_sheet_and_named_sheet(session: Session, fixtures: Path, practices) -> None:  # type: ignore[no-untyped-def]
    r = load_file(session, fixtures / "contacten.xlsx")
    assert (r.kind, r.source_format, _counts(r)) == ("contacten", "xlsx", (4, 4, 0, 0, 0))
    assert r.practices == ["01000001", "01000002"]  # leading zero restored
    assert (r.period_start, r.period_end) == (dt.date(2025, 3, 3), dt.date(2025, 3, 17))
    rows = session.execute(
        select(Contact.date, Contact.time, Contact.contactvorm, Contact.duration_min).order_by(
            Contact.date
        )
    ).all()
    assert [tuple(x) for x in rows] == [
        (dt.date(2025, 3, 3), dt.time(9, 0), "consult", 45),
        (dt.date(2025, 3, 4), None, "telefonisch", 5),
        (dt.date(2025, 3, 5), dt.time(14, 30), "video", 30),
        (dt.date(2025, 3, 17), dt.time(9, 0), "consult", 40),
    ]
    hours = load_file(session, fixtures / "contacten.xlsx", sheet="Uren")
    assert (hours.kind, _counts(hours)) == ("uren", (2, 2, 0, 0, 0))
    assert sorted(session.scalars(select(HoursWeek.hours_contract))) == [8.5, 16.0]


def test_fhir_bundle(session: Session, fixtures: Path, practices, key: bytes) -> None:  # type: ignore[no-untyped-def]
    r = load_file(session, fixtures / "fhir_bundle.json")
    assert (r.kind, r.source_format) == ("gemengd", "fhir")
    assert _counts(r) == (4, 4, 0, 0, 0)
    assert r.unknown_columns == ["resource Observation"]
    assert (r.period_start, r.period_end) == (dt.date(2025, 4, 1), dt.date(2025, 4, 8))
    batch = session.get(ImportBatch, r.import_id)
    assert batch is not None
    assert batch.details["per_kind"]["contacten"]["new"] == 3  # type: ignore[index]
    assert batch.details["per_kind"]["verwijzingen"]["new"] == 1  # type: ignore[index]

    rows = session.execute(
        select(
            Contact.source_id,
            Patient.pseudonym,
            Patient.birth_year,
            Patient.sex,
            Provider.code,
            Contact.functie,
            Contact.contactvorm,
            Contact.duration_min,
            Contact.icpc,
            Contact.time,
        )
        .join(Patient, Patient.id == Contact.patient_id)
        .join(Provider, Provider.id == Contact.provider_id)
        .order_by(Contact.source_id)
    ).all()
    his_nr = pseudonym(key, "01000001", "10001")
    logical = pseudonym(key, "01000001", "pat-2")  # only a BSN: the logical id, never the BSN
    assert [tuple(x) for x in rows] == [
        ("enc-1", his_nr, 1984, "V", "02000001", "poh-ggz", "consult", 45, "P74", dt.time(9, 0)),
        ("enc-2", his_nr, 1984, "V", "02000001", "poh-ggz", "video", 30, None, dt.time(10, 0)),
        (
            "enc-3",
            logical,
            2001,
            "M",
            "01000101",
            "huisarts",
            "visite",
            None,
            "P03",
            dt.time(16, 0),
        ),
    ]
    assert session.scalar(select(Provider.name).where(Provider.code == "01000101")) == (
        "Jan Kuipers"
    )
    ref = session.execute(
        select(
            Referral.source_id,
            Referral.date,
            Referral.destination,
            Referral.destination_code,
            Referral.institution,
            Referral.referrer_functie,
            Referral.icpc,
        )
    ).one()
    assert tuple(ref) == (
        "sr-1",
        dt.date(2025, 4, 3),
        "s-ggz",
        "PSY",
        "GGZ Centraal",
        "huisarts",
        "P76",
    )
    bsn_hashes = {pseudonym(key, "01000001", b) for b in ("111222333", "123456782")}
    assert not bsn_hashes & set(session.scalars(select(Patient.pseudonym)))


def test_mapping_file_example(session: Session, fixtures: Path, practices) -> None:  # type: ignore[no-untyped-def]
    mapping = (
        Path(__file__).resolve().parents[2] / "ingest/mappings/voorbeeld_his_verwijzingen.toml"
    )
    r = load_file(session, fixtures / "his_verwijzingen.csv", mapping=mapping)
    assert (r.kind, _counts(r)) == ("verwijzingen", (4, 4, 0, 0, 0))
    assert r.practices == ["01000001"]
    rows = session.execute(
        select(
            Referral.date,
            Referral.destination,
            Referral.destination_code,
            Referral.institution,
            Referral.referrer_functie,
            Referral.icpc,
        ).order_by(Referral.date)
    ).all()
    assert [tuple(x) for x in rows] == [
        (dt.date(2025, 2, 5), "gb-ggz", "ELP", "Psychologenpraktijk Oost", "huisarts", "P74"),
        (dt.date(2025, 2, 6), "s-ggz", "GGZ", "GGZ Noord", "huisarts", "P76"),
        (dt.date(2025, 2, 7), "poh-ggz", "POH", None, "huisarts", "P02"),
        (dt.date(2025, 2, 10), "sociaal-domein", "MW", "Wijkteam", "poh-ggz", "Z05"),
    ]


def test_load_paths_orders_by_kind(session: Session, fixtures: Path) -> None:
    reports = load_paths(
        session,
        [
            fixtures / "uren.csv",
            fixtures / "verwijzingen.tsv",
            fixtures / "contacten_cp1252.csv",
            fixtures / "praktijken.csv",
        ],
    )
    assert [r.kind for r in reports] == ["praktijken", "contacten", "verwijzingen", "uren"]
    assert [r.rows_rejected for r in reports] == [0, 0, 0, 0]
    assert [r.rows_new for r in reports] == [4, 8, 5, 4]


def test_load_paths_with_console_progress(session: Session, fixtures: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The demo calls load_paths(…, progress=True): bars and the summary on the console."""
    reports = load_paths(
        session, [fixtures / "contacten_bom.csv", fixtures / "praktijken.csv"], progress=True
    )
    assert [(r.kind, r.rows_new) for r in reports] == [("praktijken", 4), ("contacten", 5)]
    out = capsys.readouterr().out
    assert "Importverslag" in out and "contacten_bom.csv" in out
