"""Translated, human names for stored codes (device, contact preference, guard findings)."""

from __future__ import annotations

from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l

from .. import mail_compose
from ..forms import CONTACT_CHOICES, DEVICE_CHOICES
from ..screening import REASONS as HOLD_REASONS

FINDINGS = {
    "recovery_phrase": _l("a recovery phrase"),
    "private_key": _l("a private key"),
    "maybe_private_key": _l("a private key"),
    "wif_key": _l("a private key"),
    "extended_private_key": _l("an extended private key (xprv)"),
    "keystore": _l("a keystore file"),
    "email": _l("an email address"),
    "phone": _l("a phone number"),
    "national_id": _l("an ID card number"),
}


def os_choices() -> list[tuple[str, str]]:
    return [(c.value, str(c.label)) for c in DEVICE_CHOICES if c.value]


def os_label(code: str | None) -> str:
    return dict(os_choices()).get(code or "", code or "")


def contact_label(code: str | None) -> str:
    return next((str(c.label) for c in CONTACT_CHOICES if c.value == code), code or "")


ROLES = {
    "member": _l("Member"),
    "volunteer": _l("Volunteer"),
    "staff": _l("Staff"),
    "admin": _l("Admin"),
}
# One list of what each notification says, shared with the e-mails.
NOTIFICATIONS = mail_compose.NOTIFICATIONS
TRUST_LEVELS = {
    0: _l("New member"),
    1: _l("Basic member"),
    2: _l("Member"),
    3: _l("Trusted"),
}


def trust_label(level: int | None) -> str:
    return str(TRUST_LEVELS.get(level or 0, level))


def held_reasons(codes: str | None) -> list[str]:
    """Why a post is held, one translated phrase per reason code."""
    return [str(HOLD_REASONS.get(code, code)) for code in (codes or "").split(",") if code]


def notification_text(note) -> str:
    template = NOTIFICATIONS.get(note.kind, _l("Activity in “%(title)s”"))
    actor = note.actor.username if note.actor else _l("someone")
    return str(template) % {"actor": actor, "title": note.thread.title}


def duration(delta) -> str:
    return format_timedelta(delta, threshold=1.0)


TICKET_STATUS = {
    "open": _l("Open"),
    "waiting": _l("Waiting for the asker"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
PRIORITY = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "urgent": _l("Urgent")}
REASONS = {
    "account_data": _l("Account data"),
    "identity": _l("Identity"),
    "lost_funds": _l("Lost or stolen funds"),
    "other": _l("Other"),
}


FLAG_REASONS = {
    "scam": _l("Scam"),
    "spam": _l("Spam"),
    "abuse": _l("Abuse"),
    "other": _l("Other"),
}


def _labels(table: dict):
    """A template filter: the translated name of a stored code (the code itself if unknown)."""
    return lambda code: str(table.get(code, code))


finding_label = _labels(FINDINGS)
role_label = _labels(ROLES)
ticket_status_label = _labels(TICKET_STATUS)
priority_label = _labels(PRIORITY)
reason_label = _labels(REASONS)
flag_reason_label = _labels(FLAG_REASONS)
