"""The log-in throttle, counted in the database (every worker and host sees the same counts).
Imports models, extensions, errors.

Three counters of failed attempts in a short window (FORUM_LOGIN_WINDOW_MINUTES):
- per (account, address): FORUM_LOGIN_PAIR_MAX. Stops guessing one account from one place
  and does not touch the real user, who is somewhere else.
- per address, over all accounts: FORUM_LOGIN_ADDRESS_MAX. Stops spraying many accounts.
- per account, over all addresses: FORUM_LOGIN_ACCOUNT_MAX. Stops a botnet guessing one
  account. This is the counter an attacker could use to lock the real user out, so it does
  not apply to a device that has logged in to this account before (a signed device cookie,
  OWASP's "device cookie" design); such a device is held to the per-pair limit only.
While throttled even the right password is refused (otherwise the throttle would be an
oracle), refusals are not counted (the window always ends), and a success clears its pair.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, false, func, select

from .errors import DomainError
from .extensions import db
from .models import LoginAttempt, utcnow

PASSWORD = "password"  # noqa: S105 (the kind of attempt, not a password)
SECOND_STEP = "totp"
KEEP = timedelta(days=1)


class Throttled(DomainError):
    """Too many failed attempts: wait, then try again."""

    def __init__(self) -> None:
        super().__init__(
            _l("Too many failed attempts. Please wait a few minutes and try again."),
            field="password",
        )


def _failures(kind: str, since, **where: str) -> int:
    stmt = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.kind == kind,
        LoginAttempt.succeeded == false(),
        LoginAttempt.created_at >= since,
    )
    for column, value in where.items():
        stmt = stmt.where(getattr(LoginAttempt, column) == value)
    return db.session.scalar(stmt) or 0


def check(kind: str, account_key: str, address: str, *, known_device: bool = False) -> None:
    """Raise Throttled if this attempt must be refused without looking at the password."""
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["FORUM_LOGIN_WINDOW_MINUTES"])
    key, address = account_key[:64], address[:64]
    if _failures(kind, since, account_key=key, address=address) >= config["FORUM_LOGIN_PAIR_MAX"]:
        raise Throttled()
    if _failures(kind, since, address=address) >= config["FORUM_LOGIN_ADDRESS_MAX"]:
        raise Throttled()
    if (
        not known_device
        and _failures(kind, since, account_key=key) >= config["FORUM_LOGIN_ACCOUNT_MAX"]
    ):
        raise Throttled()


def record(kind: str, account_key: str, address: str, *, succeeded: bool) -> None:
    """Count one attempt (committed at once, whatever the caller does next)."""
    key = account_key[:64]
    now = utcnow()
    if succeeded:
        db.session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.kind == kind,
                LoginAttempt.account_key == key,
                LoginAttempt.address == address,
            )
        )
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP))
    db.session.add(
        LoginAttempt(kind=kind, account_key=key, address=address[:64], succeeded=succeeded)
    )
    db.session.commit()
