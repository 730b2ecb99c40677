"""Every table of the product database, in one SQLAlchemy `MetaData` (the target of the Alembic migrations).

Times are UTC. The prediction-log tables keep naive UTC datetimes (their readers build Polars frames from
them); the other tables use `UtcDateTime`, which refuses naive values and reads back aware UTC datetimes.
Client IDs are never stored: `client_hash` is the salted HMAC of the ID (`scoring.serving.prediction_log.
client_hash`). Adding a table means adding it here and a new revision under `migrations/versions/`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

from scoring.vocabulary import Decision

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
HASH = 64  # hex SHA-256
REFERRED = text(f"decision = '{Decision.REFER}'")  # a query uses the partial index only with this literal
ROW_KEY = "<spool segment>:<line>: a row the API's spool ships twice is stored once"


class UtcDateTime(TypeDecorator):
    """An aware UTC datetime, stored as naive UTC (the same on SQLite and PostgreSQL)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give a timezone-aware (UTC) time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def created_between(
    table: Table, since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    """The conditions of `table`'s rows created in [since, until) (an open end when None)."""
    conditions = []
    if since is not None:
        conditions.append(table.c.created_at >= since)
    if until is not None:
        conditions.append(table.c.created_at < until)
    return conditions


# -- prediction log (written by the API's background writer; see scoring.serving.prediction_log) ----------

predictions = Table(
    "predictions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("request_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("client_hash", String(64)),
    Column("features", LargeBinary, nullable=False),
    Column("probability", Float, nullable=False),
    Column("decision", String(8), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column(
        "row_key", String(64), unique=True, doc="<spool segment>:<line>: a row shipped twice is stored once"
    ),
    Column("rules", Text, doc="JSON list of the policy rule codes that fired; null when none was logged"),
    Index(  # the referred scores only: every other score's insert skips it
        "ix_predictions_referrals",
        "kind",
        "client_hash",
        sqlite_where=REFERRED,
        postgresql_where=REFERRED,
    ),
    Index("ix_predictions_client_latest", "client_hash", "kind"),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("request_id", String(64), nullable=False),
    Column("method", String(8), nullable=False),
    Column("route", String(128), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column(
        "row_key", String(64), unique=True, doc="<spool segment>:<line>: a row shipped twice is stored once"
    ),
)

model_features = Table(
    "model_features",
    metadata,
    Column("model_version", String(64), primary_key=True),
    Column("feature_names", Text, nullable=False),
)

# -- people and their decisions ---------------------------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), doc="argon2id; null for a single-sign-on-only account"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False, default=utc_now),
    Column("password_changed_at", UtcDateTime),
    Column("last_sign_in_at", UtcDateTime),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(HASH), nullable=False, unique=True, doc="SHA-256 of the token, never itself"),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False, default=utc_now),
    Column("last_seen_at", UtcDateTime, nullable=False, doc="updated at most every few seconds"),
    Column("expires_at", UtcDateTime, nullable=False, doc="the absolute end, whatever the activity"),
    Column("revoked_at", UtcDateTime, doc="sign-out, password change, disabled account, or an admin"),
    Column("source", String(128), doc="the client address it was opened from"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False, default=utc_now, index=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("client_hash", String(HASH), nullable=False, index=True),
    Column("model_version", String(64), nullable=False),
    Column("probability", Float, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("model_decision", String(8), nullable=False),
    Column("decision", String(24), nullable=False),
    Column("override", Boolean, nullable=False),
    Column("reason_category", String(32)),
    Column("justification", Text),
    Column("reasons", Text, nullable=False, doc="JSON list of the reasons shown to the officer"),
    Column("counter_offer_amount", Float),
    Column("offer", Text, doc="JSON of the accepted counter-offer's terms, as computed when recorded"),
    Column(
        "status",
        String(24),
        nullable=False,
        default="final",
        server_default="final",
        index=True,
        doc="final, awaiting-approval (an accept above the authority limits) or rejected by the reviewer",
    ),
    Column("reviewed_by", Integer, ForeignKey("users.id"), doc="who approved or rejected it"),
    Column("reviewed_at", UtcDateTime),
    Column("review_note", Text, doc="the reviewer's justification"),
)

# -- the officer's worklist: who has taken a referred client (scoring.db.worklist) -------------------------

worklist_claims = Table(
    "worklist_claims",
    metadata,
    Column(
        "client_hash", String(HASH), primary_key=True, doc="the prediction log's salted hash, never the ID"
    ),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("taken_at", UtcDateTime, nullable=False, default=utc_now),
)

letters = Table(
    "letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False, default=utc_now, index=True),
    Column("reference", String(32), nullable=False, unique=True, doc="the reference printed on the letter"),
    Column("request_id", String(64)),
    Column("user_id", Integer, ForeignKey("users.id"), doc="the signed-in user who issued it, if any"),
    Column("issued_by", String(64), nullable=False, doc="who issued it: user name, or the API service"),
    Column("client_hash", String(HASH), nullable=False, index=True),
    Column("decision_id", Integer, ForeignKey("decisions.id"), doc="the officer's decision it announces"),
    Column("kind", String(24), nullable=False, doc="the decision the letter announces"),
    Column("probability", Float, nullable=False, doc="the model's probability of default at issue"),
    Column("language", String(8), nullable=False, doc="of the first delivery (all: letter_deliveries)"),
    Column("format", String(8), nullable=False, doc="of the first delivery (all: letter_deliveries)"),
    Column("model_version", String(64), nullable=False),
    Column("document_sha256", String(HASH), nullable=False, doc="SHA-256 of the first document delivered"),
    Column(
        "decision_key",
        String(HASH),
        unique=True,
        doc="SHA-256 of the decision announced: one decision, one letter (null on letters before 0005)",
    ),
)

letter_deliveries = Table(
    "letter_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("letter_id", Integer, ForeignKey("letters.id"), nullable=False, index=True),
    Column("delivered_at", UtcDateTime, nullable=False, default=utc_now, doc="its first delivery"),
    Column("language", String(8), nullable=False),
    Column("format", String(8), nullable=False),
    Column("document_sha256", String(HASH), nullable=False, doc="SHA-256 of the document first delivered"),
    Column("request_id", String(64)),
    Column("user_id", Integer, ForeignKey("users.id"), doc="the signed-in user it went to, if any"),
    Column("delivered_by", String(64), nullable=False, doc="user name, or the API service"),
    UniqueConstraint("letter_id", "language", "format"),  # each language and format listed once
)

# -- failed sign-ins: growing delays per address, and per account from an address (scoring.db.throttle) ---

sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("scope", String(16), primary_key=True, doc="address, or account (one account from one address)"),
    Column("account", String(128), primary_key=True, doc="the user name tried; empty for the address scope"),
    Column("address", String(128), primary_key=True, doc="where the attempts come from"),
    Column("failures", Integer, nullable=False, doc="failed sign-ins since the counter was last forgotten"),
    Column("last_failure_at", UtcDateTime, nullable=False, index=True),
    Column("blocked_until", UtcDateTime, doc="attempts before this time are refused (429)"),
)

# -- audit trail (append-only, hash-chained: see scoring.db.audit) ------------------------------------------

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False, doc="position in the chain: 1, 2, 3..."),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("actor_id", Integer),
    Column("role", String(16)),
    Column("action", String(32), nullable=False, index=True),
    Column("client_hash", String(HASH), index=True),
    Column("target", String(128)),
    Column("detail", Text, nullable=False),
    Column("source", String(128)),
    Column("request_id", String(64)),
    Column("prev_hash", String(HASH), nullable=False),
    Column("row_hash", String(HASH), nullable=False),
)

