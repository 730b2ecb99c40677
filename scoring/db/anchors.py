"""Anchors of the audit trail's end, kept outside the database: signed checkpoints of the chain's head.

The hash chain (`scoring.db.audit`) shows a row edited, inserted or deleted in the middle, but whoever can
write the database can delete the newest rows and move `audit_chain` back. So the head (last row number and
hash) is written, signed, to a JSON-lines file of the home (`data/runtime/audit_anchors.jsonl`, 0600): on
every export, every SCORING_AUDIT_ANCHOR_SECONDS by the API and at its shutdown. Each line is {at, reason,
database (a hash of its URL), first_id, last_id, last_hash, key_id, signature}, the signature being the
HMAC-SHA-256 of the rest (canonical JSON) with SCORING_AUDIT_ANCHOR_KEY, else the home's key
`data/keys/audit_anchor.key` (generated once, 0600 in 0700); SCORING_AUDIT_ANCHOR_VERIFY_KEYS are older
keys still accepted (rotation). `check_anchors` fails when an anchor's signature is wrong, when the chain
ends before an anchored row (rows cut at the end), or when an anchored row's hash differs (the chain
rewritten).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode
from sqlalchemy import Engine, select

from scoring.db.tables import audit_chain, audit_log
from scoring.io import PRIVATE_FILE_MODE
from scoring.settings import ScoringSettings, comma_separated, write_secret_once

ANCHOR_FILE = "audit_anchors.jsonl"
KEY_FILE = Path("data") / "keys" / "audit_anchor.key"
SIGNED = ("at", "reason", "database", "first_id", "last_id", "last_hash", "key_id")
CHUNK = 500


class AnchorSettings(ScoringSettings):
    """The key of the audit trail's anchors and how often the API writes one (prefix SCORING_)."""

    audit_anchor_key: SecretStr | None = Field(
        default=None, description="Signs the audit anchors (default: the home's data/keys/audit_anchor.key)"
    )
    audit_anchor_verify_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default=[], description="Older anchor keys still accepted, comma-separated (rotation)"
    )
    audit_anchor_seconds: float = Field(
        default=300.0, gt=0, description="How often the API anchors the audit trail's head (and at shutdown)"
    )

    @field_validator("audit_anchor_verify_keys", mode="before")
    @classmethod
    def _split_anchor_keys(cls, value: object) -> object:
        return comma_separated(value)

    def anchor_file(self) -> Path:
        return self.paths.runtime / ANCHOR_FILE

    def anchor_keys(self, create: bool = False) -> tuple[bytes | None, tuple[bytes, ...]]:
        """(the signing key, every accepted key): the setting, else the home's key (made when `create`)."""
        older = tuple(key.get_secret_value().encode() for key in self.audit_anchor_verify_keys)
        if self.audit_anchor_key is not None:
            key = self.audit_anchor_key.get_secret_value().encode()
            return key, (key, *older)
        path = self.paths.home / KEY_FILE
        if create and not path.exists():
            write_secret_once(path, secrets.token_urlsafe(48) + "\n")
        key = path.read_text().strip().encode() if path.is_file() else None
        return key, ((key, *older) if key else older)


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"scoring audit anchor key\n" + key).hexdigest()[:16]


def _mac(anchor: Mapping[str, object], key: bytes) -> str:
    signed = json.dumps({name: anchor[name] for name in SIGNED}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, signed.encode(), hashlib.sha256).hexdigest()


def database_id(engine: Engine) -> str:
    """Which database an anchor is of: a hash of its URL without the password (one file, many databases)."""
    url = engine.url.set(password=None).render_as_string(hide_password=False)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def chain_head(engine: Engine) -> Mapping:
    with engine.connect() as conn:
        return conn.execute(select(audit_chain).where(audit_chain.c.id == 1)).mappings().one()


