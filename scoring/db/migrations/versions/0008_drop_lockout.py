"""The lockout's leftovers go: sign-in is throttled (`sign_in_throttle`, revision 0007), so the `users`
columns `failed_sign_ins` and `locked_until`, no longer written or read, are dropped. The downgrade puts them
back empty (no failures, no lock).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:  # SQLite drops a column by rebuilding the table
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime()))
