"""users.caseload_grant: a huisarts sees POH caseload lists (pseudonyms) only when granted

Revision ID: 0007_users_caseload_grant
Revises: 0006_kpi_cache_flights
Create Date: 2026-12-02 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007_users_caseload_grant"
down_revision: str | None = "0006_kpi_cache_flights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("caseload_grant", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("caseload_grant")
