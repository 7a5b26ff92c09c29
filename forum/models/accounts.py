"""Account security tables: log-in attempts (the throttle) and two-factor recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, utcnow


class LoginAttempt(Model):
    """One password or second-step attempt, kept a day: the log-in throttle counts these
    (in the database, so every worker and host sees the same counts)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_account", "kind", "account_key", "created_at"),
        Index("ix_login_attempts_address", "kind", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # "password" or "totp"
    account_key: Mapped[str] = mapped_column(String(64))  # username_key as typed
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RecoveryCode(Model):
    """A one-time code that stands in for the authenticator app; stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
