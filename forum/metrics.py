"""Read-only support-quality figures: per person, for the whole forum and its tickets, and the
health check. Imports permissions, search_outbox, models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from flask import current_app
from sqlalchemy import false, func, select

from . import permissions
from .extensions import db
from .models import Category, Post, Thread, Ticket, User, utcnow
from .search import outbox as search_outbox


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
        .where(public, Post.author_id == user.id, Post.is_question == false())
        .where(Post.is_deleted == false())
    )
    accepted = db.session.scalar(
        select(func.count(Thread.id))
        .join(Post, Post.id == Thread.accepted_post_id)
        .where(public, Post.author_id == user.id)
    )
    firsts = db.session.execute(
        select(Thread.created_at, func.min(Post.created_at))
        .join(Post, Post.thread_id == Thread.id)
        .where(public, Post.author_id == user.id, Post.is_question == false())
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


@dataclass(frozen=True)
class Counts:
    """Response figures for a set of public threads."""

    asked: int
    answered: int
    solved: int
    median_first_response: timedelta | None
    median_to_accepted: timedelta | None

    @property
    def resolution_rate(self) -> float | None:
        return self.solved / self.asked if self.asked else None

    @classmethod
    def of(cls, rows: list) -> Counts:
        return cls(
            asked=len(rows),
            answered=sum(1 for r in rows if r.first_response_at),
            solved=sum(1 for r in rows if r.accepted_at),
            median_first_response=_median(
                [r.first_response_at - r.created_at for r in rows if r.first_response_at]
            ),
            median_to_accepted=_median(
                [r.accepted_at - r.created_at for r in rows if r.accepted_at]
            ),
        )


@dataclass(frozen=True)
class ForumFigures:
    days: int
    overall: Counts
    unanswered_over_day: int
    categories: list[tuple[Category, Counts]]
    tickets_opened: int
    tickets_resolved: int
    median_first_staff_reply: timedelta | None
    within_target: float | None
    average_rating: float | None
    ratings: int
    top_helpers: list[tuple[str, int]]


def _median(values: list[timedelta]) -> timedelta | None:
    return median(values) if values else None


def forum_figures(actor: User, days: int = 30) -> ForumFigures:
    """Support quality over the last `days`: response speed and resolution, per category,
    and the private tickets against the first-reply target."""
    permissions.require(permissions.can_view_metrics(actor))
    since = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(Thread.category_id, Thread.created_at, Thread.first_response_at,
               Thread.accepted_at, Thread.reply_count)
        .where(permissions.public_threads(), Thread.created_at >= since)
    ).all()  # fmt: skip
    per_cat: dict[int, list] = {}
    for row in rows:
        per_cat.setdefault(row.category_id, []).append(row)
    day_ago = utcnow() - timedelta(days=1)
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    return ForumFigures(
        days=days,
        overall=Counts.of(rows),
        unanswered_over_day=sum(1 for r in rows if not r.reply_count and r.created_at < day_ago),
        categories=[(cat, Counts.of(per_cat.get(cat.id, []))) for cat in categories],
        top_helpers=_top_helpers(since),
        **_ticket_figures(since),
    )


def _ticket_figures(since) -> dict:
    rows = db.session.execute(
        select(Ticket.opened_at, Ticket.first_staff_reply_at, Ticket.status, Ticket.rating)
        .join(Thread, Thread.id == Ticket.thread_id)
        .where(Ticket.opened_at >= since, Thread.is_deleted == false())
    ).all()
    target = timedelta(hours=current_app.config["FORUM_TICKET_TARGET_HOURS"])
    waits = [r.first_staff_reply_at - r.opened_at for r in rows if r.first_staff_reply_at]
    ratings = [r.rating for r in rows if r.rating]
    return {
        "tickets_opened": len(rows),
        "tickets_resolved": sum(1 for r in rows if r.status in ("resolved", "closed")),
        "median_first_staff_reply": _median(waits),
        "within_target": sum(1 for w in waits if w <= target) / len(waits) if waits else None,
        "average_rating": sum(ratings) / len(ratings) if ratings else None,
        "ratings": len(ratings),
    }


def _top_helpers(since, limit: int = 10) -> list[tuple[str, int]]:
    """Whose answers were accepted most often in the period (public threads)."""
    rows = db.session.execute(
        select(User.username, func.count(Thread.id))
        .join(Post, Post.id == Thread.accepted_post_id)
        .join(User, User.id == Post.author_id)
        .where(permissions.public_threads(), Thread.accepted_at >= since)
        .group_by(User.username)
        .order_by(func.count(Thread.id).desc(), User.username)
        .limit(limit)
    )
    return [(name, count) for name, count in rows]


def health() -> dict[str, str | int]:
    """Whether the database and this host's search index answer; no content is exposed."""
    report: dict[str, str | int] = {"database": "ok", "search": "ok"}
    try:
        db.session.execute(select(1))
        report["outbox_pending"] = search_outbox.pending_count()
    except Exception:  # an unreachable database is what this check reports
        report["database"] = "error"
        db.session.rollback()
    try:
        search_outbox.index(search_outbox.PUBLIC).generation  # noqa: B018 - opens the index
    except Exception:
        report["search"] = "error"
    return report
