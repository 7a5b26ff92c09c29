"""E-mail addresses and what hangs on them: verification, the forgotten-password link,
per-kind notification settings, one-click unsubscribe, watching threads and the daily digest.
Imports permissions, mail, mail_compose, mail_tokens, events, models, extensions.

Setting the new password itself is accounts' job (its rules and hashing): the reset view checks
the link here, then calls accounts.operator_set_password.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from unicodedata import normalize

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from . import mail, mail_tokens, permissions
from .errors import DomainError
from .events import audit
from .extensions import db
from .mail_compose import CATEGORIES, DEFAULT_MODE, MODES
from .models import EmailPreference, MailRequest, Thread, ThreadWatch, User, utcnow

VERIFY_PER_HOUR = 5
_CHECKER = PasswordHasher()


class TooManyRequests(DomainError):
    """Too many e-mails asked for from one client address: the same answer for every name."""


def normalise_address(address: str) -> str:
    """A syntactically valid address, lower-cased; DomainError otherwise."""
    try:
        valid = validate_email((address or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_l("That does not look like an e-mail address."), field="email") from None
    return valid.normalized.lower()


def find_verified(address: str) -> User | None:
    """The account whose verified address this is, if any."""
    try:
        address = normalise_address(address)
    except DomainError:
        return None
    return db.session.scalar(
        select(User).where(User.email == address, User.email_verified_at.is_not(None)).limit(1)
    )


def _client_key(client: str) -> str:
    key = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{key}:{client}".encode()).hexdigest()[:32]


def _recent(kind: str, condition) -> int:
    since = utcnow() - timedelta(hours=1)
    stmt = select(func.count(MailRequest.id)).where(
        MailRequest.kind == kind, MailRequest.created_at >= since, condition
    )
    return db.session.scalar(stmt) or 0


# --- addresses and verification ---------------------------------------------------------------


def request_verification(actor: User, address: str, *, password: str | None = None) -> None:
    """Send a confirmation link to an address; replacing a verified address needs the
    password, and the old address is told."""
    address = normalise_address(address)
    replacing = actor.email_verified_at is not None and actor.email and actor.email != address
    if replacing:
        try:
            _CHECKER.verify(actor.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            raise DomainError(_l("Your password is not right."), field="password") from None
    if _recent("verify", MailRequest.user_id == actor.id) >= VERIFY_PER_HOUR:
        raise DomainError(_l("Too many confirmation e-mails. Please try again in an hour."))
    db.session.add(MailRequest(kind="verify", user_id=actor.id, client=""))
    mail.queue("verify", user_id=actor.id, address=address)
    if replacing:
        mail.queue("changed", user_id=actor.id, old=actor.email, new=address)
    audit(actor, "email_verify_sent", actor)
    db.session.commit()


def confirm_address(token: str) -> User:
    """Follow a confirmation link: the address becomes the account's verified address."""
    found = mail_tokens.read_verify_token(token)
    user = db.session.get(User, found[0]) if found else None
    if found is None or user is None:
        raise DomainError(_l("This confirmation link is not valid or has expired."))
    address = found[1]
    taken = find_verified(address)
    if taken is not None and taken.id != user.id:
        raise DomainError(_l("That address already belongs to another account."))
    user.email, user.email_verified_at = address, utcnow()
    audit(user, "email_verified", user)
    db.session.commit()
    return user


# --- forgotten password -----------------------------------------------------------------------


def request_reset(identifier: str, client: str) -> None:
    """Send a reset link to the verified address of the account named (by name or address).
    The caller says the same thing whatever happens: nothing here reveals an account.
    Limits are counted in the database: per client address (TooManyRequests) and per account
    (silently nothing more is sent)."""
    config = current_app.config
    client_key = _client_key(client)
    if _recent("reset", MailRequest.client == client_key) >= config["FORUM_RESET_PER_CLIENT"]:
        raise TooManyRequests(_l("Too many requests. Please try again in an hour."))
    user = _find_account(identifier.strip())
    target = user if user is not None and user.email_verified_at is not None else None
    if target is not None and not target.is_suspended:
        per_account = _recent("reset", MailRequest.user_id == target.id)
        if per_account < config["FORUM_RESET_PER_ACCOUNT"]:
            mail.queue("reset", user_id=target.id)
    db.session.add(
        MailRequest(kind="reset", user_id=target.id if target else None, client=client_key)
    )
    db.session.commit()


