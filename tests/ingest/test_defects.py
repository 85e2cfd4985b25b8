"""Import defects of issue 12, each with its input file (tests/fixtures/ingest/defects/, written
by make_fixtures.py) and the exact expectation: the message, the counts, and the database
unchanged or changed as documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.console import print_details
from ingest.errors import IngestError
from ingest.loader import ImportReport, load_file, load_paths, ordered_paths
from models import Contact, ImportBatch, Patient, Practice, Provider, ProviderPractice

DEFECTS = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "defects"


@pytest.fixture
def defects() -> Path:
    return DEFECTS


def test_practice_ids_follow_the_file_order(session: Session, defects: Path) -> None:
    path = defects / "praktijken_30.csv"
    r = load_file(session, path)
    assert (r.rows_read, r.rows_new) == (30, 30)
    in_file = [line.split(";")[0] for line in path.read_text().splitlines()[1:]]
    by_id = session.scalars(
        select(Practice.agb).where(Practice.agb.in_(in_file)).order_by(Practice.id)
    ).all()
    assert by_id == in_file


# ------------------------------------------------------------------------ refused whole files


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m))  # type: ignore[misc]
        for m in (Contact, Patient, Provider, ProviderPractice)
    )


def _refused(session: Session, path: Path, message: str, **kwargs: object) -> None:
    """The file is refused with exactly ``message``, nothing changes, and the failed import
    is recorded under the file's name with that message."""
    before = _counts(session)
    with pytest.raises(IngestError) as info:
        load_file(session, path, **kwargs)  # type: ignore[arg-type]
    assert info.value.message == message
    assert _counts(session) == before
    report = info.value.report
    assert report is not None and report.status == "failed"
    batch = session.get(ImportBatch, report.import_id)
    assert batch is not None
    assert (batch.status, batch.filename, batch.message) == ("failed", path.name, message)


