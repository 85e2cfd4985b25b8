"""The import contract (domain.md §3): kinds, columns, header aliases, kind recognition and
the value vocabularies (functie, contactvorm, bestemming …) that validation and the adapters share.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.errors import IngestError
from models.enums import Bestemming, Contactvorm, Functie, ImportKind


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    patient: bool = False  # holds a patient identifier: redacted in rejects

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Identity:
    """How a row of a kind is recognised again (domain.md §3). Column names are those of the
    validated rows, or of the rows as the writer stores them (``key``, ``hash_columns``)."""

    key: tuple[str, ...]  # the table's unique key: a stored row with it is the same row
    # Columns that make a second row of one file a duplicate (with the natural key, if any).
    file_key: tuple[str, ...]
    # The natural key: the export's own row id where it has one, else a SHA-1 of key_parts
    # (the patient number first; stored keys hash its pseudonym instead).
    source_id: str | None = None
    key_parts: tuple[str, ...] = ()
    # What the row hash covers: a row whose hash is unchanged is not written again.
    hash_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindSpec:
    kind: str
    columns: tuple[Column, ...]
    # Groups of which at least one column is required ("one of contactvorm and verrichtingcode").
    one_of: tuple[tuple[str, ...], ...] = field(default=())
    identity: Identity = Identity(key=(), file_key=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


_AGB_PRAKTIJK = Column(
    "praktijk_agb",
    True,
    (
        "agb praktijk",
        "agb-code praktijk",
        "agbcode praktijk",
        "praktijk agb-code",
        "praktijkcode",
        "agb",
        "praktijk",
    ),
)
_PATNR = Column(
    "patientnummer",
    True,
    (
        "patiëntnummer",
        "patnr",
        "pat_nr",
        "patnummer",
        "patient_id",
        "patiënt id",
        "patient",
        "patiënt",
        "his patientnummer",
    ),
    patient=True,
)

SPECS: dict[str, KindSpec] = {
    ImportKind.PRAKTIJKEN.value: KindSpec(
        ImportKind.PRAKTIJKEN.value,
        (
            _AGB_PRAKTIJK,
            Column("praktijk_naam", True, ("praktijknaam", "naam praktijk", "naam")),
            Column("regio", True, ("regionaam", "region", "huisartsenorganisatie", "zorggroep")),
            Column("peildatum", True, ("datum", "peil datum")),
            Column(
                "ingeschreven_patienten",
                True,
                (
                    "ingeschreven patiënten",
                    "ingeschreven",
                    "aantal patienten",
                    "aantal ingeschrevenen",
                    "praktijkgrootte",
                    "patienten",
                ),
            ),
        ),
        identity=Identity(key=("practice_id", "peildatum"), file_key=("praktijk_agb", "peildatum")),
    ),
    ImportKind.CONTACTEN.value: KindSpec(
        ImportKind.CONTACTEN.value,
        (
            Column("contact_id", False, ("contactid", "consult_id", "id")),
            _AGB_PRAKTIJK,
            _PATNR,
            Column("geboortejaar", False, ("gebjaar", "geboorte jaar", "jaar van geboorte")),
            Column("geslacht", False, ("sexe", "gender")),
            Column("datum", True, ("contactdatum", "consultdatum", "datum contact")),
            Column("tijd", False, ("tijdstip", "starttijd", "begintijd", "contacttijd")),
            Column(
                "zorgverlener_code",
                True,
                (
                    "zorgverlener agb",
                    "agb zorgverlener",
                    "zorgverlener",
                    "behandelaar",
                    "behandelaar code",
                    "medewerker code",
                    "gebruikerscode",
                    "uitvoerder",
                ),
            ),
            Column("zorgverlener_naam", False, ("naam zorgverlener", "behandelaar naam")),
            Column("functie", True, ("discipline", "rol", "zorgverlener functie")),
            Column("contactvorm", False, ("contacttype", "soort contact", "type contact")),
            Column("verrichtingcode", False, ("verrichting", "prestatiecode", "prestatie")),
            Column("duur_minuten", False, ("duur", "duur min", "minuten", "duur in minuten")),
            Column("icpc", False, ("icpc code", "icpc-code", "episode icpc", "diagnose")),
            Column("episode_id", False, ("episode", "episodenummer", "episode code")),
        ),
        one_of=(("contactvorm", "verrichtingcode"),),
        identity=Identity(
            key=("practice_id", "natural_key"),
            file_key=("praktijk_agb",),
            source_id="contact_id",
            key_parts=("patientnummer", "datum", "tijd", "zorgverlener_code", "contactvorm"),
            hash_columns=(
                "patient_id",
                "zorgverlener_code",
                "datum",
                "tijd",
                "functie",
                "contactvorm",
                "verrichtingcode",
                "duur_minuten",
                "icpc",
                "episode_id",
                "contact_id",
            ),
        ),
    ),
    ImportKind.VERWIJZINGEN.value: KindSpec(
        ImportKind.VERWIJZINGEN.value,
        (
            Column("verwijzing_id", False, ("verwijzingid", "id")),
            _AGB_PRAKTIJK,
            _PATNR,
            Column("datum", True, ("verwijsdatum", "datum verwijzing", "verwijzingsdatum")),
            Column("verwijzer_code", False, ("verwijzer", "verwijzer agb")),
            Column("verwijzer_functie", False, ("functie verwijzer",)),
            Column(
                "bestemming",
                True,
                ("soort derde", "verwezen naar", "bestemming code", "soortderde code"),
            ),
            Column("echelon", False, ("ggz echelon",)),
            Column("instelling", False, ("ontvanger", "zorgaanbieder", "ontvangende instelling")),
            Column("icpc", False, ("icpc code", "icpc-code", "diagnose")),
        ),
        identity=Identity(
            key=("practice_id", "natural_key"),
            file_key=("praktijk_agb",),
            source_id="verwijzing_id",
            key_parts=("patientnummer", "datum", "destination_code"),
            hash_columns=(
                "pseudonym",
                "datum",
                "verwijzer_code",
                "verwijzer_functie",
                "destination",
                "destination_code",
                "echelon",
                "instelling",
                "icpc",
                "verwijzing_id",
            ),
        ),
    ),
    ImportKind.UREN.value: KindSpec(
        ImportKind.UREN.value,
        (
            Column(
                "zorgverlener_code",
                True,
                ("zorgverlener agb", "agb zorgverlener", "zorgverlener", "poh code", "poh"),
            ),
            _AGB_PRAKTIJK,
            Column("week", False, ("iso week", "isoweek", "jaarweek")),
            Column("periode_start", False, ("week start", "van", "startdatum")),
            Column("periode_eind", False, ("week eind", "tot", "einddatum")),
            Column(
                "uren_contract",
                True,
                ("contracturen", "gecontracteerde uren", "uren gecontracteerd"),
            ),
            Column("uren_gewerkt", False, ("gewerkte uren", "uren gerealiseerd")),
            Column("uren_direct", False, ("directe uren", "direct")),
            Column("uren_indirect", False, ("indirecte uren", "indirect")),
        ),
        one_of=(("week", "periode_start"),),
        identity=Identity(
            key=("provider_id", "practice_id", "week_start"),
            file_key=("zorgverlener_code", "praktijk_agb", "week_start"),
            hash_columns=("hours_contract", "hours_worked", "hours_direct", "hours_indirect"),
        ),
    ),
}

# ------------------------------------------------------------------- vocabularies


def vocabulary_key(value: str) -> str:
    """How a vocabulary value is looked up: case, spaces, hyphens and underscores do not
    matter."""
    return value.lower().replace(" ", "").replace("-", "").replace("_", "")


FUNCTIE_ALIASES: dict[str, str] = {
    **{vocabulary_key(f.value): f.value for f in Functie},
    "ha": "huisarts",
    "arts": "huisarts",
    "waarnemer": "huisarts",
    "waarnemendhuisarts": "huisarts",
    "haio": "huisarts",
    "aios": "huisarts",
    "praktijkondersteunerggz": "poh-ggz",
    "pohggzvolwassenen": "poh-ggz",
    "pohjeugd": "poh-ggz-jeugd",
    "pohjggz": "poh-ggz-jeugd",
    "pohjeugdggz": "poh-ggz-jeugd",
    "pohs": "poh-somatiek",
    "praktijkondersteunersomatiek": "poh-somatiek",
    "praktijkverpleegkundige": "poh-somatiek",
    "overig": "anders",
    "assistent": "anders",
    "doktersassistent": "anders",
    "other": "anders",
}

CONTACTVORM_ALIASES: dict[str, str] = {
    **{vocabulary_key(c.value): c.value for c in Contactvorm},
    "spreekuur": "consult",
    "spreekuurconsult": "consult",
    "regulierconsult": "consult",
    "huisbezoek": "visite",
    "telefoon": "telefonisch",
    "tel": "telefonisch",
    "telefonischconsult": "telefonisch",
    "videoconsult": "video",
    "beeldbellen": "video",
    "beeldbelconsult": "video",
    "emailconsult": "e-consult",
    "email": "e-consult",
    "groepsconsult": "groep",
    "groepsbijeenkomst": "groep",
}

# NZa prestatiecodes that are consults (domain.md §2); anything else is not a contact.
VERRICHTING_CONTACTVORM: dict[str, str] = {
    "12000": "consult",
    "12001": "consult",
    "12010": "consult",
    "12011": "consult",
    "12002": "visite",
    "12003": "visite",
    "12007": "e-consult",
}

GESLACHT_ALIASES: dict[str, str] = {
    "m": "M",
    "man": "M",
    "male": "M",
    "v": "V",
    "vrouw": "V",
    "f": "V",
    "female": "V",
    "w": "V",
    "x": "X",
    "o": "O",
    "onbekend": "O",
    "u": "O",
    "unknown": "O",
}

BESTEMMING_ALIASES: dict[str, str] = {
    **{vocabulary_key(b.value): b.value for b in Bestemming},
    "gbggz": "gb-ggz",
    "basisggz": "gb-ggz",
    "sggz": "s-ggz",
    "specialistischeggz": "s-ggz",
    "sociaaldomein": "sociaal-domein",
    "wijkteam": "sociaal-domein",
}

# NHG Tabel 12 "soort derde" → destination (domain.md §3); other codes → anders.
DEFAULT_TABEL12: dict[str, str] = {
    "ELP": "gb-ggz",
    "PTH": "gb-ggz",
    "GGZ": "s-ggz",
    "PSY": "s-ggz",
    "VER": "s-ggz",
    "AMW": "sociaal-domein",
    "SOD": "sociaal-domein",
    "JGZ": "sociaal-domein",
}

ECHELON_ALIASES: dict[str, str] = {
    "gbggz": "GB-GGZ",
    "gb": "GB-GGZ",
    "basisggz": "GB-GGZ",
    "sggz": "S-GGZ",
    "s": "S-GGZ",
    "specialistischeggz": "S-GGZ",
}
ECHELON_DESTINATION = {"GB-GGZ": "gb-ggz", "S-GGZ": "s-ggz"}

MAX_LENGTHS: dict[str, int] = {
    "patientnummer": 64,
    "contact_id": 64,
    "verwijzing_id": 64,
    "episode_id": 64,
    "zorgverlener_code": 32,
    "verwijzer_code": 32,
    "zorgverlener_naam": 200,
    "praktijk_naam": 200,
    "regio": 200,
    "instelling": 200,
}

# Order in which load_paths imports kinds: practices first, hours last.
KIND_ORDER: tuple[str, ...] = tuple(k.value for k in ImportKind)

# Headers that announce direct identifiers: a BSN column refuses the file; the others are
# ignored (never read) and listed as unknown columns.
BSN_HEADERS = frozenset({"bsn", "burgerservicenummer", "sofinummer", "bsnpatient", "patientbsn"})


def normalise_header(name: str) -> str:
    """Case, spaces, hyphens, underscores, dots and diacritics do not matter."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-_.()/]+", "", plain.lower())


