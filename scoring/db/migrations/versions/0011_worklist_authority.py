"""The officer's worklist and authority limits: `worklist_claims` records who has taken a referred client (one
row per client hash); `decisions` gains a `status` (final, awaiting-approval, rejected; rows before are
final), who reviewed an accept above the authority limits and when, with the reviewer's note; the prediction
log gains `rules` (the JSON list of the policy rules that fired, null when none was logged) and two indexes
that find the clients the model referred and each client's latest score.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worklist_claims",
        sa.Column("client_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_worklist_claims_user_id_users"),
            nullable=False,
        ),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_worklist_claims_user_id", "worklist_claims", ["user_id"])
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("status", sa.String(24), nullable=False, server_default="final"))
        batch.add_column(sa.Column("reviewed_by", sa.Integer()))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime()))
        batch.add_column(sa.Column("review_note", sa.Text()))
        batch.create_foreign_key("fk_decisions_reviewed_by_users", "users", ["reviewed_by"], ["id"])
        batch.create_index("ix_decisions_status", ["status"])
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(sa.Column("rules", sa.Text()))
        batch.create_index("ix_predictions_referrals", ["kind", "decision", "client_hash"])
        batch.create_index("ix_predictions_client_latest", ["client_hash", "kind"])


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_index("ix_predictions_client_latest")
        batch.drop_index("ix_predictions_referrals")
        batch.drop_column("rules")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index("ix_decisions_status")
        batch.drop_constraint("fk_decisions_reviewed_by_users", type_="foreignkey")
        batch.drop_column("review_note")
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
        batch.drop_column("status")
    op.drop_index("ix_worklist_claims_user_id", table_name="worklist_claims")
    op.drop_table("worklist_claims")
