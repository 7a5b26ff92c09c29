"""Tables and relationships only: no commits, no permission decisions. Imports extensions.

Times are naive UTC (`utcnow()`), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time, so mypy cannot use it as a base class;
    # it subclasses our DeclarativeBase, whose typing is the same.
    from .extensions import Base as Model
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


class User(Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # NFKC + casefold of the username: uniqueness and look-ups ignore case and width.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Lower-cased; only a verified address is ever sent anything but its verification link.
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # End of the period the last daily e-mail digest covered.
    digest_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(40))
    bio: Mapped[str] = mapped_column(Text, default="")
    # Bumped on logout, password change and suspension: old session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    is_suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # TOTP two-factor (forum/twofactor.py): the base32 secret is set at enrolment and is in
    # force once confirmed (totp_enabled_at); the last accepted time step refuses a replay.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Trust level (forum/levels.py): 0 new, 1 basic, 2 member, 3 trusted (staff-set only).
    # Recomputed from the person's history unless staff set it (trust_level_locked).
    trust_level: Mapped[int] = mapped_column(Integer, default=0)
    trust_level_locked: Mapped[bool] = mapped_column(Boolean, default=False)

    # Flask-Login protocol; the session carries "id:version" so a stale cookie is refused.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.is_suspended

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def rank(self) -> int:
        return ROLE_RANK.get(Role(self.role), 0)

    @property
    def is_staff(self) -> bool:
        return self.rank >= ROLE_RANK[Role.STAFF]

    @property
    def is_volunteer(self) -> bool:
        """Volunteer or above: may work the queue and accept answers."""
        return self.rank >= ROLE_RANK[Role.VOLUNTEER]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"


class Category(Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Only staff may start threads here (announcements).
    staff_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Public threads (permissions.public_threads) and solved ones, kept by category_counts.py.
    thread_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    solved_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en

    def description(self, locale: str) -> str:
        return self.description_zh if locale.startswith("zh") else self.description_en


class Thread(Model):
    __tablename__ = "threads"
    __table_args__ = (
        # Category pages: pinned first, then by last activity; the index serves the ORDER BY.
        Index(
            "ix_threads_category_listing",
            "category_id",
            "is_private",
            "is_deleted",
            "is_pinned",
            "last_activity_at",
            "id",
        ),
        Index("ix_threads_latest", "is_private", "is_deleted", "last_activity_at", "id"),
        # Support-quality figures read a date range of threads, never the whole history.
        Index("ix_threads_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_count: Mapped[int] = mapped_column(Integer, default=0)

    # What a good question contains (the seed document): device, version, when, how to reach.
    device_os: Mapped[str | None] = mapped_column(String(16))
    app_version: Mapped[str | None] = mapped_column(String(40))
    happened_at: Mapped[datetime | None] = mapped_column(DateTime)
    contact_pref: Mapped[str | None] = mapped_column(String(16))

    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A private ticket: only the asker and staff may see anything of it.
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # Its question is held for review: only the asker and reviewers see the thread.
    is_held: Mapped[bool] = mapped_column(Boolean, default=False)

    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, name="fk_threads_accepted_post_id_posts")
    )
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The asker said "this solved my problem": first in the volunteers' to-confirm list.
    asker_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    asker_confirmed_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, name="fk_threads_asker_confirmed_post_id_posts")
    )
    # First reply by someone other than the asker (support-quality figures).
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A volunteer asked for staff (tickets are invisible to volunteers).
    needs_staff_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "I'm on it": a volunteer's short-lived claim.
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    ticket: Mapped[Ticket | None] = relationship(back_populates="thread", uselist=False)

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None


class Post(Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_thread_created", "thread_id", "created_at"),
        # Support-quality figures read the replies of a date range (forum/trends.py).
        Index("ix_posts_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_question: Mapped[bool] = mapped_column(Boolean, default=False)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Contains an outbound link or a contact handle: only staff may accept it.
    has_outbound: Mapped[bool] = mapped_column(Boolean, default=False)
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # One per submitted form: a double submit finds the first post instead of making two.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Held for review (a new member's link or contact, or hidden by reports): visible only to
    # its author and reviewers until approved. held_reason: comma-separated codes.
    held_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    held_reason: Mapped[str | None] = mapped_column(String(80))
    review_outcome: Mapped[str | None] = mapped_column(String(12))  # "approved" / "rejected"
    # Edits by the author (new members have a limit per post).
    edit_count: Mapped[int] = mapped_column(Integer, default=0)

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])


class Vote(Model):
    __tablename__ = "votes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Ticket(Model):
    """The private-support side of a thread whose is_private is set."""

    __tablename__ = "tickets"

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.OPEN, index=True)
    priority: Mapped[str] = mapped_column(String(8), default=TicketPriority.NORMAL)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20), default=EscalationReason.OTHER)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    first_staff_reply_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Staff proposed returning the ticket to public; nothing changes until the asker agrees.
    publish_proposed_at: Mapped[datetime | None] = mapped_column(DateTime)
    publish_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    thread: Mapped[Thread] = relationship(back_populates="ticket")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])


class TicketNote(Model):
    """Staff-only internal note on a ticket; never shown to the asker."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()
    thread: Mapped[Thread] = relationship()