@dataclass(frozen=True)
class HeaderMatch:
    kind: str
    rename: dict[str, str]  # source header → contract column
    unknown: list[str]  # source headers ignored


def _lookup(spec: KindSpec) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in spec.columns:
        for alias in col.accepted:
            table.setdefault(normalise_header(alias), col.name)
    return table


def match_headers(headers: list[str], kind: str) -> HeaderMatch:
    """Map the file's headers onto the contract of ``kind`` (first match of a column wins)."""
    spec = SPECS[kind]
    table = _lookup(spec)
    rename: dict[str, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    # Exact contract names first so that e.g. "datum" beats an alias elsewhere.
    ordered = sorted(
        headers,
        key=lambda h: normalise_header(h) not in {normalise_header(c.name) for c in spec.columns},
    )
    for header in ordered:
        target = table.get(normalise_header(header))
        if target is None or target in taken:
            unknown.append(header)
            continue
        rename[header] = target
        taken.add(target)
    unknown.sort(key=headers.index)
    return HeaderMatch(kind, rename, unknown)


def missing_columns(match: HeaderMatch) -> list[str]:
    spec = SPECS[match.kind]
    present = set(match.rename.values())
    missing = [c for c in spec.required if c not in present]
    for group in spec.one_of:
        if not present.intersection(group):
            missing.append(" of ".join(group))
    return missing


def refuse_bsn_headers(headers: list[str]) -> None:
    for header in headers:
        if normalise_header(header) in BSN_HEADERS:
            raise IngestError(
                f"Kolom '{header}' bevat burgerservicenummers (BSN). POH-Connect slaat geen BSN "
                "op: verwijder deze kolom uit de export en gebruik het patiëntnummer van het HIS."
            )


def describe_missing(kind: str, missing: list[str]) -> str:
    spec = SPECS[kind]
    parts = []
    for name in missing:
        names = name.split(" of ")
        accepted = [a for n in names for a in spec.column(n).accepted]
        parts.append(f"'{name}' (geaccepteerde namen: {', '.join(accepted)})")
    return f"Verplichte kolom ontbreekt voor {kind}: " + "; ".join(parts) + "."


def recognise(headers: list[str], kind: str | None = None) -> HeaderMatch:
    """The kind of a table from its header (or check the given kind); raises IngestError
    naming the missing columns and their accepted aliases."""
    refuse_bsn_headers(headers)
    if kind is not None:
        if kind not in SPECS:
            raise IngestError(f"Onbekende soort '{kind}'; kies uit: {', '.join(SPECS)}.")
        match = match_headers(headers, kind)
        missing = missing_columns(match)
        if missing:
            raise IngestError(describe_missing(kind, missing))
        return match
    candidates = []
    for k in SPECS:
        match = match_headers(headers, k)
        missing = missing_columns(match)
        candidates.append((len(missing), -len(match.rename), KIND_ORDER.index(k), match, missing))
    candidates.sort(key=lambda c: c[:3])
    complete = [c for c in candidates if not c[4]]
    if complete:
        # Prefer the kind that explains most columns (contacten over verwijzingen etc.).
        complete.sort(key=lambda c: (c[1], c[2]))
        return complete[0][3]
    best = candidates[0]
    if best[3].rename and len(best[3].rename) >= 2:
        raise IngestError(
            "Soort bestand niet herkend aan de kolomkoppen; het lijkt op "
            f"{best[3].kind}. " + describe_missing(best[3].kind, best[4])
        )
    raise IngestError(
        "Soort bestand niet herkend aan de kolomkoppen "
        f"({', '.join(headers[:12]) or 'geen kolommen'}). Verwacht een export met de kolommen "
        "van praktijken, contacten, verwijzingen of uren (zie docs/import.md)."
    )
