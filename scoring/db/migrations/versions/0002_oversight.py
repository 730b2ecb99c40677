"""Human oversight: users, officers' decisions, letters issued, the hash-chained audit trail and its head.

The head (`audit_chain`, one row) starts empty: first row 1, chained to the genesis hash (64 zeros).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime()),
        sa.Column("last_sign_in_at", sa.DateTime()),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name="fk_decisions_user_id_users"),
            nullable=False,
        ),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("model_decision", sa.String(8), nullable=False),
        sa.Column("decision", sa.String(24), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("reason_category", sa.String(32)),
        sa.Column("justification", sa.Text()),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("counter_offer_amount", sa.Float()),
    )
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
    op.create_index("ix_decisions_user_id", "decisions", ["user_id"])
    op.create_index("ix_decisions_client_hash", "decisions", ["client_hash"])
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(64)),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_letters_user_id_users")),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column(
            "decision_id",
            sa.Integer(),
            sa.ForeignKey("decisions.id", name="fk_letters_decision_id_decisions"),
        ),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("reference", name="uq_letters_reference"),
    )
    op.create_index("ix_letters_created_at", "letters", ["created_at"])
    op.create_index("ix_letters_client_hash", "letters", ["client_hash"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("actor_id", sa.Integer()),
        sa.Column("role", sa.String(16)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("client_hash", sa.String(64)),
        sa.Column("target", sa.String(128)),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("source", sa.String(128)),
        sa.Column("request_id", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_client_hash", "audit_log", ["client_hash"])
    chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("first_prev_hash", sa.String(64), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        chain, [{"id": 1, "first_id": 1, "first_prev_hash": GENESIS, "last_id": 0, "last_hash": GENESIS}]
    )


def downgrade() -> None:
    op.drop_table("audit_chain")
    for index in ("client_hash", "action", "created_at"):
        op.drop_index(f"ix_audit_log_{index}", table_name="audit_log")
    op.drop_table("audit_log")
    for index in ("client_hash", "created_at"):
        op.drop_index(f"ix_letters_{index}", table_name="letters")
    op.drop_table("letters")
    for index in ("client_hash", "user_id", "created_at"):
        op.drop_index(f"ix_decisions_{index}", table_name="decisions")
    op.drop_table("decisions")
    op.drop_table("users")
