"""The forum's own tables: people, categories, threads, posts, tickets, notes, audit,
notifications, reports, visits and the search outbox. Imports extensions."""

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
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import (
    ROLE_RANK,
    EscalationReason,
    Model,
    Role,
    TicketPriority,
    TicketStatus,
    utcnow,
)


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
        # Category pages: pinned first, then by last activity; the index serves the ORDER BY
        # and holds every column the lists filter on, so a page's ids come from an index-only
        # scan (listing.page_of: deep pages).
        Index(
            "ix_threads_category_listing",
            "category_id",
            "is_private",
            "is_deleted",
            "is_held",
            "is_pinned",
            "last_activity_at",
            "id",
        ),
        Index("ix_threads_latest", "is_private", "is_deleted", "is_held", "last_activity_at", "id"),
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
    # The visible text (markup.to_text of body_source), stored with body_html: search snippets.
    body_text: Mapped[str] = mapped_column(Text)
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
