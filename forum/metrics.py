"""Read-only support-quality figures: per person, the expected wait told to askers, and the
health check (trends over time for staff: trends.py). Imports permissions, search_outbox,
models."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

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
        .where(permissions.public_posts())
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
        .where(Thread.author_id != user.id, permissions.public_posts())
        .group_by(Thread.id, Thread.created_at)
        .order_by(Thread.id.desc())
        .limit(sample)
    ).all()
    waits = [first - asked for asked, first in firsts if first is not None]
    return PersonStats(
        questions=questions or 0,
        answers=answers or 0,
        accepted=accepted or 0,
        # typeshed allows numbers only; median needs just < + and / 2, which timedelta has
        median_first_answer=median(waits) if waits else None,  # type: ignore[type-var]
    )


# --- the expected wait told to askers ------------------------------------------------------

WAIT_WINDOW = timedelta(days=30)
WAIT_MIN_SAMPLE = 5  # fewer questions than this in the window: too little data to promise
_WAIT_TTL = 300.0  # seconds a process keeps a computed wait (the figure moves slowly)
_waits: dict[object, tuple[float, Wait]] = {}


@dataclass(frozen=True)
class Wait:
    """How long people usually wait for a first reply; `typical` is None with too little data."""

    typical: timedelta | None
    sample: int


def censored_median(replied: list[float], waiting: list[float]) -> float | None:
    """The median wait (Kaplan-Meier): `replied` waits ended with a reply, `waiting` are the
    ages of questions still waiting, which count as "at least this long". Ignoring them would
    promise a faster reply than people get; None when fewer than half are ever answered."""
    at_risk = len(replied) + len(waiting)
    survival = 1.0
    events = sorted(
        [(t, 1) for t in replied] + [(t, 0) for t in waiting], key=lambda e: (e[0], -e[1])
    )
    for seconds, was_reply in events:
        if was_reply:
            survival *= 1 - 1 / at_risk
            if survival <= 0.5:
                return seconds
        at_risk -= 1
    return None


def _cached(key: object, compute) -> Wait:
    now = time.monotonic()
    hit = _waits.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    wait = compute()
    _waits[key] = (now + _WAIT_TTL, wait)
    return wait


def forget_waits() -> None:
    """Drop the per-process expected waits (tests, or after importing history)."""
    _waits.clear()


def _wait_from(rows: Sequence[tuple[datetime, datetime | None]]) -> Wait:
    now = utcnow()
    replied = [(end - start).total_seconds() for start, end in rows if end is not None]
    waiting = [(now - start).total_seconds() for start, end in rows if end is None]
    if len(rows) < WAIT_MIN_SAMPLE:
        return Wait(None, len(rows))
    typical = censored_median(replied, waiting)
    return Wait(None if typical is None else timedelta(seconds=typical), len(rows))


def expected_wait(category_id: int | None = None) -> Wait:
    """The typical time to a first community reply over the last 30 days (one category, or
    the whole forum without one); announcements are not questions and do not count."""

    def compute() -> Wait:
        stmt = (
            select(Thread.created_at, Thread.first_response_at)
            .join(Category, Category.id == Thread.category_id)
            .where(permissions.public_threads(), Category.staff_only == false())
            .where(Thread.created_at >= utcnow() - WAIT_WINDOW)
        )
        if category_id is not None:
            stmt = stmt.where(Thread.category_id == category_id)
        return _wait_from(db.session.execute(stmt).all())

    return _cached(("community", category_id), compute)


def expected_staff_wait() -> Wait:
    """The typical time to a first staff reply on private tickets over the last 30 days."""

    def compute() -> Wait:
        stmt = (
            select(Ticket.opened_at, Ticket.first_staff_reply_at)
            .join(Thread, Thread.id == Ticket.thread_id)
            .where(Thread.is_deleted == false(), Ticket.opened_at >= utcnow() - WAIT_WINDOW)
        )
        return _wait_from(db.session.execute(stmt).all())

    return _cached("staff", compute)


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
