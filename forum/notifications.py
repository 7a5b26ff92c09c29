"""Reading one's notifications; only those about threads the reader may still see.

Notifications are written by events.notify inside other domain changes.
"""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from . import permissions
from .extensions import db
from .models import Notification, Post, Thread, User, utcnow


def _mine(user: User):
    # A thread that became a ticket or was deleted drops out of everyone's notifications
    # but those who may still see it (design rule 7: privacy in queries).
    # Likewise a post held for review (or hidden by reports) drops out for all but its author
    # and reviewers.
    return (
        select(Notification)
        .join(Thread, Thread.id == Notification.thread_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(Notification.user_id == user.id, permissions.visible_threads(user))
        .where(
            or_(
                Notification.post_id.is_(None),
                permissions.visible_posts(user),
                Notification.kind == "review_rejected",  # tells the author of a removed post
            )
        )
    )


def page_for(user: User, page: int) -> Pagination:
    """A person's notifications, newest first."""
    stmt = (
        _mine(user)
        .options(joinedload(Notification.thread), joinedload(Notification.actor))
        .order_by(Notification.id.desc())
    )
    per_page = current_app.config["FORUM_THREADS_PER_PAGE"]
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def unread_count(user: User) -> int:
    """How many visible notifications this person has not read."""
    stmt = (
        _mine(user)
        .where(Notification.read_at.is_(None))
        .with_only_columns(func.count(Notification.id))
    )
    return db.session.scalar(stmt) or 0


def mark_all_read(user: User) -> None:
    """Mark every notification of this person as read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
