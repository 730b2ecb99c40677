"""Decision strategies are versioned in the product database: `strategies` keeps every strategy stored (its
YAML text and SHA-256, author, who proposed and approved it and when) with at most one active (a partial
unique index); none active means the bundle's single threshold decides (`scoring.db.strategies`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "strategies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("proposed_by", sa.String(64)),
        sa.Column("proposed_at", sa.DateTime()),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("approved_at", sa.DateTime()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", sa.DateTime()),
        sa.UniqueConstraint("version", name="uq_strategies_version"),
    )
    op.create_index(
        "uq_strategies_active",
        "strategies",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_index("uq_strategies_active", table_name="strategies")
    op.drop_table("strategies")
