"""Read-only support-quality figures: per person and for the whole forum (public threads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from sqlalchemy import func, select

from . import permissions
from .extensions import db
from .models import Post, Thread, User


@dataclass(frozen=True)
class PersonStats:
    questions: int
    answers: int
    accepted: int
    median_first_answer: timedelta | None


def person_stats(user: User, sample: int = 500) -> PersonStats:
    """Questions asked, answers given and accepted, and the median time from a question to
    this person's first answer in it (over their latest `sample` answered threads)."""
    public = permissions.public_threads()
    questions = db.session.scalar(
        select(func.count(Thread.id)).where(public, Thread.author_id == user.id)
    )
    answers = db.session.scalar(
        select(func.count(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .where(public, Post.author_id == user.id, Post.is_question.is_(False))
        .where(Post.is_deleted.is_(False))
    )
    accepted = db.session.scalar(
        select(func.count(Thread.id))
        .join(Post, Post.id == Thread.accepted_post_id)
        .where(public, Post.author_id == user.id)
    )
    firsts = db.session.execute(
        select(Thread.created_at, func.min(Post.created_at))
        .join(Post, Post.thread_id == Thread.id)
        .where(public, Post.author_id == user.id, Post.is_question.is_(False))
        .where(Thread.author_id != user.id)
        .group_by(Thread.id, Thread.created_at)
        .order_by(Thread.id.desc())
        .limit(sample)
    ).all()
    waits = [first - asked for asked, first in firsts if first is not None]
    return PersonStats(
        questions=questions or 0,
        answers=answers or 0,
        accepted=accepted or 0,
        median_first_answer=median(waits) if waits else None,
    )
