"""Tickets by e-mail: one RFC 5322 message from the MTA (`flask forum receive-mail` on stdin)
becomes a reply in a ticket (reply address with a signed token) or a new private ticket (from
a verified address). Imports permissions, posting, mail, mail_tokens, events, models.

The text goes through the same guard as the web: a wallet secret is refused, nothing of the
message is stored and the sender is told why. Unknown senders get an invitation, nothing kept.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from . import mail, mail_tokens, permissions
from .errors import DomainError
from .events import audit
from .extensions import db
from .models import Category, EscalationReason, MailRequest, Thread, Ticket, User, utcnow
from .posting import (
    Question,
    SecretRefused,
    Text,
    add_post,
    check_body,
    guard,
    once,
    start_thread,
)
from .replies import after_reply

# Where quoted history starts in the replies of common mail programs (English and Chinese).
QUOTE_STARTS = re.compile(
    r"^(On .{1,200} wrote:\s*$|在.{1,200}写道[:：]\s*$|-{2,}\s*Original Message\s*-{2,}|"
    r"-{2,}\s*原始邮件\s*-{2,}|_{10,}\s*$|(From|发件人)\s*[:：].+$)",
    re.MULTILINE,
)
SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)


class _TextOfHTML(HTMLParser):
    """The readable text of an HTML-only message (tags dropped, blocks on their own lines)."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data) -> None:
        if not self.skip:
            self.parts.append(data)


def body_text(message: EmailMessage) -> str:
    """What the sender wrote this time: plain part (or HTML made text), quotes and signature cut."""
    part = message.get_body(("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_subtype() == "html":
        parser = _TextOfHTML()
        parser.feed(text)
        text = "".join(parser.parts)
    if match := QUOTE_STARTS.search(text):
        text = text[: match.start()]
    if match := SIGNATURE.search(text):
        text = text[: match.start()]
    lines = [line.rstrip() for line in text.splitlines() if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _is_automatic(message: EmailMessage) -> bool:
    auto = (message.get("Auto-Submitted") or "no").lower()
    precedence = (message.get("Precedence") or "").lower()
    return auto != "no" or precedence in {"bulk", "list", "junk"}


def _recipients(message: EmailMessage) -> list[str]:
    fields = [message.get_all(name, []) for name in ("To", "Cc", "Delivered-To", "X-Original-To")]
    return [addr.lower() for _name, addr in getaddresses([f for group in fields for f in group])]


def receive(raw: bytes) -> str:
    """Handle one inbound message; returns what happened (for the MTA's log, no content)."""
    if len(raw) > current_app.config["FORUM_MAIL_MAX_INBOUND_BYTES"]:
        return "too_large"
    message = message_from_bytes(raw, policy=policy.default)
    sender = parseaddr(message.get("From", ""))[1].lower()
    if not sender or _is_automatic(message):
        return "ignored"
    support = current_app.config["FORUM_MAIL_SUPPORT_ADDRESS"].lower()
    local, _at, domain = support.partition("@")
    tagged = [
        a for a in _recipients(message) if a.startswith(local + "+") and a.endswith("@" + domain)
    ]
    key = _submission_key(message)
    if tagged:
        return _reply(tagged, sender, body_text(message), key)
    return _new_ticket(sender, message, key)


def _submission_key(message: EmailMessage) -> str | None:
    message_id = (message.get("Message-ID") or "").strip()
    return "mail:" + hashlib.sha256(message_id.encode()).hexdigest()[:40] if message_id else None


def _verified_user(address: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == address, User.email_verified_at.is_not(None)).limit(1)
    )


def _reply(tagged: list[str], sender: str, text: str, key: str | None) -> str:
    found = next((t for t in map(mail_tokens.read_reply_address, tagged) if t), None)
    if found is None:
        return "forged"
    thread, user = db.session.get(Thread, found[0]), db.session.get(User, found[1])
    # The token names the person; the mail must also come from their verified address.
    if thread is None or user is None or user.email != sender or user.email_verified_at is None:
        return "forged"
    if not (permissions.can_view_thread(user, thread) and permissions.can_reply(user, thread)):
        return "not_allowed"

    def make():
        body = check_body(text)
        guard([Text("body", body)], public=not thread.is_private, personal_ok=True)
        post = add_post(user, thread, body, submission_key=key)
        after_reply(thread, post, user)
        audit(user, "reply_by_mail", thread)
        return post

    return _guarded(sender, lambda: once(key, user, make, lambda earlier: earlier), "replied")


def _guarded(sender: str, store, outcome: str) -> str:
    try:
        store()
    except SecretRefused:
        db.session.rollback()
        mail.queue("refused", address=sender)
        db.session.commit()
        return "refused_secret"
    except DomainError:
        db.session.rollback()
        return "rejected"
    return outcome


def _new_ticket(sender: str, message: EmailMessage, key: str | None) -> str:
    user = _verified_user(sender)
    if user is None or user.is_suspended:
        return _invite(sender, message)
    subject = SUBJECT_PREFIX.sub("", message.get("Subject", "")).strip()
    if len(subject) < 6:
        subject = _("Support request by e-mail")
    category = _ticket_category()

    def make():
        question = Question(title=subject[:200], body=body_text(message), submission_key=key)
        thread = start_thread(user, category, question, private=True)
        db.session.add(Ticket(thread=thread, opened_by_id=user.id, reason=EscalationReason.OTHER))
        audit(user, "ticket_open", thread, by="mail")
        return thread

    return _guarded(sender, lambda: once(key, user, make, lambda post: post.thread), "opened")


def _ticket_category() -> Category:
    slug = current_app.config["FORUM_MAIL_TICKET_CATEGORY"]
    stmt = select(Category).order_by(Category.position, Category.id)
    if slug:
        stmt = stmt.where(Category.slug == slug)
    return db.session.scalars(stmt.limit(1)).one()


def _invite(sender: str, message: EmailMessage) -> str:
    """One invitation per address per day (forged senders must not turn us into a spammer)."""
    client = hashlib.sha256(f"{current_app.config['SECRET_KEY']}:{sender}".encode()).hexdigest()
    since = utcnow() - timedelta(days=1)
    recent = db.session.scalar(
        select(MailRequest.id)
        .where(MailRequest.kind == "invite", MailRequest.client == client[:32])
        .where(MailRequest.created_at >= since)
        .limit(1)
    )
    if recent is not None:
        return "ignored"
    db.session.add(MailRequest(kind="invite", client=client[:32]))
    chinese = re.search(r"[\u4e00-\u9fff]", message.get("Subject", "") + body_text(message))
    mail.queue("invite", address=sender, locale="zh" if chinese else "en")
    db.session.commit()
    return "invited"