class AuditEntry(Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON, never secrets
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    thread: Mapped[Thread | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class SearchOutbox(Model):
    """A change that the search indexes must apply; written in the same transaction."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # "post" or "thread"
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class SearchQuery(Model):
    """One search for the staff analytics: the folded query, how many threads it found, and
    the first result opened. No user for anonymous visitors; never a query the guard refuses."""

    __tablename__ = "search_queries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    query: Mapped[str] = mapped_column(String(200))
    results: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_thread_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class FlagReason(StrEnum):
    SCAM = "scam"  # asks for secrets, fake support, phishing link
    SPAM = "spam"
    ABUSE = "abuse"
    OTHER = "other"


class Flag(Model):
    """A member's report of a post for staff to look at."""

    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_open", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(12))  # "dismissed" or "removed"

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])


class ThreadVisit(Model):
    """A logged-in member opened a thread (once per pair): "posts read" for trust levels."""

    __tablename__ = "thread_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SiteState(Model):
    """One row: a version number bumped by every transaction that changes what public pages
    show, so a cached anonymous page is served only while nothing it shows has changed."""

    __tablename__ = "site_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[int] = mapped_column(BigInteger, default=0)


class Rating(Model):
    """The asker's verdict on the help a thread got, on the seed document's dimensions (1-5
    each) plus whether the problem was really solved. One per thread: rated or dismissed."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), unique=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    speed: Mapped[int | None] = mapped_column(Integer)
    professionalism: Mapped[int | None] = mapped_column(Integer)
    patience: Mapped[int | None] = mapped_column(Integer)
    solved: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    # The asker closed the invitation without rating: never asked again for this thread.
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class RatingCredit(Model):
    """A rating belongs to the people who helped: everyone but the asker who replied."""

    __tablename__ = "rating_credits"

    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


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


class MediaBlob(Model):
    """A re-encoded image, stored once per content (SHA-256 of the stored bytes): every host
    reads it from the database, so several hosts need no shared disk (docs/deploy.md)."""

    __tablename__ = "media_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only to serve
    mime: Mapped[str] = mapped_column(String(16))  # image/png, image/jpeg or image/webp
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Attachment(Model):
    """An image in a post or an internal note. Pending (neither set) until its form is sent;
    held images (OCR could not run) show only to the uploader and staff until released."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_post", "post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_notes.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("media_blobs.sha256"), index=True)
    thumb_sha256: Mapped[str] = mapped_column(ForeignKey("media_blobs.sha256"), index=True)
    alt: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Kinds of personal data the guard read in the picture (comma-separated, never the text):
    # a public post needs the author's "post it anyway".
    personal_kinds: Mapped[str] = mapped_column(String(100), default="")
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    blob: Mapped[MediaBlob] = relationship(foreign_keys=[blob_sha256])
    thumb: Mapped[MediaBlob] = relationship(foreign_keys=[thumb_sha256])
    post: Mapped[Post | None] = relationship()
    note: Mapped[TicketNote | None] = relationship()
