"""An officer's accepted counter-offer records the whole offer: `decisions.offer` holds the JSON of the terms
the server computed when the decision was recorded (amount, term, annual rate, APR, instalment, fees, total
cost, total payable), so the decision and its letter show exactly those terms even after the model changes.
Decisions recorded before keep their `counter_offer_amount` and no offer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("offer", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("offer")
