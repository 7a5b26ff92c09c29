"""Tables and relationships only: no commits, no permission decisions. Imports extensions.

Times are naive UTC (`utcnow()`), the same on SQLite and PostgreSQL. One module per area;
this package exposes every model under `forum.models`.
"""

from .accounts import (
    LoginAttempt,
    RecoveryCode,
)
from .base import (
    ROLE_RANK,
    ContactPref,
    DeviceOS,
    EscalationReason,
    FlagReason,
    Model,
    Role,
    TicketPriority,
    TicketStatus,
    utcnow,
)
from .core import (
    AuditEntry,
    Category,
    Flag,
    Notification,
    Post,
    SearchOutbox,
    SiteState,
    Thread,
    ThreadVisit,
    Ticket,
    TicketNote,
    User,
    Vote,
)
from .mail import (
    EmailPreference,
    MailOutbox,
    MailRequest,
    ThreadWatch,
)
from .media import (
    Attachment,
    MediaBlob,
)
from .quality import (
    GlossaryGroup,
    Rating,
    RatingCredit,
    SearchQuery,
)

__all__ = [
    "ROLE_RANK",
    "Attachment",
    "AuditEntry",
    "Category",
    "ContactPref",
    "DeviceOS",
    "EmailPreference",
    "EscalationReason",
    "Flag",
    "FlagReason",
    "GlossaryGroup",
    "LoginAttempt",
    "MailOutbox",
    "MailRequest",
    "MediaBlob",
    "Model",
    "Notification",
    "Post",
    "Rating",
    "RatingCredit",
    "RecoveryCode",
    "Role",
    "SearchOutbox",
    "SearchQuery",
    "SiteState",
    "Thread",
    "ThreadVisit",
    "ThreadWatch",
    "Ticket",
    "TicketNote",
    "TicketPriority",
    "TicketStatus",
    "User",
    "Vote",
    "utcnow",
]
