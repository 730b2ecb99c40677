"""Failed sign-ins slow guessing down without locking anyone out.

Two counters are kept for every failed attempt, in the product database (`sign_in_throttle`), so that every
API worker and every restart sees the same counts:

- per source address ("address" scope): the failures from that address, whatever the account tried. This
  slows one machine guessing one password across many accounts (password spraying).
- per account from one address ("account" scope, keyed by the user name tried and the address): the
  failures against one account from that address. This slows one machine guessing one account's password.

Once a counter reaches its limit, each further failure refuses the next attempts of that key for a delay that
doubles from `first_delay` up to `max_delay` (1 s, 2 s, 4 s ... 15 min by default); a refused attempt is not
checked against the password and answers 429 with Retry-After (the server never sleeps). A counter is
forgotten after `window` without a failure, counted from the end of its last delay.

Why there is no counter per account alone: it would let anyone lock the owner out by failing from anywhere,
the denial of service the old lockout was. With the account counter keyed by (account, address), an attacker's
failures from one address never delay the owner signing in from another. Guessing one account from many
addresses (a botnet) is bounded by each address's own counters, the argon2id cost of every check and the
common-password rule of `scoring.db.security`; the audit trail keeps every refused attempt.

A successful sign-in forgets the (account, address) counter. It does not forget the address counter: an
attacker holding one valid account could otherwise clear his address's count between guesses at others.
An administrator resetting a password or enabling an account forgets that account's counters.

Unknown user names are counted like real ones, so the answers say nothing about which accounts exist.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from scoring.db.tables import sign_in_throttle
from scoring.errors import ScoringError

ADDRESS = "address"
ACCOUNT = "account"
UNKNOWN_ADDRESS = "unknown"
MAX_DOUBLINGS = 40  # 2**40 seconds is far beyond any cap
Key = tuple[str, str, str]  # scope, account, address


@dataclass(frozen=True)
class ThrottleRules:
    """When failed sign-ins start to be delayed, and for how long (seconds)."""

    address_failures: int
    account_failures: int
    first_delay: float
    max_delay: float
    window: float

    def delay(self, failures: int, limit: int) -> float | None:
        """The delay after a key's `failures`-th failure when its limit is `limit` (None below the limit)."""
        if failures < limit:
            return None
        return min(self.max_delay, self.first_delay * 2 ** min(failures - limit, MAX_DOUBLINGS))


class Throttled(ScoringError):
    """Too many failed sign-ins from this address, or for this account from this address: try again later."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"too many failed sign-ins: try again in {self.retry_after} seconds")


def _keys(rules: ThrottleRules, username: str, source: str | None) -> Iterator[tuple[Key, int]]:
    address = (source or UNKNOWN_ADDRESS)[:128]
    yield (ADDRESS, "", address), rules.address_failures
    yield (ACCOUNT, username[:128], address), rules.account_failures


def _where(key: Key) -> tuple:
    scope, account, address = key
    table = sign_in_throttle.c
    return table.scope == scope, table.account == account, table.address == address


def wait(conn: Connection, rules: ThrottleRules, username: str, source: str | None, now: datetime) -> float:
    """Seconds before `username` may be tried again from `source` (0: now)."""
    waits = [0.0]
    for key, _limit in _keys(rules, username, source):
        blocked = conn.execute(select(sign_in_throttle.c.blocked_until).where(*_where(key))).scalar()
        if blocked is not None:
            waits.append((blocked - now).total_seconds())
    return max(waits)


def failed(conn: Connection, rules: ThrottleRules, username: str, source: str | None, now: datetime) -> float:
    """Count a failed sign-in (inside the caller's write transaction); the delay it starts, in seconds (0 when
    none). Counters quiet for longer than the window and their delays are deleted on the way."""
    horizon = now - timedelta(seconds=rules.window + rules.max_delay)
    conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.last_failure_at < horizon))
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert  # ON CONFLICT DO NOTHING
    started = 0.0
    for key, limit in _keys(rules, username, source):
        scope, account, address = key
        conn.execute(
            insert(sign_in_throttle)
            .values(scope=scope, account=account, address=address, failures=0, last_failure_at=now)
            .on_conflict_do_nothing()
        )
        row = conn.execute(select(sign_in_throttle).where(*_where(key)).with_for_update()).mappings().one()
        quiet_since = max(row["last_failure_at"], row["blocked_until"] or row["last_failure_at"])
        forgotten = (now - quiet_since).total_seconds() > rules.window
        failures = 1 if forgotten else row["failures"] + 1
        delay = rules.delay(failures, limit)
        blocked = None if delay is None else now + timedelta(seconds=delay)
        values = {"failures": failures, "last_failure_at": now, "blocked_until": blocked}
        conn.execute(sign_in_throttle.update().where(*_where(key)).values(**values))
        started = max(started, delay or 0.0)
    return started


def succeeded(conn: Connection, username: str, source: str | None) -> None:
    """Forget the counter of `username` from `source` (the address counter stays: see the module's text)."""
    key = (ACCOUNT, username[:128], (source or UNKNOWN_ADDRESS)[:128])
    conn.execute(delete(sign_in_throttle).where(*_where(key)))


def forget_account(conn: Connection, username: str) -> None:
    """Forget every counter of `username`, from every address (an administrator's reset or re-enabling)."""
    table = sign_in_throttle.c
    conn.execute(delete(sign_in_throttle).where(table.scope == ACCOUNT, table.account == username[:128]))
