"""Signed tokens carried by e-mails: password reset, address verification, one-click
unsubscribe, and the reply address of a ticket. Imports models only.

Nothing here is stored: a token is checked against the current database state, so a reset link
dies when the password changes (its use changes it) and a reply token names one person in one
ticket, signed with the app's SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from .models import User

RESET_MAX_AGE = 3600  # about an hour
VERIFY_MAX_AGE = 2 * 24 * 3600
REPLY_RE = re.compile(r"^r(\d+)-(\d+)-([0-9a-f]{16})$")


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(user: User) -> str:
    """A short digest of the stored password hash: any password change alters it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _timed("password-reset").dumps([user.id, password_fingerprint(user)])


def read_reset_token(token: str) -> tuple[int, str] | None:
    """(user id, password fingerprint) of a valid, unexpired reset token, else None."""
    try:
        user_id, fingerprint = _timed("password-reset").loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(fingerprint)


def verify_token(user: User, address: str) -> str:
    return _timed("email-verify").dumps([user.id, address])


def read_verify_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, address = _timed("email-verify").loads(token, max_age=VERIFY_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(address)


def unsubscribe_token(user_id: int, category: str) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe").dumps(
        [user_id, category]
    )


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, category = URLSafeSerializer(
            current_app.config["SECRET_KEY"], salt="unsubscribe"
        ).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id), str(category)


def _reply_mac(thread_id: int, user_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"reply:{thread_id}:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def reply_address(thread_id: int, user_id: int) -> str:
    """support+r<thread>-<user>-<mac>@domain: replying to it posts into that ticket as them.
    64 bits of MAC in a local part short enough for every MTA (RFC 5321: 64 characters)."""
    local, _at, domain = current_app.config["FORUM_MAIL_SUPPORT_ADDRESS"].partition("@")
    return f"{local}+r{thread_id}-{user_id}-{_reply_mac(thread_id, user_id)}@{domain}"


def read_reply_address(address: str) -> tuple[int, int] | None:
    """(thread id, user id) from a reply address whose MAC is right, else None."""
    local = address.partition("@")[0].lower()
    _base, plus, tag = local.partition("+")
    match = REPLY_RE.match(tag) if plus else None
    if match is None:
        return None
    thread_id, user_id = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(match.group(3), _reply_mac(thread_id, user_id)):
        return None
    return thread_id, user_id
