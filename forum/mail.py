"""The e-mail outbox (design rule 14) and its sender. Imports mail_compose, models, extensions.

A row is added in the same transaction as the event it reports (`queue`, or automatically for
every notification to someone with a verified address). After the commit a background thread
of the same process delivers it (never the request itself), and `flask forum send-mail`
retries whatever is left, with backoff. A sender claims rows with a conditional UPDATE (a
compare-and-set on `claimed_by`/`claimed_until`, correct on PostgreSQL and SQLite) before it
sends them and deletes each row after the server accepted it: several senders on several
hosts never send one message twice. A sender that dies between the server's "250 OK" and the
delete is the one window left; its row is retried when its lease (LEASE) runs out.
"""

from __future__ import annotations

import json
import secrets
import smtplib
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import delete, event, func, or_, select, update
from sqlalchemy.orm import Session

from . import mail_compose
from .extensions import db
from .models import MailOutbox, Notification, User, utcnow

LEASE = timedelta(minutes=10)
BATCH = 50
MAX_BACKOFF = timedelta(hours=6)


def queue(kind: str, *, user_id: int | None = None, **payload: Any) -> None:
    """Add an e-mail to the outbox in the current transaction (the caller commits)."""
    db.session.add(MailOutbox(kind=kind, user_id=user_id, payload=json.dumps(payload)))
    _mark_dirty()


def _mark_dirty() -> None:
    if has_app_context():
        g.mail_dirty = True


@event.listens_for(Session, "before_flush")
def _queue_notification_mail(session: Session, _context, _instances) -> None:
    """Every new notification to a person with a verified address gets an outbox row in the
    same flush; whether and what to send is decided when sending."""
    new = [obj for obj in session.new if isinstance(obj, Notification)]
    if not new:
        return
    with session.no_autoflush:
        verified = set(
            session.scalars(
                select(User.id).where(
                    User.id.in_({n.user_id for n in new}), User.email_verified_at.is_not(None)
                )
            )
        )
    for note in new:
        if note.user_id in verified:
            session.add(MailOutbox(kind="notification", user_id=note.user_id, notification=note))
    if verified:
        _mark_dirty()


# --- transports ---------------------------------------------------------------------------------


class FileTransport:
    """Development default: each message becomes an .eml file in FORUM_MAIL_DIR."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        name = f"{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
        (self.directory / name).write_bytes(message.as_bytes())


class SMTPTransport:
    """One SMTP connection (smtplib) reused for a batch of messages."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        self.smtp.send_message(message)


@contextmanager
def transport() -> Iterator[FileTransport | SMTPTransport]:
    """The configured way out: SMTP (with STARTTLS/TLS and log-in as set) or .eml files."""
    config = current_app.config
    host = config["FORUM_MAIL_SERVER"]
    if not host:
        yield FileTransport(config["FORUM_MAIL_DIR"])
        return
    port, timeout = int(config["FORUM_MAIL_PORT"]), float(config["FORUM_MAIL_TIMEOUT"])
    security = config["FORUM_MAIL_SECURITY"]
    smtp: smtplib.SMTP
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config["FORUM_MAIL_USERNAME"]:
            smtp.login(config["FORUM_MAIL_USERNAME"], config["FORUM_MAIL_PASSWORD"] or "")
        yield SMTPTransport(smtp)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


# --- claiming and sending -------------------------------------------------------------------------


def _claim(limit: int) -> tuple[str, list[MailOutbox]]:
    """Take up to `limit` due rows for this sender. The UPDATE re-checks that each row is still
    unclaimed (or its lease ran out), so of two senders racing for a row exactly one wins."""
    now = utcnow()
    free = or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now)
    ids = list(
        db.session.scalars(
            select(MailOutbox.id)
            .where(MailOutbox.due_at <= now, free)
            .order_by(MailOutbox.id)
            .limit(limit)
        )
    )
    if not ids:
        db.session.rollback()
        return "", []
    token = secrets.token_hex(16)
    db.session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(ids), free)
        .values(claimed_by=token, claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(MailOutbox).where(MailOutbox.claimed_by == token).order_by(MailOutbox.id)
    )
    return token, list(rows)


@dataclass
class Report:
    sent: int = 0
    dropped: int = 0  # nothing (left) to send: preference off, text no longer visible...
    failed: int = 0


