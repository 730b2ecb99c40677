"""Passwords: argon2id hashes (argon2-cffi), rehashed on sign-in when the parameters change, and a dummy hash
checked for unknown accounts so that a wrong user name takes as long to refuse as a wrong password."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
HASHER = PasswordHasher()  # argon2id, the library's defaults (RFC 9106's second recommended setting)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (None when it is acceptable)."""
    if len(password) < MIN_LENGTH:
        return f"must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must have at most {MAX_LENGTH} characters"
    if not password.strip():
        return "must not be only spaces"
    return None


def hash_password(password: str) -> str:
    """The argon2id hash of an acceptable password (ValueError naming the problem otherwise)."""
    problem = password_problem(password)
    if problem:
        raise ValueError(f"password {problem}")
    return HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(24))


def verify_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(the password matches, a new hash to store when the stored one uses outdated parameters).

    `stored` None (an unknown or single-sign-on-only account) is checked against a dummy hash, so the answer
    takes as long and is always False.
    """
    try:
        HASHER.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, HASHER.hash(password) if HASHER.check_needs_rehash(stored) else None


def random_password() -> str:
    """A random password for a new account (20 URL-safe characters, 120 bits)."""
    return secrets.token_urlsafe(15)
