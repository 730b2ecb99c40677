"""Prediction log: a unique `row_key` per row (`<spool segment>:<line>`), so that rows the API's spool ships
twice (a worker killed between the commit and the deletion of its segment) are stored once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("predictions", "requests")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:  # SQLite adds a unique column by rebuilding the table
            batch.add_column(sa.Column("row_key", sa.String(64)))
            batch.create_unique_constraint(f"uq_{table}_row_key", ["row_key"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_row_key", type_="unique")
            batch.drop_column("row_key")