def send_pending(limit: int = BATCH) -> Report:
    """Deliver due outbox rows (one claimed batch); failures wait with backoff."""
    report = Report()
    token, rows = _claim(limit)
    if not rows:
        return report
    try:
        with transport() as out:
            for row in rows:
                _deliver(row, token, out, report)
    except (smtplib.SMTPException, OSError) as error:  # could not even connect
        _release(token, error)
        report.failed += sum(1 for _ in rows) - report.sent - report.dropped
    return report


def _deliver(row: MailOutbox, token: str, out, report: Report) -> None:
    try:
        message = mail_compose.compose(row)
    except Exception as error:  # a message that cannot be composed must not block the others
        current_app.logger.exception("mail %s could not be composed", row.id)
        _retry(row.id, token, error)
        report.failed += 1
        return
    if message is not None:
        try:
            out.send(message)
        except smtplib.SMTPRecipientsRefused:
            current_app.logger.warning("mail %s: recipient refused; dropped", row.id)
            message = None
        except (smtplib.SMTPException, OSError) as error:
            _retry(row.id, token, error)
            report.failed += 1
            return
    db.session.execute(
        delete(MailOutbox).where(MailOutbox.id == row.id, MailOutbox.claimed_by == token)
    )
    db.session.commit()
    if message is None:
        report.dropped += 1
    else:
        report.sent += 1


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), MAX_BACKOFF)


def _retry(row_id: int, token: str, error: BaseException) -> None:
    db.session.rollback()
    row = db.session.get(MailOutbox, row_id)
    if row is None or row.claimed_by != token:
        return
    row.attempts += 1
    row.due_at = utcnow() + _backoff(row.attempts)
    row.claimed_by = row.claimed_until = None
    row.last_error = type(error).__name__[:200]  # the class only: messages may quote addresses
    db.session.commit()


def _release(token: str, error: BaseException) -> None:
    db.session.rollback()
    for row in db.session.scalars(select(MailOutbox).where(MailOutbox.claimed_by == token)):
        row.attempts += 1
        row.due_at = utcnow() + _backoff(row.attempts)
        row.claimed_by = row.claimed_until = None
        row.last_error = type(error).__name__[:200]
    db.session.commit()


def send_all(limit: int = BATCH) -> Report:
    """Send batch after batch until nothing due is left (or a batch fails)."""
    total = Report()
    while True:
        report = send_pending(limit)
        total.sent += report.sent
        total.dropped += report.dropped
        total.failed += report.failed
        if report.failed or not (report.sent or report.dropped):
            return total


def status() -> dict[str, int]:
    """Rows waiting, of which failed at least once, and the oldest age in seconds."""
    waiting = db.session.scalar(select(func.count(MailOutbox.id))) or 0
    retried = db.session.scalar(select(func.count()).where(MailOutbox.attempts > 0)) or 0
    oldest = db.session.scalar(select(func.min(MailOutbox.created_at)))
    db.session.rollback()
    age = int((utcnow() - oldest).total_seconds()) if oldest else 0
    return {"waiting": waiting, "retried": retried, "oldest_seconds": age}


# --- delivery right after the commit, off the request ------------------------------------------


def install(app: Flask) -> None:
    """After an app context that queued mail ends, wake this process's sender thread."""

    @app.teardown_appcontext
    def _after(_exc: BaseException | None) -> None:
        if g.pop("mail_dirty", False) and app.config["FORUM_MAIL_DELIVERY"] == "thread":
            _wake(app)


_SENDERS: dict[int, threading.Event] = {}
_SENDERS_LOCK = threading.Lock()


def _wake(app: Flask) -> None:
    with _SENDERS_LOCK:
        wake = _SENDERS.get(id(app))
        if wake is None:
            wake = _SENDERS[id(app)] = threading.Event()
            threading.Thread(target=_run, args=(app, wake), name="mail-sender", daemon=True).start()
    wake.set()


def _run(app: Flask, wake: threading.Event) -> None:
    while True:
        wake.wait()
        wake.clear()
        with app.app_context():
            try:
                send_all()
            except Exception:  # the rows stay in the outbox; send-mail retries them
                app.logger.warning("mail sender failed; rows kept for retry", exc_info=True)
                db.session.rollback()
