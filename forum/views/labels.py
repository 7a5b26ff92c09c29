"""Translated, human names for stored codes (device, contact preference, guard findings)."""

from __future__ import annotations

import json

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


AUDIT_ACTIONS = {
    "accept": _l("Accepted an answer"),
    "unaccept": _l("Removed an accepted mark"),
    "category_create": _l("Created a category"),
    "category_edit": _l("Edited a category"),
    "category_move": _l("Reordered categories"),
    "glossary_add": _l("Added a synonym group"),
    "glossary_edit": _l("Edited a synonym group"),
    "glossary_delete": _l("Deleted a synonym group"),
    "email_verified": _l("Confirmed an e-mail address"),
    "email_verify_sent": _l("Sent an e-mail confirmation"),
    "escalate": _l("Made a thread a private ticket"),
    "image_release": _l("Released a held image"),
    "image_remove": _l("Removed an image"),
    "lock": _l("Locked a thread"),
    "unlock": _l("Unlocked a thread"),
    "pin": _l("Pinned a thread"),
    "unpin": _l("Unpinned a thread"),
    "move": _l("Moved a thread"),
    "make_public": _l("Made a ticket public"),
    "needs_staff": _l("Asked staff to look"),
    "needs_staff_cleared": _l("Cleared a request for staff"),
    "password_change": _l("Changed a password"),
    "password_reset": _l("Reset a password"),
    "post_delete": _l("Deleted a post"),
    "post_edit": _l("Edited a post"),
    "post_restore": _l("Restored a post"),
    "post_hidden_by_reports": _l("A post was hidden by reports"),
    "publish_answer": _l("Published an answer from a ticket"),
    "publish_cancel": _l("Withdrew a request to publish"),
    "publish_decline": _l("Declined to publish a ticket"),
    "publish_propose": _l("Asked to publish a ticket"),
    "reply_by_mail": _l("Replied by e-mail"),
    "review_approve": _l("Approved a held post"),
    "review_reject": _l("Rejected a held post"),
    "role_change": _l("Changed a role"),
    "suspend": _l("Suspended an account"),
    "unsuspend": _l("Lifted a suspension"),
    "ticket_open": _l("Opened a ticket"),
    "ticket_update": _l("Updated a ticket"),
    "trust_level": _l("Changed a trust level"),
    "flag_dismissed": _l("Dismissed reports"),
    "flag_removed": _l("Deleted a reported post"),
}
AUDIT_KEYS = {
    "thread": _l("thread"),
    "reason": _l("reason"),
    "role": _l("role"),
    "old": _l("before"),
    "new": _l("after"),
    "from": _l("from"),
    "to": _l("to"),
    "category": _l("category"),
    "status": _l("status"),
    "priority": _l("priority"),
    "assignee": _l("assignee"),
    "level": _l("level"),
    "via": _l("via"),
}


def audit_label(action: str) -> str:
    """A readable, translated name for an audit action (the raw key if it is new)."""
    label = AUDIT_ACTIONS.get(action)
    return str(label) if label is not None else action.replace("_", " ")


def audit_details(detail: str | None) -> list[tuple[str, str]]:
    """An audit row's JSON details as (translated key, value) pairs for reading."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return [("", detail or "")]
    if not isinstance(data, dict):
        return [("", str(data))]
    return [(str(AUDIT_KEYS.get(k, k.replace("_", " "))), _value(v)) for k, v in data.items()]


def _value(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return "—" if value is None else str(value)
