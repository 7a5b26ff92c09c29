"""The guard applied by construction to every text a person can write: control characters
are stripped and wallet secrets refused. Forms use `clean` and `refusal` on every text field
(forms.GuardedForm); the database session refuses at flush whatever got past them (CLI,
future e-mail), as the last line of defence. Imports safety, errors, extensions.
"""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from . import safety
from .errors import DomainError
from .extensions import db

# NUL and the other C0 controls except tab, newline and carriage return (PostgreSQL refuses
# NUL in text; the others only hide things), and DEL.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SECRET_MESSAGE = _l(
    "This contained a wallet secret (a recovery phrase or private key). We removed it and "
    "saved nothing. Staff will never ask for it."
)

# String and Text columns a person cannot write (every other one is checked at flush, and
# tests/test_guard_everywhere.py proves each refuses a recovery phrase through its route).
UNGUARDED = {
    "users.username_key": "derived from the username, which is checked",
    "users.password_hash": "an argon2 hash, never shown",
    "users.role": "one of the Role values, checked by permissions",
    "users.locale": "one of the configured languages, checked by accounts",
    "users.timezone": "one of the zoneinfo names, checked by accounts",
    "threads.device_os": "one of the DeviceOS values, checked by posting",
    "threads.contact_pref": "one of the ContactPref values, checked by posting",
    "posts.body_html": "rendered from body_source, which is checked",
    "posts.body_text": "the plain text of body_source, which is checked",
    "tickets.status": "one of the TicketStatus values",
    "tickets.priority": "one of the TicketPriority values",
    "tickets.reason": "one of the EscalationReason values",
    "ticket_notes.body_html": "rendered from body_source, which is checked",
    "audit_log.action": "a fixed action name chosen by code",
    "audit_log.target_type": "a model name chosen by code",
    "audit_log.detail": "JSON of ids and choices chosen by code, never user text",
    "notifications.kind": "a fixed notification kind chosen by code",
    "search_outbox.kind": "'post' or 'thread', chosen by code",
    "flags.reason": "one of the FlagReason values, checked by moderation",
    "flags.outcome": "'dismissed' or 'removed', chosen by code",
    "email_preferences.category": "one of the notification categories, chosen by code",
    "email_preferences.mode": "off, immediately or daily, checked by the form's choices",
    "mail_outbox.kind": "the kind of message, chosen by code",
    "mail_outbox.claimed_by": "the sending worker's id",
    "mail_outbox.last_error": "the SMTP server's reply to a failed delivery",
    "mail_outbox.payload": "JSON of ids, addresses and (staff digest) thread titles, all checked where typed",
    "mail_requests.client": "a hash of the client address",
    "mail_requests.kind": "reset or verify, chosen by code",
    "login_attempts.kind": "password or totp, chosen by code",
    "login_attempts.address": "the client's IP address",
    "login_attempts.account_key": "the name typed at log-in; the log-in form refuses a secret first",
    "recovery_codes.code_hash": "a hash of a generated code",
    "users.totp_secret": "a generated base32 secret",
    "posts.held_reason": "comma-separated hold reason codes, chosen by code",
    "posts.review_outcome": "approved or rejected, chosen by code",
    "attachments.blob_sha256": "a hash of the stored image",
    "attachments.thumb_sha256": "a hash of the stored thumbnail",
    "attachments.personal_kinds": "finding kinds chosen by code (the text read is never kept)",
    "media_blobs.sha256": "a hash of the stored bytes",
    "media_blobs.mime": "image/png, image/jpeg or image/webp, chosen by code",
}


class SecretInText(DomainError):
    """A text about to be stored holds a wallet secret; nothing was stored."""

    def __init__(self, kinds: list[str], field: str) -> None:
        super().__init__(SECRET_MESSAGE, field=field)
        self.kinds = kinds


def clean(text: str) -> str:
    """The text without NUL and other C0 control characters (tab and newlines kept)."""
    return _CONTROLS.sub("", text)


def refusal(text: str) -> tuple[list[str], str] | None:
    """(kinds, the text with each secret cut out) if the text holds a secret, else None.
    Logs only the kinds, never the text."""
    found = safety.find_secrets(text)
    if not found:
        return None
    kinds = sorted({f.kind for f in found})
    if has_app_context():
        current_app.logger.warning("guard refused a text: %s", ",".join(kinds))
    return kinds, safety.remove_spans(text, found)


def guarded_columns(table) -> list:
    """The String and Text columns of a table that a person can write."""
    return [
        column
        for column in table.columns
        if isinstance(column.type, String) and f"{table.name}.{column.name}" not in UNGUARDED
    ]


@event.listens_for(db.session, "before_flush")
def _refuse_secrets(session: Session, _context, _instances) -> None:
    """Clean every changed user text and refuse a secret before anything is written.
    The refused object leaves the session (new) or loses the change (dirty), so a later
    flush in the same request cannot write it either."""
    for obj in [*session.new, *session.dirty]:
        state = inspect(obj)
        table = state.mapper.local_table
        for column in guarded_columns(table):
            attr = state.mapper.get_property_by_column(column).key
            if obj in session.dirty and not state.attrs[attr].history.has_changes():
                continue
            value = getattr(obj, attr)
            if not isinstance(value, str):
                continue
            if (cleaned := clean(value)) != value:
                setattr(obj, attr, cleaned)
            refused = refusal(cleaned)
            if refused:
                _forget(session, obj, attr)
                raise SecretInText(refused[0], field=attr)


def _forget(session: Session, obj, attr: str) -> None:
    if obj in session.new:
        session.expunge(obj)
    else:
        session.expire(obj, [attr])
