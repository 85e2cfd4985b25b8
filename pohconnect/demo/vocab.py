"""Fictional names and the clinical vocabularies the demo region draws from.

All practice, person and institution names are invented; any resemblance to a real practice is
a coincidence. ICPC codes are ICPC-1-NL (NHG Tabel 24), referral destinations NHG Tabel 12
"soort derde" or POH-Connect's own categories (domain.md §3).
"""

from __future__ import annotations

PLACES: tuple[str, ...] = (
    "Oosterbroek",
    "Westervaart",
    "Lindendal",
    "Zuiderhoeve",
    "Heidemeer",
    "Braakveld",
    "Eikendonk",
    "Noorderhaven",
    "Molendijk",
    "Beekzande",
    "Kraaiendam",
    "Wilgenrode",
)

STREETS: tuple[str, ...] = (
    "De Linde",
    "Molenweg",
    "Kerkstraat",
    "Het Plein",
    "De Schakel",
    "Oosterpoort",
    "Ruïnelaan",
    "De Kastanje",
    "Marktzicht",
    "Het Baken",
    "De Vaart",
    "Julianastraat",
    "Stationsweg",
    "De Esch",
    "Vlinderhof",
    "Dorpsstraat",
)

SURNAMES: tuple[str, ...] = (
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "Schouten",
    "van Beek",
    "Willems",
    "van Dijk",
    "Hoekstra",
    "Verhoeven",
    "Koster",
    "Prins",
    "Huisman",
    "Kuipers",
    "Postma",
    "Kramer",
    "Yılmaz",
    "El Amrani",
    "Öztürk",
    "Ramdin",
    "Bouzid",
    "Nguyen",
    "Müller",
)

INITIALS = "ABCDEFGHIJKLMNPRSTW"

# (code, weight) of the intake ICPC for adult episodes. Groups (domain.md §5 case_mix):
# angst 23%, depressie 22%, overspanning/burn-out 21%, stress/trauma 11%, slaap 5%,
# sociaal 9%, overig 8.5%: anxiety, depression and burnout dominate (Trimbos).
ICPC_ADULT: tuple[tuple[str, float], ...] = (
    ("P01", 8.0),
    ("P74", 13.0),
    ("P74.01", 2.0),
    ("P03", 7.0),
    ("P76", 13.0),
    ("P76.01", 2.0),
    ("P78", 12.0),
    ("Z29.01", 9.0),
    ("P02", 9.0),
    ("P02.01", 2.0),
    ("P06", 5.0),
    ("Z05", 3.0),
    ("Z12", 3.0),
    ("Z13", 1.5),
    ("Z20", 1.5),
    ("P99.02", 3.0),
    ("P15", 1.5),
    ("P29", 2.0),
    ("P80", 1.5),
    ("P86", 0.5),
)

# Youth episodes (poh-ggz-jeugd, and adolescents seen by a POH-GGZ).
ICPC_YOUTH: tuple[tuple[str, float], ...] = (
    ("P01", 12.0),
    ("P74", 8.0),
    ("P03", 10.0),
    ("P76", 4.0),
    ("P02", 12.0),
    ("P06", 4.0),
    ("P21", 5.0),
    ("P22", 7.0),
    ("P23", 7.0),
    ("P24", 2.0),
    ("Z16", 6.0),
    ("Z20", 4.0),
    ("P29", 2.0),
)

# What the huisarts sometimes codes at the aanmelding instead of the POH's intake code.
ICPC_AANMELDING_ALTERNATIVES: tuple[str, ...] = ("P01", "P03", "P02", "P29", "Z29")

# Huisarts P/Z contacts of patients who never reach the POH.
ICPC_HUISARTS_ONLY: tuple[tuple[str, float], ...] = (
    ("P06", 4.0),
    ("P01", 3.0),
    ("P76", 3.0),
    ("P74", 2.0),
    ("P15", 1.0),
    ("P02", 2.0),
    ("Z12", 1.0),
    ("P70", 0.5),
    ("P72", 0.5),
)

# Referral destinations: (how the HIS writes it, echelon written on the letter or "").
GGZ_CODES_GB: tuple[str, ...] = ("PTH", "ELP", "GGZ", "PSY")
GGZ_CODES_S: tuple[str, ...] = ("GGZ", "PSY", "VER")
SOCIAAL_CODES: tuple[str, ...] = ("AMW", "SOD", "JGZ")

INSTELLINGEN_GB: tuple[str, ...] = (
    "Psychologenpraktijk Het Anker",
    "Basis GGZ De Horizon",
    "Praktijk voor Psychotherapie Lindendal",
    "Psychologen Oosterbroek",
    "GGZ Demoland (basis)",
)
INSTELLINGEN_S: tuple[str, ...] = (
    "GGZ Demoland",
    "Centrum voor Angst en Stemming Westervaart",
    "Traumacentrum Heidemeer",
    "Verslavingszorg Demoland",
)
INSTELLINGEN_SOCIAAL: tuple[str, ...] = (
    "Wijkteam Demoland-Noord",
    "Wijkteam Demoland-Zuid",
    "Maatschappelijk Werk Demoland",
    "Jeugdteam Demoland",
)
INSTELLINGEN_EHEALTH: tuple[str, ...] = ("Online Zelfhulp Demoland", "e-Mental Platform Demoland")