def _find_account(identifier: str) -> User | None:
    if "@" in identifier:
        return find_verified(identifier)
    key = normalize("NFKC", identifier).casefold()
    return db.session.scalar(select(User).where(User.username_key == key))


def user_for_reset(token: str) -> User:
    """The account a reset link is for; refused once used, after any password change, or
    after about an hour."""
    found = mail_tokens.read_reset_token(token)
    user = db.session.get(User, found[0]) if found else None
    if (
        found is None
        or user is None
        or user.is_suspended
        or mail_tokens.password_fingerprint(user) != found[1]
    ):
        raise DomainError(_l("This reset link is not valid any more. Please ask for a new one."))
    return user


# --- notification settings and unsubscribe ----------------------------------------------------


def preferences(actor: User) -> dict[str, str]:
    """Each category's mode for this person (defaults filled in)."""
    rows = db.session.execute(
        select(EmailPreference.category, EmailPreference.mode).where(
            EmailPreference.user_id == actor.id
        )
    )
    chosen = {category: mode for category, mode in rows}
    return {category: chosen.get(category, DEFAULT_MODE) for category in CATEGORIES}


def set_preferences(actor: User, modes: dict[str, str]) -> None:
    """Choose off / immediately / daily for each kind of notification e-mail."""
    for category, mode in modes.items():
        if category not in CATEGORIES or mode not in MODES:
            raise DomainError(_l("Please pick one of the choices."))
        if category == "staff" and not actor.is_staff:
            continue
        row = db.session.get(EmailPreference, (actor.id, category))
        if row is None:
            db.session.add(EmailPreference(user_id=actor.id, category=category, mode=mode))
        else:
            row.mode = mode
    db.session.commit()


def unsubscribe(token: str) -> tuple[User, str]:
    """One-click unsubscribe from a link in an e-mail: that category (or the digest) is off."""
    found = mail_tokens.read_unsubscribe_token(token)
    user_id, category = permissions.require_found(found)
    user = permissions.require_found(db.session.get(User, user_id))
    current = preferences(user)
    if category == "digest":
        targets = [c for c, mode in current.items() if mode == "daily"]
    else:
        permissions.require_visible(category in CATEGORIES)
        targets = [category]
    for name in targets:
        db.session.merge(EmailPreference(user_id=user_id, category=name, mode="off"))
    db.session.commit()
    return user, category


def queue_digests(now=None) -> int:
    """Queue the daily digest of everyone due one (24 h since the last); returns how many."""
    now = now or utcnow()
    due = now - timedelta(hours=23, minutes=55)
    daily_users = select(EmailPreference.user_id).where(EmailPreference.mode == "daily")
    users = db.session.scalars(
        select(User).where(
            User.id.in_(daily_users),
            User.email_verified_at.is_not(None),
            (User.digest_sent_at.is_(None)) | (User.digest_sent_at <= due),
        )
    ).all()
    for user in users:
        since = user.digest_sent_at or now - timedelta(days=1)
        mail.queue("digest", user_id=user.id, since=since.isoformat(), until=now.isoformat())
        user.digest_sent_at = now
    db.session.commit()
    return len(users)


# --- watching threads ---------------------------------------------------------------------------


def set_watching(actor: User, thread: Thread, watching: bool) -> None:
    """Follow a thread one can see (a notification for every reply), or stop."""
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    permissions.require(permissions.can_watch(actor, thread))
    if watching:
        if db.session.get(ThreadWatch, (actor.id, thread.id)) is None:
            db.session.add(ThreadWatch(user_id=actor.id, thread_id=thread.id))
    else:
        db.session.execute(
            delete(ThreadWatch).where(
                ThreadWatch.user_id == actor.id, ThreadWatch.thread_id == thread.id
            )
        )
    db.session.commit()


def is_watching(actor: User, thread: Thread) -> bool:
    if not actor.is_authenticated:
        return False
    return db.session.get(ThreadWatch, (actor.id, thread.id)) is not None
