"""Bad input: a clear error, nothing half-loaded, and a failed import the beheerder can see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import ingest.bulk as bulk
import ingest.loader as loader
from ingest.errors import IngestError, PseudonymKeyMissing
from ingest.loader import load_file
from ingest.pseudonym import is_bsn
from ingest.settings import DEMO_PSEUDONYM_KEY, IngestSettings
from ingest.validate import REDACTED
from models import Contact, ImportBatch, ImportReject, Patient, Provider, ProviderPractice


def _data_counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m))  # type: ignore[misc]
        for m in (Contact, Patient, Provider, ProviderPractice)
    )


def _refused(session: Session, path: Path, **kwargs: object) -> IngestError:
    before = _data_counts(session)
    with pytest.raises(IngestError) as info:
        load_file(session, path, **kwargs)  # type: ignore[arg-type]
    assert _data_counts(session) == before
    report = info.value.report
    assert report is not None and report.status == "failed"
    batch = session.get(ImportBatch, report.import_id)
    assert batch is not None
    assert (batch.status, batch.message, batch.filename) == (
        "failed",
        info.value.message,
        path.name,
    )
    return info.value


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.csv", "Het bestand is leeg."),
        ("header_only.csv", "Het bestand bevat alleen een kopregel en geen gegevens."),
        ("garbage.bin", "binaire inhoud"),
        ("bsn_column.csv", "Kolom 'BSN' bevat burgerservicenummers (BSN)"),
        ("bsn_values.csv", "Kolom 'patientnummer' bevat burgerservicenummers (BSN: negen"),
        ("zipbomb.xlsx", "mogelijk een zip-bom"),
    ],
)
def test_refused_files(
    session: Session, fixtures: Path, practices, name: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    error = _refused(session, fixtures / name)
    assert expected in error.message


def test_missing_required_column_names_it_and_its_aliases(
    session: Session, fixtures: Path, practices
) -> None:  # type: ignore[no-untyped-def]
    error = _refused(session, fixtures / "missing_column.csv")
    assert error.message == (
        "Soort bestand niet herkend aan de kolomkoppen; het lijkt op contacten. "
        "Verplichte kolom ontbreekt voor contacten: 'patientnummer' (geaccepteerde namen: "
        "patientnummer, patiëntnummer, patnr, pat_nr, patnummer, patient_id, patiënt id, "
        "patient, patiënt, his patientnummer)."
    )
    explicit = _refused(session, fixtures / "missing_column.csv", kind="contacten")
    assert explicit.message.startswith(
        "Verplichte kolom ontbreekt voor contacten: "
        "'patientnummer' (geaccepteerde namen: patientnummer"
    )


def test_zip_bomb_refused_by_total_size_too(session: Session, fixtures: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ingest.adapters.xlsx import check_zip

    data = (fixtures / "zipbomb.xlsx").read_bytes()
    with pytest.raises(IngestError, match="uitgepakt groter dan 10 MB"):
        check_zip(data, max_unpacked_bytes=10 * 1024 * 1024, max_ratio=10_000)


def test_bad_rows_are_rejected_with_reasons(session: Session, fixtures: Path, practices) -> None:  # type: ignore[no-untyped-def]
    r = load_file(session, fixtures / "bad_rows.csv")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (10, 2, 8)
    got = [(x.line, x.column, x.value, x.reason) for x in r.rejects]
    assert got == [
        (3, "praktijk_agb", "0100A001", "ongeldige AGB-code: moet 8 cijfers zijn"),
        (
            4,
            "datum",
            "31-02-2025",
            "ongeldige datum (verwacht dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj of jjjj-mm-dd)",
        ),
        (
            5,
            "datum",
            "06-13-2025",
            "ongeldige datum (verwacht dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj of jjjj-mm-dd)",
        ),
        (6, "duur_minuten", "-20", "negatieve duur"),
        (7, None, None, "dubbele regel: zelfde sleutel als regel 2"),
        (8, "tijd", "25:61", "ongeldige tijd (verwacht HH:MM)"),
        (
            8,
            "functie",
            "dokter",
            "onbekende functie (huisarts, poh-ggz, poh-ggz-jeugd, poh-somatiek of anders)",
        ),
        (9, "patientnummer", None, "verplicht veld 'patientnummer' is leeg"),
        (11, "patientnummer", REDACTED, "waarde te lang (maximaal 64 tekens)"),
    ]
    stored = session.execute(
        select(ImportReject.line, ImportReject.column, ImportReject.value)
        .where(ImportReject.import_id == r.import_id)
        .order_by(ImportReject.line, ImportReject.id)
    ).all()
    assert len(stored) == 9
    assert tuple(stored[-1]) == (11, "patientnummer", REDACTED)
    assert session.scalar(select(func.count()).select_from(Contact)) == 2


def test_unknown_practice_rows_are_rejected(session: Session, fixtures: Path) -> None:
    r = load_file(session, fixtures / "contacten_bom.csv")
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (6, 0, 6)
    assert (
        r.reject_reasons[
            "praktijk met deze AGB-code is onbekend: importeer eerst het praktijkenbestand"
        ]
        == 5
    )


def test_crash_mid_file_leaves_database_as_before(
    session: Session, fixtures: Path, practices, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    load_file(session, fixtures / "contacten_bom.csv")
    before = _data_counts(session)
    real = bulk._write_rows

    def failing(ctx, table, frame, **kwargs):  # type: ignore[no-untyped-def]
        if table in ("contacts", "_stage_contacts"):
            real(ctx, table, frame.head(frame.height // 2), **kwargs)  # half written, then:
            raise RuntimeError("schijf vol (ingespoten fout)")
        return real(ctx, table, frame, **kwargs)

    monkeypatch.setattr(bulk, "_write_rows", failing)
    with pytest.raises(RuntimeError, match="ingespoten"):
        load_file(session, fixtures / "contacten_cp1252.csv")
    # Providers and patients were written before the crash: all rolled back.
    assert _data_counts(session) == before
    failed = session.scalars(select(ImportBatch).where(ImportBatch.status == "failed")).one()
    assert failed.filename == "contacten_cp1252.csv"
    assert "schijf vol (ingespoten fout)" in (failed.message or "")


def test_key_is_required_outside_demo_mode() -> None:
    with pytest.raises(PseudonymKeyMissing, match="POHCONNECT_PSEUDONYM_KEY"):
        IngestSettings(pseudonym_key=None, environment="production").pseudonym_key_bytes()
    with pytest.raises(PseudonymKeyMissing, match="te kort"):
        IngestSettings(pseudonym_key="kort").pseudonym_key_bytes()  # type: ignore[arg-type]
    demo = IngestSettings(pseudonym_key=None, environment="demo")
    assert demo.pseudonym_key_bytes() == DEMO_PSEUDONYM_KEY.encode()
    with pytest.raises(PseudonymKeyMissing, match="demosleutel"):
        IngestSettings(
            pseudonym_key=DEMO_PSEUDONYM_KEY,  # type: ignore[arg-type]
            environment="production",
        ).pseudonym_key_bytes()


def test_loader_refuses_without_key(session: Session, fixtures: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(loader, "get_ingest_settings", lambda: IngestSettings(pseudonym_key=None))
    with pytest.raises(PseudonymKeyMissing):
        load_file(session, fixtures / "praktijken.csv")
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("111222333", True),
        ("123456782", True),
        ("999999990", True),
        ("12345672", True),
        ("123456789", False),
        ("000000000", False),
        ("12345", False),
        ("1234567a9", False),
    ],
)
def test_elfproef(value: str, expected: bool) -> None:
    assert is_bsn(value) is expected


def test_future_is_impossible(session: Session, practices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    year = dt.date.today().year + 3
    path = tmp_path / "toekomst.csv"
    path.write_text(
        "praktijk_agb;patientnummer;datum;zorgverlener_code;functie;contactvorm\n"
        f"01000001;1;01-01-{year};02000001;poh-ggz;consult\n"
        "01000001;1;01-01-1850;02000001;poh-ggz;consult\n"
    )
    r = load_file(session, path)
    assert r.rows_rejected == 2
    assert all(x.reason.startswith("onmogelijke datum") for x in r.rejects)


def test_invalid_mapping_file_is_explained(
    session: Session, fixtures: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "fout.toml"
    bad.write_text('soort = "verwijzingen"\n[kolommen]\n"Pat.nr." = "patient"\n')
    error = _refused(session, fixtures / "his_verwijzingen.csv", mapping=bad)
    assert "onbekende contractkolom(men) voor verwijzingen: patient" in error.message
    missing = tmp_path / "mist.toml"
    missing.write_text('soort = "verwijzingen"\n[kolommen]\n"Verwijsnummer" = "verwijzing_id"\n')
    error = _refused(session, fixtures / "his_verwijzingen.csv", mapping=missing)
    assert error.message.startswith(
        "Toewijzing 'verwijzingen': bronkolom 'Verwijsnummer' (voor verwijzing_id) ontbreekt"
    )


def test_missing_xlsx_sheet_is_named(session: Session, fixtures: Path) -> None:
    error = _refused(session, fixtures / "contacten.xlsx", sheet="Blad9")
    assert error.message == "Werkblad 'Blad9' bestaat niet; wel: Contacten, Uren."


def test_xlsx_that_is_not_a_zip(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    error = _refused(session, path)
    assert error.message == "Geen geldig XLSX-bestand (beschadigd zip-archief)."
