"""One decision, one letter: `letters.decision_key` (unique) names the decision a letter announces, and
`letter_deliveries` lists each language and format of it delivered. Letters issued before keep their row, with
no key, and get their one delivery listed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:  # SQLite adds a unique column by rebuilding the table
        batch.add_column(sa.Column("decision_key", sa.String(64)))
        batch.create_unique_constraint("uq_letters_decision_key", ["decision_key"])
    op.create_table(
        "letter_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "letter_id",
            sa.Integer(),
            sa.ForeignKey("letters.id", name="fk_letter_deliveries_letter_id_letters"),
            nullable=False,
        ),
        sa.Column("delivered_at", sa.DateTime(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64)),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_letter_deliveries_user_id_users")
        ),
        sa.Column("delivered_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("letter_id", "language", "format", name="uq_letter_deliveries_letter_id"),
    )
    op.create_index("ix_letter_deliveries_letter_id", "letter_deliveries", ["letter_id"])
    op.execute(
        "INSERT INTO letter_deliveries (letter_id, delivered_at, language, format, document_sha256, "
        "request_id, user_id, delivered_by) SELECT id, created_at, language, format, document_sha256, "
        "request_id, user_id, issued_by FROM letters"
    )


def downgrade() -> None:
    op.drop_index("ix_letter_deliveries_letter_id", table_name="letter_deliveries")
    op.drop_table("letter_deliveries")
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint("uq_letters_decision_key", type_="unique")
        batch.drop_column("decision_key")
