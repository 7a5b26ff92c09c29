"""What each outbox row becomes as an e-mail, composed when it is sent: in the recipient's
language, plain text and HTML, with one-click unsubscribe headers on notifications. Imports
permissions, markup, mail_tokens, models, extensions.

Privacy is checked now, not when the row was queued: a notification about a thread the
recipient can no longer see (escalated to a ticket, deleted) composes to nothing (design rule 7).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import TypeGuard

from flask import current_app, g, render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import mail_tokens, markup, permissions
from .extensions import db
from .models import EmailPreference, MailOutbox, Notification, Post, Thread, User

CATEGORIES = ("reply", "accepted", "watch", "mention", "ticket", "staff")
MODES = ("off", "immediately", "daily")
DEFAULT_MODE = "immediately"
KIND_CATEGORY = {
    "reply": "reply", "asker_reply": "reply", "accepted": "accepted", "solved": "accepted",
    "watch": "watch", "mention": "mention", "escalated": "ticket", "ticket_opened": "ticket",
    "ticket_status": "ticket", "ticket_reply": "ticket", "made_public": "ticket",
    "ticket_assigned": "staff", "ticket_asker_reply": "staff",
    "publish_proposed": "ticket", "answer_published": "ticket",
    "publish_agreed": "staff", "publish_declined": "staff",
    "post_hidden": "reply", "review_approved": "reply", "review_rejected": "reply",
}  # fmt: skip
NOTIFICATIONS = {
    "reply": _l("%(actor)s replied to “%(title)s”"),
    "asker_reply": _l("%(actor)s, who asked “%(title)s”, added a reply"),
    "accepted": _l("Your answer in “%(title)s” was accepted by %(actor)s"),
    "solved": _l("Your question “%(title)s” is marked solved by %(actor)s"),
    "escalated": _l("Your question “%(title)s” was moved to private support"),
    "ticket_reply": _l("Staff replied to your private ticket “%(title)s”"),
    "ticket_status": _l("Your ticket “%(title)s” changed status"),
    "made_public": _l("Your ticket “%(title)s” is public again"),
    "publish_proposed": _l(
        "Staff ask whether your ticket “%(title)s” may become public: review it"
    ),
    "publish_agreed": _l("%(actor)s agreed to make the ticket “%(title)s” public"),
    "publish_declined": _l("%(actor)s wants to keep the ticket “%(title)s” private"),
    "answer_published": _l(
        "Staff published their answer to “%(title)s” as a new public question; your posts stay private"
    ),
    "post_hidden": _l(
        "Your post in “%(title)s” was reported as a scam and is hidden until a reviewer looks at it"
    ),
    "review_approved": _l("Your post in “%(title)s” was reviewed and is now public"),
    "review_rejected": _l("Your post in “%(title)s” was reviewed and removed"),
    "ticket_opened": _l("Staff opened a private ticket for you: “%(title)s”"),
    "ticket_assigned": _l("%(actor)s assigned you the ticket “%(title)s”"),
    "ticket_asker_reply": _l("The asker replied in the ticket “%(title)s”"),
    "watch": _l("%(actor)s replied in “%(title)s”, which you watch"),
    "mention": _l("%(actor)s mentioned you in “%(title)s”"),
}
EXCERPT = 600


def mode_for(user_id: int, category: str) -> str:
    """How this person wants e-mail about one category of notification."""
    mode = db.session.scalar(
        select(EmailPreference.mode).where(
            EmailPreference.user_id == user_id, EmailPreference.category == category
        )
    )
    return mode or DEFAULT_MODE


def headline(note: Notification) -> str:
    """One line saying what happened, in the current language."""
    template = NOTIFICATIONS.get(note.kind, _l("Activity in “%(title)s”"))
    actor = note.actor.username if note.actor else _("someone")
    title = note.thread.title if note.thread else ""
    return str(template) % {"actor": actor, "title": title}


def compose(row: MailOutbox) -> EmailMessage | None:
    """The message an outbox row stands for now, or None when nothing is to be sent."""
    payload = json.loads(row.payload or "{}")
    user = db.session.get(User, row.user_id) if row.user_id else None
    if row.user_id and (user is None or user.is_suspended):
        return None
    locale = (user.locale if user else None) or payload.get("locale") or "en"
    with _rendering(locale):
        return BUILDERS[row.kind](row, user, payload)


@contextmanager
def _rendering(locale: str) -> Iterator[None]:
    """A request context on FORUM_BASE_URL (for absolute links) in the recipient's language."""
    base = current_app.config["FORUM_BASE_URL"]
    with current_app.test_request_context("/", base_url=base), force_locale(locale):
        _forget_page_language()  # views cache the catalogue in g per request: not ours
        try:
            yield
        finally:
            _forget_page_language()


