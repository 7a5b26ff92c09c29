"""Reading one's notifications; only those about threads the reader may still see.

Notifications are written by events.notify inside other domain changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import CursorResult, Integer, bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload

from . import connections, permissions
from .extensions import db
from .models import Notification, Post, Thread, User, utcnow


@dataclass(frozen=True)
class NotificationGroup:
    """One line of the notifications page: a thread's newest notification and its counts."""

    latest: Notification
    count: int
    unread: int


def _mine(user: User | permissions.Viewer):
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


def grouped_page(user: User, page: int) -> Pagination:
    """A person's notifications, one NotificationGroup per thread (its newest notification,
    how many the thread has and how many are unread), newest first."""
    latest = (
        _mine(user)
        .with_only_columns(func.max(Notification.id))
        .group_by(Notification.thread_id)
        .order_by(func.max(Notification.id).desc())
    )
    per_page = current_app.config["FORUM_THREADS_PER_PAGE"]
    rows = db.paginate(latest, page=page, per_page=per_page, error_out=False)
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.id.in_(list(rows.items)))
        .options(joinedload(Notification.thread), joinedload(Notification.actor))
        .order_by(Notification.id.desc())
    ).all()
    counts = db.session.execute(
        _mine(user)
        .where(Notification.thread_id.in_([n.thread_id for n in notes]))
        .with_only_columns(
            Notification.thread_id,
            func.count(Notification.id),
            func.count(Notification.read_at),
        )
        .group_by(Notification.thread_id)
    )
    by_thread: dict[int, tuple[int, int]] = {
        row[0]: (row[1], row[1] - row[2]) for row in counts.all()
    }
    rows.items = [
        NotificationGroup(n, *by_thread.get(n.thread_id or 0, (1, 0 if n.read_at else 1)))
        for n in notes
    ]
    return rows


def mark_thread_read(user: User, thread: Thread) -> None:
    """Opening a thread reads its notifications (one UPDATE, a commit only if any changed)."""
    if not user.is_authenticated:
        return
    # An UPDATE gives a CursorResult (which has rowcount); Session.execute is typed Result.
    stmt = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.thread_id == thread.id)
        .where(Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if cast(CursorResult[Any], db.session.execute(stmt)).rowcount:
        db.session.commit()


def _unread(user: User | permissions.Viewer):
    return (
        _mine(user)
        .where(Notification.read_at.is_(None))
        .with_only_columns(func.count(Notification.id))
    )


# The bell's statements run on every page a member opens: built once per kind of viewer
# (permissions.Viewer) and run with the viewer's id, not rebuilt per request (issue 14).
@cache
def _unread_statement(kind: permissions.Viewer):
    return _unread(kind)


@cache
def _reading_statement(kind: permissions.Viewer):
    here = select(func.count(Notification.id)).where(
        Notification.user_id == kind.id,
        Notification.thread_id == bindparam("thread_id", type_=Integer),
        Notification.read_at.is_(None),
    )
    return select(here.scalar_subquery(), _unread(kind).scalar_subquery())


def unread_count(user: User) -> int:
    """How many visible notifications this person has not read."""
    stmt = _unread_statement(permissions.viewer(user))
    return connections.read(stmt, permissions.viewer_params(user))[0][0] or 0


def read_thread(user: User, thread: Thread) -> int:
    """Opening a thread reads its notifications; returns how many visible ones stay unread
    (the bell's count). One statement when there was nothing to read (the usual visit)."""
    if not user.is_authenticated:
        return 0
    params = {**permissions.viewer_params(user), "thread_id": thread.id}
    row = connections.read(_reading_statement(permissions.viewer(user)), params)[0]
    to_read, unread = cast(tuple[int, int | None], tuple(row))
    if not to_read:
        return int(unread or 0)
    mark_thread_read(user, thread)
    return unread_count(user)


def mark_all_read(user: User) -> None:
    """Mark every notification of this person as read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
