"""Two-factor authentication (TOTP, RFC 6238) with one-time recovery codes, and recent
re-authentication. Imports permissions, passwords, throttle, events, models, extensions.

Staff and admins must enrol (FORUM_STAFF_2FA). The secret lives in the users table; the
last accepted time step refuses a replayed code; recovery codes are stored as SHA-256
digests (they are 50-bit random strings, so a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from . import passwords, permissions, throttle
from .errors import DomainError
from .events import audit
from .extensions import db
from .models import RecoveryCode, User, utcnow

RECOVERY_CODES = 10
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_data_uri: str  # an SVG image as a data: URL (the CSP allows data: images, no script)


def is_enrolled(user: User) -> bool:
    return bool(getattr(user, "totp_enabled_at", None))


def enrolment_required(user: User) -> bool:
    """Whether this account must enrol before it may use the forum's staff side."""
    return (
        bool(current_app.config["FORUM_STAFF_2FA"])
        and bool(getattr(user, "is_staff", False))
        and not is_enrolled(user)
    )


def start_enrolment(actor: User) -> Enrolment:
    """A new (or the pending) secret and its QR code; in force only once a code confirms it."""
    if is_enrolled(actor):
        raise DomainError(_l("Two-factor authentication is already on."))
    if not actor.totp_secret:
        actor.totp_secret = pyotp.random_base32()
        db.session.commit()
    uri = pyotp.TOTP(actor.totp_secret).provisioning_uri(
        name=actor.username, issuer_name=current_app.config["FORUM_NAME"]
    )
    import segno  # the QR code of an enrolment: loaded when someone enrols (0.7 MB)

    qr = segno.make(uri, error="m")
    return Enrolment(actor.totp_secret, uri, qr.svg_data_uri(scale=5, border=2))


def confirm_enrolment(actor: User, code: str, *, address: str) -> list[str]:
    """Turn two-factor on with a first code from the app; returns the recovery codes (shown
    once, stored hashed)."""
    if is_enrolled(actor) or not actor.totp_secret:
        raise DomainError(_l("Start the set-up again."), field="code")
    if not _check(actor, code, address, recovery=False):
        raise DomainError(_l("That code is not right. Check the time on your phone."), field="code")
    actor.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(actor)
    audit(actor, "2fa_enable", actor)
    db.session.commit()
    return codes


def verify(user: User, code: str, *, address: str) -> bool:
    """The log-in's second step: a current code from the app, or an unused recovery code."""
    ok = _check(user, code, address, recovery=True)
    if ok:
        db.session.commit()
    return ok


def regenerate_codes(actor: User) -> list[str]:
    """New recovery codes for oneself; the old ones stop working."""
    if not is_enrolled(actor):
        raise DomainError(_l("Two-factor authentication is not on."))
    codes = _new_recovery_codes(actor)
    audit(actor, "2fa_codes", actor)
    db.session.commit()
    return codes


def reset(actor: User, target: User) -> None:
    """An admin turns off someone's two-factor (lost phone); they enrol again at next log-in."""
    permissions.require(permissions.can_reset_two_factor(actor, target))
    _clear(target)
    target.session_version = (target.session_version or 0) + 1
    audit(actor, "2fa_reset", target)
    db.session.commit()


def operator_reset(target: User) -> None:
    """The operator's reset from the command line (audited without an actor)."""
    _clear(target)
    target.session_version = (target.session_version or 0) + 1
    audit(None, "2fa_reset", target, by="cli")
    db.session.commit()


def reauthenticate(actor: User, secret: str, *, address: str) -> None:
    """Prove it is still you: the password, or a code from the app if two-factor is on."""
    key = actor.username_key
    throttle.check(throttle.PASSWORD, key, address, known_device=True)
    digits = "".join(secret.split())
    ok = (is_enrolled(actor) and digits.isdigit() and _check(actor, digits, address)) or (
        passwords.verify(actor.password_hash, secret)
    )
    throttle.record(throttle.PASSWORD, key, address, succeeded=ok)
    if not ok:
        raise DomainError(_l("That is not your password or a current code."), field="secret")


def remaining_codes(user: User) -> int:
    stmt = select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return len(db.session.scalars(stmt).all())


def _check(user: User, code: str, address: str, *, recovery: bool = False) -> bool:
    """Throttled check of a TOTP (or recovery) code; marks what it used, caller commits."""
    throttle.check(throttle.SECOND_STEP, user.username_key, address, known_device=True)
    code = "".join(code.split()).lower()
    ok = _totp_ok(user, code) or (recovery and _recovery_ok(user, code))
    throttle.record(throttle.SECOND_STEP, user.username_key, address, succeeded=ok)
    return ok


def _totp_ok(user: User, code: str) -> bool:
    if not user.totp_secret or not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now - 1, now, now + 1):  # a phone clock 30 s off still works
        if step > (user.totp_last_step or 0) and hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def _recovery_ok(user: User, code: str) -> bool:
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code.replace("-", "")),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    audit(user, "2fa_recovery_code_used", user)
    return True


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(10)) for _ in range(10)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(code)))
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
