"""Support quality over time, for staff: weekly series, per category and per helper, the
threads behind a number and the daily digest (on the site, and queued as e-mail). Every
figure is defined once here; a dashboard costs the same few queries whatever its date range.
Imports permissions, mail, models."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import mean, median, quantiles
from typing import Any

from flask import current_app
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased

from . import mail, permissions
from .extensions import db
from .models import Category, Post, Rating, RatingCredit, Thread, Ticket, User, utcnow

MAX_DAYS = 731
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Period:
    """Whole weeks, Monday to Sunday, covering the chosen dates."""

    start: date
    end: date  # inclusive

    @property
    def weeks(self) -> list[date]:
        return [
            self.start + timedelta(weeks=n) for n in range((self.end - self.start).days // 7 + 1)
        ]

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time())


def period(start: date | None = None, end: date | None = None) -> Period:
    """The weeks from `start` to `end` (default: the last 12 weeks), at most two years."""
    end = min(end or utcnow().date(), utcnow().date())
    start = start or end - timedelta(weeks=DEFAULT_WEEKS - 1)
    start = max(min(start, end), end - timedelta(days=MAX_DAYS))
    monday = start - timedelta(days=start.weekday())
    return Period(monday, end + timedelta(days=6 - end.weekday()))


def _week(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _hours(values: list[float]) -> float | None:
    return median(values) / 3600 if values else None


@dataclass
class Figures:
    """One bucket of the dashboard (a week, a category, a helper or the whole period).

    Definitions: a question is answered when someone other than the asker replied (staff
    notes are not replies); resolved = an accepted answer or the asker's "this solved it";
    announcements (staff-only categories) are not questions. Times are in hours."""

    asked: int = 0
    answered: int = 0
    resolved: int = 0
    first_response: list[float] = field(default_factory=list)
    to_resolved: list[float] = field(default_factory=list)
    tickets_opened: int = 0
    tickets_resolved: int = 0
    tickets_past_target: int = 0
    backlog: int = 0
    scores: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    solved_answers: list[bool] = field(default_factory=list)
    helped: int = 0  # per helper: threads they replied in

    @property
    def first_response_median(self) -> float | None:
        return _hours(self.first_response)

    @property
    def first_response_p90(self) -> float | None:
        if len(self.first_response) < 2:
            return _hours(self.first_response)
        return quantiles(self.first_response, n=10, method="inclusive")[-1] / 3600

    @property
    def to_resolved_median(self) -> float | None:
        return _hours(self.to_resolved)

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.asked if self.asked else None

    def score(self, name: str) -> float | None:
        values = self.scores.get(name)
        return mean(values) if values else None

    @property
    def ratings(self) -> int:
        return len(self.solved_answers)

    @property
    def really_solved(self) -> float | None:
        return mean(self.solved_answers) if self.solved_answers else None


@dataclass
class Dashboard:
    period: Period
    total: Figures
    weeks: list[tuple[date, Figures]]
    categories: list[tuple[Category, Figures]]
    helpers: list[tuple[Any, Figures]]  # (a row with id, username, role; its figures)


def dashboard(actor: User, chosen: Period, category_id: int | None = None) -> Dashboard:
    """Every staff figure for a period (optionally one category), in six queries."""
    permissions.require(permissions.can_view_metrics(actor))
    total = Figures()
    weeks: dict[date, Figures] = {w: Figures() for w in chosen.weeks}
    by_category: dict[int, Figures] = defaultdict(Figures)
    by_helper: dict[int, Figures] = defaultdict(Figures)
    _add_questions(chosen, category_id, total, weeks, by_category, by_helper)
    _add_tickets(chosen, category_id, total, weeks, by_category)
    _add_ratings(chosen, category_id, total, weeks, by_category, by_helper)
    _add_helpers(chosen, category_id, by_helper)
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    # Rows, not ORM objects: a busy period has a thousand helpers.
    people = {
        row.id: row
        for row in db.session.execute(
            select(User.id, User.username, User.role).where(User.id.in_(list(by_helper)))
        )
    }
    helpers = sorted(
        ((people[uid], f) for uid, f in by_helper.items() if uid in people),
        key=lambda pair: (-pair[1].helped, pair[0].username),
    )
    return Dashboard(
        period=chosen,
        total=total,
        weeks=sorted(weeks.items()),
        categories=[(c, by_category[c.id]) for c in categories if category_id in (None, c.id)],
        helpers=helpers,
    )


def _questions(chosen: Period, category_id: int | None):
    accepted = aliased(Post)
    stmt = (
        select(
            Thread.category_id,
            Thread.created_at,
            Thread.first_response_at,
            Thread.accepted_at,
            Thread.asker_confirmed_at,
            Category.staff_only,
            accepted.author_id.label("solver_id"),
        )
        .join(Category, Category.id == Thread.category_id)
        .outerjoin(accepted, accepted.id == Thread.accepted_post_id)
        .where(permissions.public_threads())
        .where(Thread.created_at >= chosen.since, Thread.created_at < chosen.until)
    )
    if category_id is not None:
        stmt = stmt.where(Thread.category_id == category_id)
    return db.session.execute(stmt).all()


def _add_questions(chosen, category_id, total, weeks, by_category, by_helper) -> None:
    for row in _questions(chosen, category_id):
        if row.staff_only:
            continue  # announcements are not questions
        resolved_at = min(filter(None, (row.accepted_at, row.asker_confirmed_at)), default=None)
        for bucket in (total, weeks[_week(row.created_at)], by_category[row.category_id]):
            bucket.asked += 1
            if row.first_response_at is not None:
                bucket.answered += 1
                bucket.first_response.append(
                    (row.first_response_at - row.created_at).total_seconds()
                )
            if resolved_at is not None:
                bucket.resolved += 1
                bucket.to_resolved.append((resolved_at - row.created_at).total_seconds())
        if row.solver_id is not None and row.accepted_at is not None:
            by_helper[row.solver_id].resolved += 1


def _add_tickets(chosen, category_id, total, weeks, by_category) -> None:
    """Tickets opened in the period, and those still open at some week's end (backlog)."""
    stmt = (
        select(
            Ticket.opened_at, Ticket.first_staff_reply_at, Ticket.resolved_at, Thread.category_id
        )
        .join(Thread, Thread.id == Ticket.thread_id)
        .where(Thread.is_deleted == false(), Ticket.opened_at < chosen.until)
        .where(or_(Ticket.resolved_at.is_(None), Ticket.resolved_at >= chosen.since))
    )
    if category_id is not None:
        stmt = stmt.where(Thread.category_id == category_id)
    target = timedelta(hours=current_app.config["FORUM_TICKET_TARGET_HOURS"])
    now = utcnow()
    for row in db.session.execute(stmt):
        for week, bucket in weeks.items():
            week_end = datetime.combine(week + timedelta(days=7), datetime.min.time())
            if _open_at(row, week_end):
                bucket.backlog += 1
        if _open_at(row, chosen.until):  # the other buckets: still open when the period ends
            total.backlog += 1
            by_category[row.category_id].backlog += 1
        buckets = [total, by_category[row.category_id]]
        if row.opened_at >= chosen.since:
            buckets.append(weeks[_week(row.opened_at)])
        else:
            buckets = []  # opened before the period: only in the backlog
        replied = row.first_staff_reply_at or now
        for bucket in buckets:
            bucket.tickets_opened += 1
            bucket.tickets_resolved += row.resolved_at is not None
            bucket.tickets_past_target += replied - row.opened_at > target


