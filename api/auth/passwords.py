"""Password hashing with Argon2id (argon2-cffi)."""

from __future__ import annotations

import contextlib
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.auth.settings import get_auth_settings

MIN_PASSWORD_LENGTH = 10


class WeakPassword(ValueError):
    pass


@cache
def _hasher() -> PasswordHasher:
    s = get_auth_settings()
    return PasswordHasher(time_cost=s.password_time_cost, memory_cost=s.password_memory_kib)


@cache
def _dummy_hash() -> str:
    return _hasher().hash("pohconnect-dummy-password")


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Een wachtwoord heeft minimaal {MIN_PASSWORD_LENGTH} tekens.")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. Without a hash (an account that cannot log in with a
    password) a dummy hash is checked, so that the answer takes as long either way."""
    if not password_hash:
        with contextlib.suppress(VerificationError):
            _hasher().verify(_dummy_hash(), password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