def _forget_page_language() -> None:
    g.pop("forum_translations", None)
    g.pop("forum_language", None)
    g.pop("forum_time_locale", None)
    g.pop("forum_time_zone", None)


def _message(to: str, subject: str, template: str, **context) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["FORUM_MAIL_FROM"]
    message["To"] = to
    message["Date"] = formatdate()
    domain = parseaddr(config["FORUM_MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    context = {"forum_name": config["FORUM_NAME"], "subject": subject,
               "lang_code": str(get_locale()), **context}  # fmt: skip
    message.set_content(render_template(f"mail/{template}.txt", **context))
    message.add_alternative(render_template(f"mail/{template}.html", **context), subtype="html")
    return message


def _to(user: User) -> str:
    return formataddr((user.username, user.email or ""))


def _verified(user: User | None) -> TypeGuard[User]:
    return bool(user and user.email and user.email_verified_at)


def _unsubscribe_link(user: User, category: str) -> str:
    token = mail_tokens.unsubscribe_token(user.id, category)
    return url_for("emails.unsubscribe", token=token, _external=True)


def _list_headers(message: EmailMessage, link: str) -> EmailMessage:
    """RFC 8058 one-click unsubscribe: mail clients POST to the link, no log-in needed."""
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


# --- notifications -----------------------------------------------------------------------------


def _visible_post(user: User, note: Notification) -> tuple[Thread, Post | None] | None:
    thread = db.session.get(Thread, note.thread_id) if note.thread_id else None
    if thread is None or not permissions.can_view_thread(user, thread):
        return None
    post = db.session.get(Post, note.post_id) if note.post_id else None
    if post is not None and not permissions.can_view_post(user, post):
        return None
    return thread, post


def _notification(row: MailOutbox, user: User | None, _payload: dict) -> EmailMessage | None:
    note = db.session.get(Notification, row.notification_id) if row.notification_id else None
    category = KIND_CATEGORY.get(note.kind) if note else None
    if note is None or category is None or not _verified(user):
        return None
    if mode_for(user.id, category) != "immediately":
        return None
    seen = _visible_post(user, note)
    if seen is None:
        return None
    thread, post = seen
    anchor = f"p{post.id}" if post else None
    link = url_for("threads.show", thread_id=thread.id, _anchor=anchor, _external=True)
    excerpt = markup.to_text(post.body_source)[:EXCERPT] if post else ""
    subject, unsubscribe = headline(note), _unsubscribe_link(user, category)
    message = _message(
        _to(user), subject, "notification",
        headline=subject, excerpt=excerpt, link=link, settings=_settings_link(),
        unsubscribe=unsubscribe, private=thread.is_private,
    )  # fmt: skip
    _list_headers(message, unsubscribe)
    if thread.is_private:
        message["Reply-To"] = mail_tokens.reply_address(thread.id, user.id)
    return message


def _settings_link() -> str:
    return url_for("emails.settings", _external=True)


def _digest(row: MailOutbox, user: User | None, payload: dict) -> EmailMessage | None:
    if not _verified(user):
        return None
    since = datetime.fromisoformat(payload["since"])
    until = datetime.fromisoformat(payload["until"])
    daily = {c for c in CATEGORIES if mode_for(user.id, c) == "daily"}
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .where(Notification.created_at >= since, Notification.created_at < until)
        .order_by(Notification.id)
    )
    items = []
    for note in notes:
        if KIND_CATEGORY.get(note.kind) in daily and _visible_post(user, note):
            link = url_for("threads.show", thread_id=note.thread_id, _external=True)
            items.append((headline(note), link))
    if not items:
        return None
    subject = _("Your daily summary from %(name)s", name=current_app.config["FORUM_NAME"])
    unsubscribe = _unsubscribe_link(user, "digest")
    message = _message(
        _to(user),
        subject,
        "digest",
        items=items,
        settings=_settings_link(),
        unsubscribe=unsubscribe,
    )
    return _list_headers(message, unsubscribe)


