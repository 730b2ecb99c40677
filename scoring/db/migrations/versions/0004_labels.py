"""Outcomes: one row per client whose outcome is known (`scoring labels`), keyed by the prediction log's
salted client hash, joined to the log for outcomes by cohort and to the officers' decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("client_hash", sa.String(64), primary_key=True),
        sa.Column("outcome", sa.SmallInteger(), nullable=False),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
    )
    op.create_index("ix_labels_known_at", "labels", ["known_at"])


def downgrade() -> None:
    op.drop_index("ix_labels_known_at", table_name="labels")
    op.drop_table("labels")
