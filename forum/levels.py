"""Trust levels, after Discourse's: a member earns trust with time, threads read and answers
accepted, and loses it with upheld reports against them or reports of theirs that reviewers
dismissed. Staff may set a level (it then stays put). Imports models and extensions.

Levels: 0 new (links and contacts held for review, daily limits), 1 basic (posts freely,
reports count), 2 member, 3 trusted (staff-set; volunteers and staff always are).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from . import connections
from .extensions import db
from .models import Flag, Post, Thread, ThreadVisit, User, utcnow

NEW, BASIC, MEMBER, TRUSTED = 0, 1, 2, 3
LEVELS = (NEW, BASIC, MEMBER, TRUSTED)


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


def history(user: User) -> dict[str, int]:
    """The figures a level is computed from (also shown to staff on the profile)."""
    return {
        "days": max(0, (utcnow() - user.created_at).days) if user.created_at else 0,
        "threads_read": _count(
            select(func.count()).select_from(ThreadVisit).where(ThreadVisit.user_id == user.id)
        ),
        "accepted": _count(
            select(func.count(Thread.id))
            .join(Post, Post.id == Thread.accepted_post_id)
            .where(Post.author_id == user.id, Thread.is_deleted.is_(False))
        ),
        "upheld": _count(
            select(func.count(Flag.id))
            .join(Post, Post.id == Flag.post_id)
            .where(Post.author_id == user.id, Flag.outcome == "removed")
        )
        + _count(
            select(func.count(Post.id)).where(
                Post.author_id == user.id, Post.review_outcome == "rejected"
            )
        ),
        "dismissed": _count(
            select(func.count(Flag.id)).where(
                Flag.reporter_id == user.id, Flag.outcome == "dismissed"
            )
        ),
    }


def compute(user: User) -> int:
    """The level this person's history earns (volunteers and staff are trusted)."""
    if user.is_volunteer:
        return TRUSTED
    cfg = current_app.config
    seen = history(user)
    if seen["upheld"]:
        return NEW
    level = NEW
    if seen["days"] >= cfg["FORUM_TRUST1_DAYS"] and (
        seen["threads_read"] >= cfg["FORUM_TRUST1_THREADS_READ"]
    ):
        level = BASIC
        if (
            seen["days"] >= cfg["FORUM_TRUST2_DAYS"]
            and seen["threads_read"] >= cfg["FORUM_TRUST2_THREADS_READ"]
            and seen["accepted"] >= cfg["FORUM_TRUST2_ACCEPTED"]
        ):
            level = MEMBER
    if seen["dismissed"] >= cfg["FORUM_TRUST_DISMISSED_REPORTS"]:
        level = max(NEW, level - 1)  # abusive reporting costs a level
    return level


def refresh(user: User) -> int:
    """Bring the stored level up to date (not when staff set it); the caller commits."""
    if user.trust_level_locked:
        return user.trust_level
    level = compute(user)
    if level != user.trust_level:
        user.trust_level = level
    return level


def note_visit(user: User, thread_id: int) -> bool:
    """Remember that a member opened a thread (once per pair); True when this visit is new."""
    stmt = _visit_statement(db.session.get_bind().dialect.name)
    values = {"user_id": user.id, "thread_id": thread_id, "created_at": utcnow()}
    # Whole on its own: on a page view it opens no transaction (forum/connections.py).
    found = db.session.execute(stmt, values, execution_options=connections.ALONE).first()
    return found is not None


@cache
def _visit_statement(dialect: str):
    # Built once per dialect: a member still earning trust runs it on every thread page.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    names = ("user_id", "thread_id", "created_at")  # typed by their columns
    stmt = insert(ThreadVisit).values({name: bindparam(name) for name in names})
    # RETURNING, not rowcount: psycopg 3 reports -1 for a Core INSERT, so every repeat visit
    # looked new and committed (a COMMIT, then the user and thread loaded again, per view).
    return stmt.on_conflict_do_nothing().returning(ThreadVisit.thread_id)


def posts_today(user: User) -> int:
    """Posts this person wrote in the last 24 hours (held or public, not counting deleted)."""
    since = utcnow() - timedelta(days=1)
    return _count(
        select(func.count(Post.id)).where(Post.author_id == user.id, Post.created_at >= since)
    )


def close_reports(actor: User, post: Post, outcome: str) -> int:
    """Resolve a post's open reports ("dismissed" or "removed"), returning how many; dismissed
    reports cost their reporters trust, upheld ones the author: their levels are recomputed."""
    now = utcnow()
    reporters = []
    for item in db.session.scalars(
        select(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
    ):
        item.resolved_at, item.resolved_by_id, item.outcome = now, actor.id, outcome
        reporters.append(item.reporter)
    db.session.flush()
    for person in [*reporters, post.author] if outcome == "dismissed" else [post.author]:
        refresh(person)
    return len(reporters)