def _staff_digest(row: MailOutbox, user: User | None, payload: dict) -> EmailMessage | None:
    """The staff's daily digest (forum/trends.py computed it when queued): sent only to someone
    who is still staff with a confirmed address, since it names private tickets."""
    if not _verified(user) or not user.is_staff or mode_for(user.id, "staff") == "off":
        return None

    def links(rows: list) -> list[tuple[str, str]]:
        return [
            (title, url_for("threads.show", thread_id=tid, _external=True)) for tid, title in rows
        ]

    subject = _("Daily support digest from %(name)s", name=current_app.config["FORUM_NAME"])
    unsubscribe = _unsubscribe_link(user, "staff")
    message = _message(
        _to(user), subject, "staff_digest",
        late=links(payload["late"]), unanswered=links(payload["unanswered"]),
        figures=payload["figures"], page=url_for("staff.digest", _external=True),
        settings=_settings_link(), unsubscribe=unsubscribe,
    )  # fmt: skip
    return _list_headers(message, unsubscribe)


# --- account mail ---------------------------------------------------------------------------------


def _reset(row: MailOutbox, user: User | None, _payload: dict) -> EmailMessage | None:
    if not _verified(user):
        return None
    link = url_for("emails.reset_password", token=mail_tokens.reset_token(user), _external=True)
    subject = _("Reset your password")
    return _message(_to(user), subject, "reset", user=user, link=link)


def _verify(row: MailOutbox, user: User | None, payload: dict) -> EmailMessage | None:
    if user is None:  # queued for an account (emails.request_verification)
        return None
    address = payload["address"]
    link = url_for("emails.verify", token=mail_tokens.verify_token(user, address), _external=True)
    subject = _("Confirm your e-mail address")
    return _message(formataddr((user.username, address)), subject, "verify", user=user, link=link)


def _changed(row: MailOutbox, user: User | None, payload: dict) -> EmailMessage | None:
    if user is None:  # queued for an account (emails.request_verification)
        return None
    subject = _("Your e-mail address is being changed")
    return _message(
        formataddr((user.username, payload["old"])), subject, "changed",
        user=user, new=payload["new"], settings=_settings_link(),
    )  # fmt: skip


def _invite(row: MailOutbox, _user: User | None, payload: dict) -> EmailMessage | None:
    subject = _("Please register to get support by e-mail")
    link = url_for("auth.register", _external=True)
    return _message(payload["address"], subject, "invite", link=link, reply=payload.get("re"))


def _refused(row: MailOutbox, user: User | None, payload: dict) -> EmailMessage | None:
    subject = _("Your e-mail was not posted: it contained a wallet secret")
    return _message(payload["address"], subject, "refused", reply=payload.get("re"))


BUILDERS: dict[str, Callable[[MailOutbox, User | None, dict], EmailMessage | None]] = {
    "notification": _notification,
    "digest": _digest,
    "staff_digest": _staff_digest,
    "reset": _reset,
    "verify": _verify,
    "changed": _changed,
    "invite": _invite,
    "refused": _refused,
}
