"""Keyed pseudonyms for patient numbers, and the BSN 11-proef."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def pseudonym(key: bytes, practice_agb: str, patientnummer: str) -> str:
    """HMAC-SHA256(key, "AGB:patientnummer") as 64 hex characters (patient numbers are per
    practice, so the practice is part of the input)."""
    msg = f"{practice_agb}:{patientnummer}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def pseudonyms_of(key: bytes, messages: Iterable[str]) -> list[str]:
    """Pseudonyms of ready-made "AGB:patientnummer" strings."""
    digest = hmac.digest
    return [digest(key, m.encode(), "sha256").hex() for m in messages]


def is_bsn(value: str) -> bool:
    """The 11-proef of a burgerservicenummer (9 digits; 8 with an implied leading zero)."""
    digits = value.strip()
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0
