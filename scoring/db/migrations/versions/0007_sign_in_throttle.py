"""Failed sign-ins are throttled instead of locking accounts: `sign_in_throttle` counts failures per source
address and per account tried from an address, with the time until which attempts are refused
(`scoring.db.throttle`). The `users` columns of the old lockout (`failed_sign_ins`, `locked_until`) stay but
are no longer written by sign-in; the upgrade ends the locks in force.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("account", sa.String(128), primary_key=True),
        sa.Column("address", sa.String(128), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime()),
    )
    op.create_index("ix_sign_in_throttle_last_failure_at", "sign_in_throttle", ["last_failure_at"])
    op.execute("UPDATE users SET failed_sign_ins = 0, locked_until = NULL")


def downgrade() -> None:
    op.drop_index("ix_sign_in_throttle_last_failure_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
