"""Solutions and the volunteer workflow: accept, unaccept, "this solved it", votes, "I'm on it",
the needs-staff flag and the volunteer queue. Imports permissions, events, models.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import CursorResult, Select, case, delete, false, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import permissions
from .errors import DomainError
from .events import audit, index_later, notify
from .extensions import db
from .models import Category, Post, Thread, User, Vote, utcnow


class QueueView(StrEnum):
    HELP = "help"  # unanswered first, then unsolved; oldest first
    CONFIRM = "confirm"  # the asker said an answer solved it; a volunteer should accept it
    STAFF = "staff"  # volunteers asked staff to look


FEEDBACK_SLUG = "feedback"  # feature requests and suggestions (forum/categories.py)


def accept(actor: User, post: Post) -> None:
    """Mark an answer as the thread's solution (replacing any earlier one); audited."""
    permissions.require_visible(permissions.can_view_post(actor, post))
    thread = post.thread
    if (
        permissions.can_accept(actor, thread)
        and post.has_outbound
        and not permissions.can_accept_post(actor, post)
    ):
        raise DomainError(
            _l("This answer links off the forum or names a private contact. "
               "Only staff can accept it, after a look.")
        )  # fmt: skip
    permissions.require(permissions.can_accept_post(actor, post))
    previous = thread.accepted_post_id
    if previous == post.id:
        return
    thread.accepted_post_id, thread.accepted_by_id, thread.accepted_at = post.id, actor.id, utcnow()
    audit(actor, "accept", thread, post=post.id, previous=previous)
    notify(post.author_id, "accepted", actor=actor, thread=thread, post=post)
    notify(thread.author_id, "solved", actor=actor, thread=thread, post=post)
    index_later("thread", thread.id)
    db.session.commit()


def unaccept(actor: User, thread: Thread) -> None:
    """Remove the accepted answer; the thread is unsolved again; audited."""
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    permissions.require(permissions.can_accept(actor, thread))
    if thread.accepted_post_id is None:
        return
    audit(actor, "unaccept", thread, post=thread.accepted_post_id)
    thread.accepted_post_id = thread.accepted_by_id = thread.accepted_at = None
    index_later("thread", thread.id)
    db.session.commit()


def confirm_solution(actor: User, post: Post) -> None:
    """The asker says this answer solved the problem: it goes to the volunteers' to-confirm list."""
    thread = post.thread
    permissions.require_visible(permissions.can_view_post(actor, post))
    permissions.require(permissions.can_confirm_solution(actor, thread) and not post.is_question)
    thread.asker_confirmed_post_id, thread.asker_confirmed_at = post.id, utcnow()
    db.session.commit()


def vote(actor: User, post: Post, *, up: bool = True) -> None:
    """Up-vote an answer once, or withdraw the vote."""
    permissions.require_visible(permissions.can_view_post(actor, post))
    permissions.require(permissions.can_vote(actor, post))
    if up:
        db.session.add(Vote(user_id=actor.id, post_id=post.id))
        try:
            db.session.flush()
        except IntegrityError:  # already voted (double click): nothing to do
            db.session.rollback()
            return
    else:
        # A DELETE gives a CursorResult (which has rowcount); Session.execute is typed Result.
        gone = cast(
            CursorResult[Any],
            db.session.execute(
                delete(Vote).where(Vote.user_id == actor.id, Vote.post_id == post.id)
            ),
        ).rowcount
        if not gone:
            return
    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(vote_count=Post.vote_count + (1 if up else -1))
    )
    db.session.commit()


def claim(actor: User, thread: Thread) -> None:
    """A volunteer says "I'm on it" for a while, so two volunteers don't collide."""
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    permissions.require(permissions.can_claim(actor, thread))
    now = utcnow()
    if (
        thread.claimed_by_id not in (None, actor.id)
        and thread.claimed_until
        and (thread.claimed_until > now)
    ):
        raise DomainError(_l("Another volunteer is already on it."))
    thread.claimed_by_id = actor.id
    thread.claimed_until = now + timedelta(minutes=current_app.config["FORUM_CLAIM_MINUTES"])
    db.session.commit()


def release(actor: User, thread: Thread) -> None:
    """Give up one's own claim (staff may clear anyone's)."""
    permissions.require(thread.claimed_by_id == actor.id or permissions.can_moderate(actor))
    thread.claimed_by_id = thread.claimed_until = None
    db.session.commit()


def flag_for_staff(actor: User, thread: Thread, *, on: bool = True) -> None:
    """A volunteer asks staff to look at a thread (or staff clear the flag); audited."""
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    if on:
        permissions.require(permissions.can_flag_for_staff(actor, thread))
    else:
        permissions.require(permissions.can_moderate(actor))
    thread.needs_staff_at = utcnow() if on else None
    audit(actor, "needs_staff" if on else "needs_staff_cleared", thread)
    db.session.commit()


def queue(
    actor: User,
    view: QueueView,
    *,
    page: int,
    category_id: int | None = None,
    device_os: str | None = None,
) -> Pagination:
    """Public threads that need a volunteer, in the order the view asks for."""
    permissions.require(permissions.can_work_queue(actor))
    stmt = (
        _waiting(select(Thread))
        .options(joinedload(Thread.author), joinedload(Thread.category))
        .options(joinedload(Thread.claimed_by))
    )
    if view == QueueView.CONFIRM:
        stmt = stmt.where(Thread.asker_confirmed_at.is_not(None), Thread.accepted_post_id.is_(None))
        stmt = stmt.order_by(Thread.asker_confirmed_at, Thread.id)
    elif view == QueueView.STAFF:
        stmt = stmt.where(Thread.needs_staff_at.is_not(None)).order_by(Thread.needs_staff_at)
    else:
        unanswered_first = case((Thread.reply_count == 0, 0), else_=1)
        # Suggestions wait for product people, not for help: they go after the problems.
        feedback = select(Category.id).where(Category.slug == FEEDBACK_SLUG).scalar_subquery()
        problems_first = case((Thread.category_id == feedback, 1), else_=0)
        stmt = stmt.where(Thread.accepted_post_id.is_(None))
        stmt = stmt.order_by(problems_first, unanswered_first, Thread.created_at, Thread.id)
    if category_id:
        stmt = stmt.where(Thread.category_id == category_id)
    if device_os:
        stmt = stmt.where(Thread.device_os == device_os)
    return db.paginate(stmt, page=page, per_page=30, error_out=False)


def _waiting(stmt: Select) -> Select:
    """Open public questions outside staff-only categories (announcements need no answer)."""
    staff_only = select(Category.id).where(Category.staff_only == true())
    return stmt.where(
        permissions.public_threads(),
        Thread.is_locked == false(),
        Thread.category_id.not_in(staff_only.scalar_subquery()),
    )


def queue_counts(actor: User) -> dict[QueueView, int]:
    """How many threads wait in each view of the queue."""
    permissions.require(permissions.can_work_queue(actor))
    base = _waiting(select(func.count(Thread.id)))
    unsolved = Thread.accepted_post_id.is_(None)
    return {
        QueueView.HELP: db.session.scalar(base.where(unsolved)) or 0,
        QueueView.CONFIRM: db.session.scalar(
            base.where(unsolved, Thread.asker_confirmed_at.is_not(None))
        )
        or 0,
        QueueView.STAFF: db.session.scalar(base.where(Thread.needs_staff_at.is_not(None))) or 0,
    }
