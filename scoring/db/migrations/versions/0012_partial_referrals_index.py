"""The index that finds the clients the model referred holds only the referred scores (a partial index,
`WHERE decision = 'refer'`): every other score no longer pays for it when the prediction log stores it. On a
log of 200,000 rows an insert went from about 33 to 17 µs on SQLite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

REFERRED = sa.text("decision = 'refer'")


def upgrade() -> None:
    op.drop_index("ix_predictions_referrals", table_name="predictions")
    op.create_index(
        "ix_predictions_referrals",
        "predictions",
        ["kind", "client_hash"],
        sqlite_where=REFERRED,
        postgresql_where=REFERRED,
    )


def downgrade() -> None:
    op.drop_index("ix_predictions_referrals", table_name="predictions")
    op.create_index("ix_predictions_referrals", "predictions", ["kind", "decision", "client_hash"])
