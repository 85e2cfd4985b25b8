"""Timestamps in responses always carry their time zone (UTC): the database stores UTC, but
SQLite hands datetimes back without a zone, which would violate the schema's ``date-time``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: dt.datetime) -> dt.datetime:
    """A naive datetime is UTC (that is how it was stored); an aware one is converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(as_utc)]
