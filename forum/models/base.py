"""The declarative base, times and the choice lists every table uses. Imports extensions."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ..extensions import db

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time, so mypy cannot use it as a base class;
    # it subclasses our DeclarativeBase, whose typing is the same.
    from ..extensions import Base as Model
else:
    Model = db.Model


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(StrEnum):
    MEMBER = "member"
    VOLUNTEER = "volunteer"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_RANK = {Role.MEMBER: 0, Role.VOLUNTEER: 1, Role.STAFF: 2, Role.ADMIN: 3}


class DeviceOS(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WINDOWS = "windows"
    MACOS = "macos"
    LINUX = "linux"
    BROWSER = "browser"
    OTHER = "other"


class ContactPref(StrEnum):
    FORUM = "forum"  # answer here in the thread
    NOTIFICATION = "notify"  # answer here and notify me on the forum
    PRIVATE = "private"  # staff may move this to a private ticket if needed


class TicketStatus(StrEnum):
    OPEN = "open"
    WAITING = "waiting"  # waiting for the asker
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class EscalationReason(StrEnum):
    ACCOUNT_DATA = "account_data"
    IDENTITY = "identity"
    LOST_FUNDS = "lost_funds"
    OTHER = "other"


class FlagReason(StrEnum):
    SCAM = "scam"  # asks for secrets, fake support, phishing link
    SPAM = "spam"
    ABUSE = "abuse"
    OTHER = "other"