def write_anchor(engine: Engine, settings: AnchorSettings, reason: str) -> dict:
    """Append a signed anchor of the chain's current head to the anchor file (flock, fsync); returns it."""
    key, _ = settings.anchor_keys(create=True)
    if key is None:
        raise RuntimeError(f"no audit anchor key in {settings.paths.home / KEY_FILE}")
    head = chain_head(engine)
    anchor: dict = {
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reason": reason,
        "database": database_id(engine),
        "first_id": head["first_id"],
        "last_id": head["last_id"],
        "last_hash": head["last_hash"],
        "key_id": key_id(key),
    }
    anchor["signature"] = _mac(anchor, key)
    path = settings.anchor_file()
    settings.runtime_dir()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (json.dumps(anchor, sort_keys=True) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


@dataclass(frozen=True)
class AnchorCheck:
    """What the anchors say: how many were checked, the newest anchored row, the first problem found."""

    anchors: int
    last_anchored: int | None
    problem: str | None

    def describe(self) -> str:
        if self.problem is not None:
            return f"audit trail TAMPERED: {self.problem}"
        if not self.anchors:
            return "no anchor of the chain's end yet (written by exports and by the API every few minutes)"
        return f"{self.anchors} anchors of the chain's end agree (newest: row {self.last_anchored})"


def _read(path: Path) -> list[tuple[int, dict | None]]:
    """(line number, anchor or None when the line is not JSON) of every non-empty line."""
    read = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip():
            try:
                read.append((number, json.loads(line)))
            except ValueError:
                read.append((number, None))
    return read


def _signature_problem(number: int, anchor: dict | None, accepted: tuple[bytes, ...]) -> str | None:
    if not isinstance(anchor, dict) or any(name not in anchor for name in (*SIGNED, "signature")):
        return f"anchor line {number} is not an anchor (the anchor file was edited)"
    given = str(anchor["signature"]).encode()
    if not any([hmac.compare_digest(given, _mac(anchor, key).encode()) for key in accepted]):
        return f"anchor line {number} ({anchor['at']}) has a wrong signature (the anchor file was edited)"
    return None


def check_anchors(engine: Engine, settings: AnchorSettings) -> AnchorCheck:
    """Check every anchor of the anchor file against the chain (see the module docstring)."""
    path = settings.anchor_file()
    anchors = _read(path) if path.is_file() else []
    if not anchors:
        return AnchorCheck(0, None, None)
    _, accepted = settings.anchor_keys()
    if not accepted:
        return AnchorCheck(len(anchors), None, f"no key to check the anchors of {path} with")
    for number, anchor in anchors:
        problem = _signature_problem(number, anchor, accepted)
        if problem:
            return AnchorCheck(len(anchors), None, problem)
    database = database_id(engine)
    anchors = [(number, anchor) for number, anchor in anchors if anchor and anchor["database"] == database]
    if not anchors:
        return AnchorCheck(0, None, None)
    newest = max((a for _, a in anchors), key=lambda a: a["last_id"])
    head = chain_head(engine)
    if newest["last_id"] > head["last_id"]:
        first = head["last_id"] + 1
        gone = f"row {first}" if first == newest["last_id"] else f"rows {first}-{newest['last_id']}"
        return AnchorCheck(
            len(anchors),
            newest["last_id"],
            f"{gone} missing: the chain ends at row {head['last_id']}, but an anchor of {newest['at']} names "
            f"row {newest['last_id']} (the chain was cut at the end)",
        )
    expected = {a["last_id"]: a for _, a in anchors if a["last_id"] >= head["first_id"]}
    found = _row_hashes(engine, sorted(expected))
    for number, anchor in sorted(expected.items()):
        if found.get(number) != anchor["last_hash"]:
            return AnchorCheck(
                len(anchors),
                newest["last_id"],
                f"row {number} differs from its anchor of {anchor['at']} (the chain was rewritten)",
            )
    return AnchorCheck(len(anchors), newest["last_id"], None)


def _row_hashes(engine: Engine, numbers: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            rows = conn.execute(select(audit_log.c.id, audit_log.c.row_hash).where(audit_log.c.id.in_(chunk)))
            found.update({row.id: row.row_hash for row in rows})
    return found
