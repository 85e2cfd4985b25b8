"""KPI result cache and data-version counter

Revision ID: 0002_kpi
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_kpi"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kpi_cache")),
    )
    with op.batch_alter_table("kpi_cache", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_cache_data_version"), ["data_version"], unique=False
        )
    op.create_table(
        "kpi_data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_data_version")),
    )


def downgrade() -> None:
    op.drop_table("kpi_data_version")
    with op.batch_alter_table("kpi_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_cache_data_version"))
    op.drop_table("kpi_cache")
