"""Passwords: argon2id hashing and the strength rule (zxcvbn, offline). Imports errors only.

zxcvbn estimates guesses from dictionaries of common passwords, names and words, keyboard
patterns, dates and repeats, so `1234567890` or `Mia_TP2024` fail however long they are.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import DomainError

# OWASP's argon2id floor (t=2, m=19 MiB): ~25 ms per hash here, against ~150 ms for the
# library defaults (measured.md).
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
# zxcvbn refuses more than 72 characters (its cost grows with length); a longer password is
# judged by its start, which is what an attacker would have to guess first anyway.
STRENGTH_PREFIX = 72
DUMMY_HASH = HASHER.hash("timing-equaliser-for-unknown-users")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an absent hash costs the same time and fails."""
    try:
        HASHER.verify(password_hash or DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def check(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Refuse a password that is too short, too long or easy to guess (zxcvbn score below
    FORUM_PASSWORD_MIN_SCORE, with the username and forum name counted as known words)."""
    if len(password) < MIN_PASSWORD:
        raise DomainError(
            _l("Use at least %(n)d characters for your password.", n=MIN_PASSWORD),
            field="password",
        )
    if len(password) > MAX_PASSWORD:
        raise DomainError(_l("That password is too long."), field="password")
    words = [w for w in (*user_inputs, current_app.config["FORUM_NAME"]) if w]
    words += current_app.config["FORUM_BRAND_NAMES"]
    from zxcvbn import zxcvbn  # its dictionaries are ~12 MB: loaded when a password is set

    result = zxcvbn(password[:STRENGTH_PREFIX], user_inputs=words)
    if result["score"] < current_app.config["FORUM_PASSWORD_MIN_SCORE"]:
        raise DomainError(
            _l(
                "This password is too easy to guess: common passwords, number runs, keyboard "
                "patterns, dates and your name are tried first. Use several uncommon words."
            ),
            field="password",
        )