def _open_at(row, moment: datetime) -> bool:
    return row.opened_at < moment and (row.resolved_at is None or row.resolved_at >= moment)


def _add_ratings(chosen, category_id, total, weeks, by_category, by_helper) -> None:
    stmt = (
        select(
            Rating.id,
            Rating.created_at,
            Rating.speed,
            Rating.professionalism,
            Rating.patience,
            Rating.solved,
            Thread.category_id,
            RatingCredit.user_id,
        )
        .join(Thread, Thread.id == Rating.thread_id)
        .outerjoin(RatingCredit, RatingCredit.rating_id == Rating.id)
        .where(Rating.dismissed == false())
        .where(Rating.created_at >= chosen.since, Rating.created_at < chosen.until)
    )
    if category_id is not None:
        stmt = stmt.where(Thread.category_id == category_id)
    seen: set[int] = set()
    for row in db.session.execute(stmt):
        buckets = []
        if row.id not in seen:
            seen.add(row.id)
            buckets = [total, weeks[_week(row.created_at)], by_category[row.category_id]]
        if row.user_id is not None:
            buckets.append(by_helper[row.user_id])
        for bucket in buckets:
            for name in ("speed", "professionalism", "patience"):
                bucket.scores[name].append(getattr(row, name))
            bucket.solved_answers.append(bool(row.solved))


def _add_helpers(chosen, category_id, by_helper) -> None:
    """Per helper: public threads asked in the period they replied in, and how soon."""
    first_reply = func.min(Post.created_at)
    stmt = (
        select(Post.author_id, Thread.created_at, first_reply)
        .join(Thread, Thread.id == Post.thread_id)
        .where(permissions.public_threads(), Post.is_question == false())
        .where(Post.is_deleted == false(), Post.author_id != Thread.author_id)
        .where(Thread.created_at >= chosen.since, Thread.created_at < chosen.until)
        .where(Post.created_at >= chosen.since)  # implied; lets the posts index bound the scan
        .group_by(Post.author_id, Thread.id, Thread.created_at)
    )
    if category_id is not None:
        stmt = stmt.where(Thread.category_id == category_id)
    for author_id, asked_at, replied_at in db.session.execute(stmt):
        bucket = by_helper[author_id]
        bucket.helped += 1
        bucket.first_response.append((replied_at - asked_at).total_seconds())


