"""Passwords: a policy (a length, and not easy to guess: zxcvbn's estimate, which knows the 30,000 most common
passwords, words, names, dates, keyboard patterns and their l33t or digit-suffixed variants), argon2id hashes
(argon2-cffi), rehashed on sign-in when the parameters change, and a dummy hash checked for unknown accounts
so that a wrong user name takes as long to refuse as a wrong password."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_STRENGTH = 3  # zxcvbn's score, 0-4: 3 is "safely unguessable", about 10^8 guesses or more
STRENGTH_PREFIX = 72  # zxcvbn refuses longer input (its time grows with the length): these characters decide
TOO_EASY = "is too easy to guess (a common password, a word and digits, a pattern): use a few unrelated words"
HASHER = PasswordHasher()  # argon2id, the library's defaults (RFC 9106's second recommended setting)


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused (None when it is acceptable); `user_inputs` (the user name) count as
    easy to guess."""
    if len(password) < MIN_LENGTH:
        return f"must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must have at most {MAX_LENGTH} characters"
    if not password.strip():
        return "must not be only spaces"
    if zxcvbn(password[:STRENGTH_PREFIX], user_inputs=list(user_inputs))["score"] < MIN_STRENGTH:
        return TOO_EASY
    return None


def hash_password(password: str, user_inputs: tuple[str, ...] = ()) -> str:
    """The argon2id hash of an acceptable password (ValueError naming the problem otherwise)."""
    problem = password_problem(password, user_inputs)
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