audit_chain = Table(
    "audit_chain",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False, doc="always 1: the one row, and the lock"),
    Column("first_id", Integer, nullable=False, doc="first row kept (rows before it were purged)"),
    Column("first_prev_hash", String(HASH), nullable=False, doc="the hash that row chains to"),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(HASH), nullable=False),
)

# -- outcomes (loaded by `scoring labels`; see scoring.monitoring.labels) -----------------------------------

labels = Table(
    "labels",
    metadata,
    Column(
        "client_hash", String(HASH), primary_key=True, doc="the prediction log's salted hash, never the ID"
    ),
    Column("outcome", SmallInteger, nullable=False, doc="1 = defaulted, 0 = repaid"),
    Column("known_at", DateTime, nullable=False, index=True, doc="UTC, naive: when the outcome became known"),
    Column("loaded_at", DateTime, nullable=False),
    Column("source", String(255), nullable=False, doc="the file it was loaded from"),
)

# -- decision strategies (versioned; at most one active: see scoring.db.strategies) ------------------------

strategies = Table(
    "strategies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", Integer, nullable=False, unique=True, doc="1, 2, 3... in the order stored"),
    Column("name", String(64), nullable=False),
    Column("yaml", Text, nullable=False, doc="the strategy file as given"),
    Column("sha256", String(HASH), nullable=False, doc="SHA-256 of the YAML text"),
    Column("author", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, default=utc_now),
    Column("proposed_by", String(64)),
    Column("proposed_at", UtcDateTime),
    Column("approved_by", String(64)),
    Column("approved_at", UtcDateTime),
    Column(
        "active", Boolean, nullable=False, default=False, doc="none active: the bundle's threshold decides"
    ),
    Column("activated_at", UtcDateTime, doc="when it last became the active one"),
    Index(
        "uq_strategies_active",
        "active",
        unique=True,
        sqlite_where=text("active"),
        postgresql_where=text("active"),
    ),
)
