"""The categories of the breakdowns (and of the referral-flow nodes) with their Dutch and
English labels, and how a row falls into one: age group and ICPC group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

# Breakdown categories per dimension: key → (Dutch label, English label), in display order.
BREAKDOWN_LABELS: Mapping[str, Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "contactvorm": MappingProxyType(
            {
                "consult": ("Consult", "Consultation"),
                "visite": ("Visite", "Home visit"),
                "telefonisch": ("Telefonisch", "Telephone"),
                "video": ("Video", "Video"),
                "e-consult": ("E-consult", "E-consultation"),
                "groep": ("Groep", "Group"),
            }
        ),
        "destination": MappingProxyType(
            {
                "gb-ggz": ("GB-GGZ", "GB-GGZ (basic mental-health care)"),
                "s-ggz": ("S-GGZ", "S-GGZ (specialist mental-health care)"),
                "sociaal-domein": ("Sociaal domein", "Social domain"),
                "ehealth": ("eHealth", "eHealth"),
                "anders": ("Anders", "Other"),
            }
        ),
        "age_group": MappingProxyType(
            {
                "<18": ("< 18", "< 18"),
                "18-22": ("18–22", "18–22"),
                "23-64": ("23–64", "23–64"),
                "65+": ("65+", "65+"),
                "onbekend": ("Onbekend", "Unknown"),
            }
        ),
        "icpc_group": MappingProxyType(
            {
                "angst": ("Angst (P01, P74)", "Anxiety (P01, P74)"),
                "depressie": ("Depressie (P03, P76)", "Depression (P03, P76)"),
                "overspanning": (
                    "Overspanning/burn-out (P78, Z29.01)",
                    "Strain/burnout (P78, Z29.01)",
                ),
                "stress": ("Stress/trauma (P02)", "Stress/trauma (P02)"),
                "slaap": ("Slaap (P06)", "Sleep (P06)"),
                "sociaal": ("Sociaal (overige Z)", "Social (other Z)"),
                "overig": ("Overig", "Other"),
                "onbekend": ("Onbekend (geen ICPC)", "Unknown (no ICPC)"),
            }
        ),
    }
)
# Nodes of the referral flows that are not destinations.
FLOW_NODE_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "huisarts": ("Huisarts", "GP"),
        "poh-ggz": ("POH-GGZ", "POH-GGZ"),
        "afgerond-poh": ("Afgerond of lopend bij POH", "Completed or ongoing at the POH"),
    }
)


def dutch_labels(dimension: str) -> dict[str, str]:
    """Category → Dutch label of one breakdown dimension, in display order."""
    return {key: dutch for key, (dutch, _english) in BREAKDOWN_LABELS[dimension].items()}


def label_en(dimension: str, key: str, default: str) -> str:
    """The English label of a breakdown category (``default`` when the key is unknown)."""
    pair = BREAKDOWN_LABELS.get(dimension, {}).get(key)
    return pair[1] if pair else default


def age_group(birth_year: int | None, on: dt.date) -> str:
    if birth_year is None:
        return "onbekend"
    age = on.year - birth_year
    if age < 18:
        return "<18"
    if age <= 22:
        return "18-22"
    if age <= 64:
        return "23-64"
    return "65+"


def icpc_group(code: str | None) -> str:
    """ICPC group of the case mix; sub-codes fold to their parent (P76.01 → P76)."""
    if not code or not code.strip():
        return "onbekend"
    normalised = code.strip().upper().replace(" ", "")
    if "." not in normalised and len(normalised) > 3:
        normalised = f"{normalised[:3]}.{normalised[3:]}"
    parent = normalised[:3]
    if parent in ("P01", "P74"):
        return "angst"
    if parent in ("P03", "P76"):
        return "depressie"
    if parent == "P78" or normalised.startswith("Z29.01"):
        return "overspanning"
    if parent == "P02":
        return "stress"
    if parent == "P06":
        return "slaap"
    if parent.startswith("Z"):
        return "sociaal"
    return "overig"
