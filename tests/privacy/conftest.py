"""The per-role users and API client of tests/auth, for the privacy tests."""

from tests.auth.conftest import client, users, world  # noqa: F401
