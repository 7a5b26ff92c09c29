"""E-mail tables: the outbox, reset and verification requests, preferences and watches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, utcnow
from .core import Notification


class MailOutbox(Model):
    """An e-mail to send, written in the transaction of the event it reports (design rule 14).
    It holds what to send, not the text: the message is composed when it is sent (visibility
    re-checked then), and the row is deleted once delivered. `payload` is JSON, never secrets."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "due_at", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int | None] = mapped_column(Integer)
    notification_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Row claiming: a sender sets its token and a lease; only the holder sends and deletes.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))

    notification: Mapped[Notification | None] = relationship(
        primaryjoin="foreign(MailOutbox.notification_id) == Notification.id"
    )


class MailRequest(Model):
    """One request for a password-reset or verification e-mail, counted for rate limits that
    hold across processes and hosts (design rule 15). `client` is a hash, not the address."""

    __tablename__ = "mail_requests"
    __table_args__ = (
        Index("ix_mail_requests_user", "kind", "user_id", "created_at"),
        Index("ix_mail_requests_client", "kind", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(Integer)
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EmailPreference(Model):
    """How a person wants e-mail about one kind of notification; no row means the default."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))  # "off", "immediately", "daily"


class ThreadWatch(Model):
    """A person follows a thread: every new reply notifies them."""

    __tablename__ = "thread_watches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
