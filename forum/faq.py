"""Announcements, the FAQ and the feeds: read-only public lists built from what staff pin,
from the solved threads that helped most (answer votes) in each category, and from the
newest threads. Imports permissions and models.
"""

from __future__ import annotations

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload

from . import listing, permissions
from .extensions import db
from .models import Category, Post, Thread

FAQ_PER_CATEGORY = 5


def _staff_only():
    return select(Category.id).where(Category.staff_only.is_(True)).scalar_subquery()


def announcements(limit: int = 5) -> list[listing.ThreadRow]:
    """Pinned public threads of the staff-only (announcement) categories, newest first: shown
    on the home page and Latest (light rows)."""
    stmt = (
        listing.rows_select()
        .where(permissions.public_threads(), Thread.is_pinned.is_(True))
        .where(Thread.category_id.in_(_staff_only()))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(listing.sql_number(limit))
    )
    return listing.rows(stmt)


def faq() -> list[tuple[Category, list[Thread]]]:
    """Per category (announcements aside): what staff pinned, then the solved threads whose
    accepted answer has the most votes. Staff curate it by pinning (and unpinning) threads."""
    accepted_votes = (
        select(Post.vote_count).where(Post.id == Thread.accepted_post_id).scalar_subquery()
    )
    rank = (
        func.row_number()
        .over(
            partition_by=Thread.category_id,
            order_by=(Thread.is_pinned.desc(), func.coalesce(accepted_votes, -1).desc(),
                      Thread.id.desc()),
        )
        .label("rank")
    )  # fmt: skip
    ranked = (
        select(Thread.id, rank)
        .where(permissions.public_threads(), Thread.category_id.not_in(_staff_only()))
        .where(Thread.is_pinned.is_(True) | Thread.accepted_post_id.is_not(None))
        .subquery()
    )
    stmt = (
        select(Thread)
        .join(ranked, ranked.c.id == Thread.id)
        .where((ranked.c.rank <= listing.sql_number(FAQ_PER_CATEGORY)) | Thread.is_pinned.is_(True))
        .order_by(Thread.category_id, ranked.c.rank)
    )
    by_category: dict[int, list[Thread]] = {}
    for thread in db.session.scalars(stmt):
        by_category.setdefault(thread.category_id, []).append(thread)
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.id))
    return [(c, by_category[c.id]) for c in categories if by_category.get(c.id)]


def feed_items(category: Category | None, limit: int = 30) -> list[tuple[Thread, Post]]:
    """The newest public threads with their questions, for Atom feeds."""
    stmt = (
        select(Thread, Post)
        .join(Post, (Post.thread_id == Thread.id) & (Post.is_question == true()))
        .where(permissions.public_threads())
        .options(joinedload(Thread.author), joinedload(Thread.category))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(listing.sql_number(limit))
    )
    if category is not None:
        stmt = stmt.where(Thread.category_id == category.id)
    return [(thread, post) for thread, post in db.session.execute(stmt)]
