"""FHIR R4 JSON: Bundles of Encounter (→ contacten) and ServiceRequest (→ verwijzingen).

References to Patient, Practitioner, PractitionerRole and Organization are resolved inside the
Bundle (by fullUrl or ``Type/id``). The AGB comes from the identifier with the Vektis AGB
system; functie from PractitionerRole.code. A BSN identifier is never used: a patient without
another identifier is known by its logical id. "Lines" in rejects are Bundle entry numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

from ingest.adapters.base import LINE, ParsedTable
from ingest.contract import CONTACTVORM_ALIASES, FUNCTIE_ALIASES, SPECS, vocabulary_key
from ingest.errors import IngestError
from models.enums import ImportKind

FORMAT = "fhir"
AGB_SYSTEMS = (
    "http://fhir.nl/fhir/NamingSystem/agb-z",
    "urn:oid:2.16.840.1.113883.2.4.6.1",
)
BSN_SYSTEMS = ("http://fhir.nl/fhir/NamingSystem/bsn", "urn:oid:2.16.840.1.113883.2.4.6.3")
UZI_ROLE_HUISARTS = "01.015"
CLASS_CONTACTVORM = {
    "AMB": "consult",
    "HH": "visite",
    "VR": "video",
    "TEL": "telefonisch",
}
GENDER = {"male": "M", "female": "V", "other": "X", "unknown": "O"}
# Deeper JSON is refused before it is parsed (a Bundle is some ten levels deep).
MAX_JSON_DEPTH = 100
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")

Resource = dict[str, Any]


def sniff(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and b'"resourceType"' in head


def nesting_depth(data: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings aside),
    counted without recursion."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    arr = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((arr == ord("[")) | (arr == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def _too_deep(depth: int) -> IngestError:
    return IngestError(
        f"Geen geldige FHIR-JSON: de gegevens zijn {depth:,} niveaus diep genest; meer dan "
        f"{MAX_JSON_DEPTH} wordt niet gelezen (een FHIR-bundel heeft er hooguit enkele "
        "tientallen).".replace(",", ".")
    )


def _load(data: bytes) -> Resource:
    depth = nesting_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise _too_deep(depth)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"Geen geldige FHIR-JSON: {exc}") from exc
    except RecursionError as exc:  # not expected below MAX_JSON_DEPTH; refused all the same
        raise _too_deep(depth) from exc
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise IngestError("Geen FHIR-resource: 'resourceType' ontbreekt.")
    return doc


def bundle_resources(doc: Resource) -> list[Resource]:
    if doc.get("resourceType") != "Bundle":
        return [doc]
    out = []
    for entry in doc.get("entry") or []:
        resource = entry.get("resource")
        if isinstance(resource, dict):
            if "fullUrl" in entry:
                resource = {**resource, "_fullUrl": entry["fullUrl"]}
            out.append(resource)
    return out


class _Index:
    def __init__(self, resources: Iterable[Resource]) -> None:
        self.by_ref: dict[str, Resource] = {}
        for r in resources:
            rtype, rid = r.get("resourceType"), r.get("id")
            if rtype and rid:
                self.by_ref[f"{rtype}/{rid}"] = r
            if "_fullUrl" in r:
                self.by_ref[r["_fullUrl"]] = r

    def get(self, ref: Any) -> Resource | None:
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        key = ref["reference"]
        found = self.by_ref.get(key)
        if found is None and "/" in key:  # absolute URL: match on the last Type/id
            found = self.by_ref.get("/".join(key.rstrip("/").split("/")[-2:]))
        return found


def _identifier(resource: Resource | None, systems: tuple[str, ...]) -> str | None:
    for ident in (resource or {}).get("identifier") or []:
        if ident.get("system") in systems and ident.get("value"):
            return str(ident["value"])
    return None


def _patient_number(patient: Resource | None) -> str | None:
    if patient is None:
        return None
    for ident in patient.get("identifier") or []:
        if ident.get("system") not in BSN_SYSTEMS and ident.get("value"):
            return str(ident["value"])
    return patient.get("id")


def _name(resource: Resource | None) -> str | None:
    for name in (resource or {}).get("name") or []:
        if name.get("text"):
            return str(name["text"])
        parts = [*name.get("given", []), name.get("family", "")]
        text = " ".join(p for p in parts if p)
        if text:
            return text
    return None


def _codings(concepts: Any) -> list[dict[str, Any]]:
    if isinstance(concepts, dict):
        concepts = [concepts]
    out = []
    for concept in concepts or []:
        out.extend(concept.get("coding") or [])
        if concept.get("text"):
            out.append({"display": concept["text"]})
    return out


def _functie(role: Resource | None) -> str | None:
    codings = _codings((role or {}).get("code"))
    for coding in codings:
        if coding.get("code") == UZI_ROLE_HUISARTS:
            return "huisarts"
        for value in (coding.get("code"), coding.get("display")):
            if isinstance(value, str) and vocabulary_key(value) in FUNCTIE_ALIASES:
                return FUNCTIE_ALIASES[vocabulary_key(value)]
    first = next((c.get("code") or c.get("display") for c in codings), None)
    return str(first) if first else None


def _icpc(resource: Resource) -> str | None:
    for coding in _codings(resource.get("reasonCode")):
        system = str(coding.get("system", "")).lower()
        if ("icpc" in system or system.endswith("2.16.840.1.113883.2.4.4.31.1")) and coding.get(
            "code"
        ):
            return str(coding["code"])
    return None


def _practitioner(index: _Index, ref: Any) -> tuple[Resource | None, Resource | None]:
    """(PractitionerRole, Practitioner) behind a reference to either."""
    target = index.get(ref)
    if target is None:
        return None, None
    if target.get("resourceType") == "PractitionerRole":
        return target, index.get(target.get("practitioner"))
    if target.get("resourceType") == "Practitioner":
        return None, target
    return None, None


def _provider_code(role: Resource | None, practitioner: Resource | None) -> str | None:
    return (
        _identifier(practitioner, AGB_SYSTEMS)
        or _identifier(role, AGB_SYSTEMS)
        or next(
            (
                str(i["value"])
                for i in (practitioner or {}).get("identifier") or []
                if i.get("value")
            ),
            None,
        )
        or (practitioner or role or {}).get("id")
    )


def _split_datetime(value: Any) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or len(value) < 10:
        return None, None
    date = value[:10]
    time = value[11:16] if len(value) >= 16 and value[10] == "T" else None
    return date, time


def _minutes(encounter: Resource) -> str | None:
    length = encounter.get("length") or {}
    if length.get("value") is not None:
        factor = {"h": 60, "min": 1, "s": 1 / 60}.get(length.get("code") or "min", 1)
        return str(round(float(length["value"]) * factor))
    period = encounter.get("period") or {}
    try:
        start = dt.datetime.fromisoformat(period["start"])
        end = dt.datetime.fromisoformat(period["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return str(round((end - start).total_seconds() / 60))


def _contactvorm(encounter: Resource) -> str | None:
    for coding in _codings(encounter.get("type")):
        for value in (coding.get("code"), coding.get("display")):
            if isinstance(value, str) and vocabulary_key(value) in CONTACTVORM_ALIASES:
                return CONTACTVORM_ALIASES[vocabulary_key(value)]
    klass = encounter.get("class") or {}
    code = klass.get("code") if isinstance(klass, dict) else None
    return CLASS_CONTACTVORM.get(str(code).upper(), code) if code else None


def _ref_id(ref: Any) -> str | None:
    if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
        return ref["reference"].rstrip("/").split("/")[-1]
    return None


def _encounter_row(index: _Index, enc: Resource) -> dict[str, str | None]:
    patient = index.get(enc.get("subject"))
    role = practitioner = None
    for participant in enc.get("participant") or []:
        role, practitioner = _practitioner(index, participant.get("individual"))
        if role or practitioner:
            break
    org = index.get(enc.get("serviceProvider")) or index.get((role or {}).get("organization"))
    date, time = _split_datetime((enc.get("period") or {}).get("start"))
    episode = next((_ref_id(e) for e in enc.get("episodeOfCare") or []), None)
    return {
        "contact_id": enc.get("id"),
        "praktijk_agb": _identifier(org, AGB_SYSTEMS),
        "patientnummer": _patient_number(patient),
        "geboortejaar": ((patient or {}).get("birthDate") or "")[:4] or None,
        "geslacht": GENDER.get((patient or {}).get("gender", "")),
        "datum": date,
        "tijd": time,
        "zorgverlener_code": _provider_code(role, practitioner),
        "zorgverlener_naam": _name(practitioner),
        "functie": _functie(role),
        "contactvorm": _contactvorm(enc),
        "verrichtingcode": None,
        "duur_minuten": _minutes(enc),
        "icpc": _icpc(enc),
        "episode_id": episode,
    }


def _referral_row(index: _Index, req: Resource) -> dict[str, str | None]:
    patient = index.get(req.get("subject"))
    role, practitioner = _practitioner(index, req.get("requester"))
    encounter = index.get(req.get("encounter"))
    org = index.get((role or {}).get("organization")) or index.get(
        (encounter or {}).get("serviceProvider")
    )
    destination = next(
        (c.get("code") or c.get("display") for c in _codings(req.get("performerType"))), None
    )
    performer = next(iter(req.get("performer") or []), None)
    institution = (performer or {}).get("display") or (index.get(performer) or {}).get("name")
    date, _ = _split_datetime(req.get("authoredOn"))
    return {
        "verwijzing_id": req.get("id"),
        "praktijk_agb": _identifier(org, AGB_SYSTEMS),
        "patientnummer": _patient_number(patient),
        "datum": date,
        "verwijzer_code": _provider_code(role, practitioner) if role or practitioner else None,
        "verwijzer_functie": _functie(role) if role else None,
        "bestemming": destination,
        "echelon": None,
        "instelling": institution,
        "icpc": _icpc(req),
    }


def tables_from_resources(
    resources: list[Resource], *, kind: str | None = None
) -> list[ParsedTable]:
    index = _Index(resources)
    rows: dict[str, list[dict[str, Any]]] = {
        ImportKind.CONTACTEN.value: [],
        ImportKind.VERWIJZINGEN.value: [],
    }
    ignored: set[str] = set()
    for number, resource in enumerate(resources, start=1):
        rtype = resource.get("resourceType")
        if rtype == "Encounter":
            rows["contacten"].append({LINE: number, **_encounter_row(index, resource)})
        elif rtype == "ServiceRequest":
            rows["verwijzingen"].append({LINE: number, **_referral_row(index, resource)})
        elif rtype not in {"Patient", "Practitioner", "PractitionerRole", "Organization"}:
            ignored.add(f"resource {rtype}")
    wanted = [kind] if kind else list(rows)
    tables = []
    for k in wanted:
        if k not in rows:
            raise IngestError(f"FHIR-bundels leveren alleen contacten en verwijzingen, geen {k}.")
        if not rows[k]:
            continue
        names = [c.name for c in SPECS[k].columns]
        frame = pl.DataFrame(rows[k], schema={LINE: pl.Int64, **{n: pl.String for n in names}})
        tables.append(
            ParsedTable(
                kind=k,
                frame=frame,
                source_format=FORMAT,
                unknown_columns=sorted(ignored),
                columns={},
            )
        )
    if not tables:
        raise IngestError(
            "De FHIR-bundel bevat geen Encounter (contacten) of ServiceRequest (verwijzingen)."
        )
    return tables


def parse(data: bytes, *, kind: str | None = None) -> list[ParsedTable]:
    return tables_from_resources(bundle_resources(_load(data)), kind=kind)