def test_mixed_encodings_are_refused_and_the_stored_name_stays(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    good = load_file(session, defects / "namen_utf8.csv")
    assert (good.rows_read, good.rows_new) == (1, 1)
    _refused(
        session,
        defects / "gemengde_codering.csv",
        "Gemengde tekencodering: regel 2 is UTF-8, maar regel 3 bevat een teken dat geen "
        "UTF-8 is (byte 0xFC, waarschijnlijk Windows-1252). Sla het bestand op in één codering "
        "(bij voorkeur UTF-8) en importeer het opnieuw.",
    )
    name = session.scalar(select(Provider.name).where(Provider.code == "02000009"))
    assert name == "Jan Müller"
    assert session.scalar(select(Provider.id).where(Provider.code == "02000010")) is None


def test_a_byte_of_no_known_encoding_is_refused_with_its_line(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    _refused(
        session,
        defects / "onbekende_codering.csv",
        "Onbekende tekencodering: het bestand is geen UTF-8 en geen Windows-1252 "
        "(regel 2: byte 0x81).",
    )


def test_xlsx_formulas_use_cached_values_and_uncomputed_ones_are_rejects(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    r = load_file(session, defects / "formules.xlsx")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (6, 3, 3)
    assert [(x.line, x.column, x.value, x.reason) for x in r.rejects] == [
        (5, "geboortejaar", None, "cel H5: formule zonder berekende waarde"),
        (6, "datum", None, "cel C6: formule zonder berekende waarde"),
        (7, "duur_minuten", None, "cel D7: formule zonder berekende waarde"),
    ]
    stored = session.execute(
        select(Contact.date, Contact.duration_min, Patient.birth_year)
        .join(Patient, Patient.id == Contact.patient_id)
        .where(Contact.import_id == r.import_id)
        .order_by(Contact.date, Contact.duration_min)
    ).all()
    # D2 = 45 and H2 = 1980 (cached), C3 = 07-01-2025 (cached text), row 4 plain values.
    assert [tuple(s) for s in stored] == [
        (dt.date(2025, 1, 6), 30, 1980),
        (dt.date(2025, 1, 6), 45, 1980),
        (dt.date(2025, 1, 7), 30, 1980),
    ]


def test_deep_json_is_refused_as_such(session: Session, defects: Path) -> None:
    _refused(
        session,
        defects / "diep_genest.json",
        "Geen geldige FHIR-JSON: de gegevens zijn 10.004 niveaus diep genest; meer dan 100 "
        "wordt niet gelezen (een FHIR-bundel heeft er hooguit enkele tientallen).",
    )


def test_a_bad_file_does_not_stop_the_others(
    session: Session, defects: Path, fixtures: Path
) -> None:
    paths = [defects / "diep_genest.json", fixtures / "praktijken.csv"]
    assert ordered_paths(paths) == [fixtures / "praktijken.csv", defects / "diep_genest.json"]
    reports = load_paths(session, paths, stop_on_error=False)
    assert [(r.filename, r.status, r.rows_new) for r in reports] == [
        ("praktijken.csv", "committed", 4),
        ("diep_genest.json", "failed", 0),
    ]


def test_api_refuses_deep_json_with_problem_json(api_client, defects: Path) -> None:  # type: ignore[no-untyped-def]
    data = (defects / "diep_genest.json").read_bytes()
    response = api_client.post(
        "/api/v1/imports", files={"file": ("diep_genest.json", data, "application/json")}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"].startswith(
        "Geen geldige FHIR-JSON: de gegevens zijn 10.004 niveaus diep genest"
    )


def test_duplicated_header_columns_are_refused_by_name(session: Session, defects: Path) -> None:
    _refused(
        session,
        defects / "dubbele_kolom.csv",
        "Dubbele kolom in de kopregel: 'datum' (kolommen 3 en 7). Elke kolom mag één keer "
        "voorkomen: verwijder of hernoem de dubbele.",
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "te_veel_velden.csv",
            "Het CSV-bestand is niet te lezen: regel 3 heeft 8 velden, de kopregel 7 "
            "(scheidingsteken: puntkomma). Staat er een scheidingsteken in een waarde zonder "
            "aanhalingstekens eromheen?",
        ),
        (
            "open_aanhalingsteken.csv",
            'Het CSV-bestand is niet te lezen: het veld met een aanhalingsteken (") op regel 3 '
            "wordt niet goed afgesloten.",
        ),
    ],
)
def test_an_unreadable_csv_names_the_line(
    session: Session, defects: Path, name: str, message: str
) -> None:
    _refused(session, defects / name, message)


def test_xlsx_with_data_on_another_sheet_names_the_sheets_and_the_option(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    _refused(
        session,
        defects / "tweede_werkblad.xlsx",
        "Soort bestand niet herkend aan de kolomkoppen (Export contacten POH-GGZ). Verwacht "
        "een export met de kolommen van praktijken, contacten, verwijzingen of uren (zie "
        "docs/import.md). Gelezen is het eerste werkblad, 'Toelichting'; de werkmap heeft ook "
        "'Contacten', 'Leeg': kies het werkblad met de gegevens met --sheet (API: veld sheet).",
    )
    r = load_file(session, defects / "tweede_werkblad.xlsx", sheet="Contacten")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (1, 1, 0)


# ------------------------------------------------------------------------------ row defects


def test_reject_lines_are_physical_lines(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    r = load_file(session, defects / "regels_met_enter.csv")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (2, 1, 1)
    assert [(x.line, x.column, x.value) for x in r.rejects] == [(5, "datum", "32-01-2025")]
    name = session.scalar(select(Provider.name).where(Provider.code == "02000001"))
    assert name == 'Zoë\n"de"\nVries'


def test_cr_only_line_endings_are_read(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    r = load_file(session, defects / "cr_regeleinden.csv")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (2, 1, 1)
    assert [(x.line, x.column, x.value, x.reason) for x in r.rejects] == [
        (
            3,
            "datum",
            "31-02-2025",
            "ongeldige datum (verwacht dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj of jjjj-mm-dd)",
        )
    ]


def test_durations_are_plain_numbers(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    r = load_file(session, defects / "duur_getallen.csv")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (10, 4, 6)
    assert [(x.line, x.value, x.reason) for x in r.rejects] == [
        (5, "NaN", "duur is geen getal"),
        (6, "1e3", "duur is geen getal"),
        (7, "inf", "duur is geen getal"),
        (8, "-5", "negatieve duur"),
        (9, "2000", "duur langer dan een dag"),
        (10, "1.234,5", "duur is geen getal"),
    ]
    stored = session.scalars(
        select(Contact.duration_min)
        .where(Contact.import_id == r.import_id)
        .order_by(Contact.duration_min)
    ).all()
    assert stored == [13, 20, 31, 45]  # 12.5 and 30,5 rounded half up; " 20 " stripped


# ------------------------------------------------------------- values that conflict with stored


def _patient_and_provider(session: Session) -> tuple[object, ...]:
    return tuple(
        session.execute(
            select(Patient.birth_year, Patient.sex, Provider.name)
            .join(Contact, Contact.patient_id == Patient.id)
            .join(Provider, Provider.id == Contact.provider_id)
            .where(Provider.code == "02000020")
            .distinct()
        ).one()
    )


def _changes(r: ImportReport) -> list[tuple[object, ...]]:
    return [(c.line, c.entity, c.key, c.column, c.old, c.new) for c in r.value_changes]


def test_a_changed_stored_value_is_reported_as_an_update(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    first = load_file(session, defects / "geboortejaar_1970.csv")
    assert (first.rows_new, first.values_updated, first.value_changes) == (2, 0, [])
    assert _patient_and_provider(session) == (1970, "V", "Anna de Wit")

    other = load_file(session, defects / "geboortejaar_1990.csv")
    assert (other.rows_read, other.rows_new, other.rows_updated, other.rows_unchanged) == (
        2,
        0,
        0,
        2,
    )
    assert other.values_updated == 2
    assert _changes(other) == [
        (2, "patiënt", None, "geboortejaar", "1970", "1990"),
        (2, "zorgverlener", "02000020", "naam", "Anna de Wit", "Anna de Wit-Jansen"),
    ]
    assert _patient_and_provider(session) == (1990, "V", "Anna de Wit-Jansen")
    batch = session.get(ImportBatch, other.import_id)
    assert batch is not None and batch.details is not None
    assert batch.details["values_updated"] == 2
    assert batch.details["value_changes"][0] == {
        "line": 2,
        "entity": "patiënt",
        "key": None,
        "column": "geboortejaar",
        "old": "1970",
        "new": "1990",
    }

    again = load_file(session, defects / "geboortejaar_1990.csv")
    assert (again.rows_unchanged, again.values_updated, again.value_changes) == (2, 0, [])
    assert _patient_and_provider(session) == (1990, "V", "Anna de Wit-Jansen")

    # Back to the first file: an update again, never a silent one.
    back = load_file(session, defects / "geboortejaar_1970.csv")
    assert _changes(back) == [
        (2, "patiënt", None, "geboortejaar", "1990", "1970"),
        (2, "zorgverlener", "02000020", "naam", "Anna de Wit-Jansen", "Anna de Wit"),
    ]

    console = Console(record=True, width=200)
    print_details(console, [back])
    assert console.export_text().splitlines()[-3:] == [
        "geboortejaar_1970.csv: 2 opgeslagen waarden bijgewerkt",
        "    regel 2, patiënt: geboortejaar 1990 → 1970",
        "    regel 2, zorgverlener 02000020: naam Anna de Wit-Jansen → Anna de Wit",
    ]


def test_values_a_file_contradicts_itself_on_are_rejected(
    session: Session, defects: Path, practices: ImportReport
) -> None:
    r = load_file(session, defects / "tegenstrijdig.csv")
    assert (r.rows_read, r.rows_new, r.rows_rejected, r.values_updated) == (7, 1, 6, 0)
    birth = "tegenstrijdig geboortejaar voor dezelfde patiënt in dit bestand"
    sex = "tegenstrijdig geslacht voor dezelfde patiënt in dit bestand"
    name = "tegenstrijdige naam voor dezelfde zorgverlener in dit bestand"
    assert [(x.line, x.column, x.value, x.reason) for x in r.rejects] == [
        (2, "geboortejaar", "1980", birth),
        (3, "geboortejaar", "1981", birth),
        (5, "geslacht", "M", sex),
        (6, "geslacht", "V", sex),
        (7, "zorgverlener_naam", "Piet Bos", name),
        (8, "zorgverlener_naam", "Pieter Bos", name),
    ]
    # Only line 4 is stored: its patient without a geboortejaar; no provider 02000021.
    stored = session.execute(
        select(Contact.date, Patient.birth_year)
        .join(Patient)
        .where(Contact.import_id == r.import_id)
    ).all()
    assert [tuple(s) for s in stored] == [(dt.date(2025, 1, 8), None)]
    assert session.scalar(select(Provider.id).where(Provider.code == "02000021")) is None