DRILL_KINDS = ("asked", "unanswered", "unresolved", "resolved")


def threads_behind(
    actor: User,
    chosen: Period,
    *,
    kind: str = "asked",
    category_id: int | None = None,
    helper_id: int | None = None,
    limit: int = 200,
) -> list[Thread]:
    """The public threads behind a number of the dashboard, oldest first."""
    permissions.require(permissions.can_view_metrics(actor))
    stmt = (
        select(Thread)
        .join(Category, Category.id == Thread.category_id)
        .where(permissions.public_threads(), Category.staff_only == false())
        .where(Thread.created_at >= chosen.since, Thread.created_at < chosen.until)
        .order_by(Thread.created_at, Thread.id)
        .limit(limit)
    )
    if category_id is not None:
        stmt = stmt.where(Thread.category_id == category_id)
    if helper_id is not None:
        helped = select(Post.thread_id).where(
            Post.author_id == helper_id, Post.is_question == false()
        )
        stmt = stmt.where(Thread.id.in_(helped.where(Post.is_deleted == false())))
    resolved = or_(Thread.accepted_at.is_not(None), Thread.asker_confirmed_at.is_not(None))
    if kind == "unanswered":
        stmt = stmt.where(Thread.first_response_at.is_(None))
    elif kind == "unresolved":
        stmt = stmt.where(~resolved)
    elif kind == "resolved":
        stmt = stmt.where(resolved)
    return list(db.session.scalars(stmt))


@dataclass
class Digest:
    tickets_past_target: list[Thread]
    unanswered: list[Thread]
    this_week: Figures
    last_week: Figures


def digest(actor: User, limit: int = 20) -> Digest:
    """What staff should look at today: late tickets, questions waiting over a day, and the
    last seven days against the seven before."""
    permissions.require(permissions.can_view_metrics(actor))
    now = utcnow()
    target = timedelta(hours=current_app.config["FORUM_TICKET_TARGET_HOURS"])
    late = (
        select(Thread)
        .join(Ticket, Ticket.thread_id == Thread.id)
        .where(Thread.is_deleted == false(), Ticket.first_staff_reply_at.is_(None))
        .where(Ticket.resolved_at.is_(None), Ticket.opened_at <= now - target)
        .order_by(Ticket.opened_at)
        .limit(limit)
    )
    waiting = (
        select(Thread)
        .join(Category, Category.id == Thread.category_id)
        .where(permissions.public_threads(), Category.staff_only == false())
        .where(and_(Thread.first_response_at.is_(None), Thread.is_locked == false()))
        .where(Thread.created_at <= now - timedelta(days=1))
        .order_by(Thread.created_at)
        .limit(limit)
    )
    today = now.date()
    return Digest(
        tickets_past_target=list(db.session.scalars(late)),
        unanswered=list(db.session.scalars(waiting)),
        this_week=_summary(today - timedelta(days=6), today),
        last_week=_summary(today - timedelta(days=13), today - timedelta(days=7)),
    )


def _summary(start: date, end: date) -> Figures:
    total, weeks, chosen = Figures(), defaultdict[date, Figures](Figures), Period(start, end)
    _add_questions(chosen, None, total, weeks, defaultdict(Figures), defaultdict(Figures))
    _add_tickets(chosen, None, total, weeks, defaultdict(Figures))
    return total


def _week_figures(f: Figures) -> dict[str, float | int | None]:
    hours, rate = f.first_response_median, f.resolution_rate
    return {"asked": f.asked, "answered": f.answered, "tickets_opened": f.tickets_opened,
            "first_response_hours": None if hours is None else round(hours, 1),
            "resolution_percent": None if rate is None else round(rate * 100),
            "tickets_past_target": f.tickets_past_target}  # fmt: skip


def queue_staff_digests() -> int:
    """Queue today's digest for every active staff member with a confirmed address (the
    e-mail is composed when sent, and only for someone still staff)."""
    staff = db.session.scalars(select(User).where(
        User.role.in_(["staff", "admin"]), User.is_suspended == false(),
        User.email_verified_at.is_not(None))).all()  # fmt: skip
    for user in staff:
        today = digest(user)
        mail.queue(
            "staff_digest", user_id=user.id,
            late=[[t.id, t.title] for t in today.tickets_past_target],
            unanswered=[[t.id, t.title] for t in today.unanswered],
            figures={"this": _week_figures(today.this_week), "last": _week_figures(today.last_week)},
        )  # fmt: skip
    db.session.commit()
    return len(staff)
