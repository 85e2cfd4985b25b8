"""KPI cache: one entry per request (stale-while-revalidate) and single-flight markers

- ``kpi_cache`` entries are keyed on the request (kind + parameters) only; the data version is
  a column, so the latest entry of a request is one primary-key lookup and an older entry is
  served while the current one is computed. Entries keyed the old way (with the version in the
  key) are removed: the cache is rebuilt on demand and by the next warm-up.
- ``kpi_cache_flights``: one row per cache key while a worker computes it.

Revision ID: 0006_kpi_cache_flights
Revises: 0005_auth
Create Date: 2026-12-02 15:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006_kpi_cache_flights"
down_revision: str | None = "0005_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM kpi_cache")
    op.create_table(
        "kpi_cache_flights",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kpi_cache_flights")),
    )


def downgrade() -> None:
    op.drop_table("kpi_cache_flights")
    op.execute("DELETE FROM kpi_cache")
