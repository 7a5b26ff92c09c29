"""The asker's satisfaction rating, on the seed document's dimensions: invited once when a
question is solved or a ticket resolved, rated or dismissed, credited to the people who helped.
Imports permissions, posting, models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, false, func, select

from . import permissions
from .errors import DomainError
from .extensions import db
from .models import Post, Rating, RatingCredit, Thread, User
from .posting import Text, guard

# 响应速度, 专业性, 耐心与热情 (the fourth, resolution rate, is the "solved?" answer).
DIMENSIONS = ("speed", "professionalism", "patience")
MAX_COMMENT = 1000


def invited(actor: User, thread: Thread) -> bool:
    """Whether to invite the asker to rate this thread now: allowed and never answered."""
    if not permissions.can_rate(actor, thread):
        return False
    return db.session.scalar(select(Rating.id).where(Rating.thread_id == thread.id)) is None


def rate(
    actor: User,
    thread: Thread,
    scores: Mapping[str, int | None],
    *,
    solved: bool | None,
    comment: str = "",
) -> Rating:
    """Record the asker's rating once; every dimension must be chosen (1-5, nothing assumed)."""
    permissions.require(permissions.can_rate(actor, thread))
    if any(scores.get(name) not in range(1, 6) for name in DIMENSIONS):
        raise DomainError(_l("Please choose 1 to 5 for each question."))
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(_l("Please keep the comment under 1,000 characters."), field="comment")
    guard([Text("comment", comment)], public=False)  # seen by staff only: personal data is fine
    rating = _existing(thread) or Rating(thread_id=thread.id, rater_id=actor.id)
    if rating.id is not None and not rating.dismissed:
        raise DomainError(_l("You have already rated this."))
    rating.speed, rating.professionalism, rating.patience = (scores[n] for n in DIMENSIONS)
    rating.solved, rating.comment, rating.dismissed = solved, comment, False
    db.session.add(rating)
    db.session.flush()
    db.session.add_all(RatingCredit(rating_id=rating.id, user_id=uid) for uid in _helpers(thread))
    db.session.commit()
    return rating


def dismiss(actor: User, thread: Thread) -> None:
    """The asker would rather not rate: the invitation does not come back."""
    permissions.require(permissions.can_rate(actor, thread))
    if _existing(thread) is None:
        db.session.add(Rating(thread_id=thread.id, rater_id=actor.id, dismissed=True))
        db.session.commit()


def _existing(thread: Thread) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.thread_id == thread.id))


def _helpers(thread: Thread) -> list[int]:
    """Everyone but the asker who wrote a visible reply in the thread."""
    return list(
        db.session.scalars(
            select(Post.author_id)
            .where(Post.thread_id == thread.id, Post.author_id != thread.author_id)
            .where(Post.is_deleted == false(), Post.is_question == false())
            .distinct()
        )
    )


@dataclass(frozen=True)
class Averages:
    """A helper's ratings: how many, the mean of each dimension, the share really solved."""

    count: int
    speed: float | None
    professionalism: float | None
    patience: float | None
    solved_share: float | None


def averages_for(actor: User, helper: User) -> Averages:
    """A helper sees their own averages; staff see everyone's."""
    permissions.require(permissions.can_view_ratings_of(actor, helper))
    # A count, then averages: Decimal on PostgreSQL, float on SQLite, None without ratings.
    row: Row[int, Any, Any, Any, Any] = db.session.execute(
        select(
            func.count(Rating.id),
            func.avg(Rating.speed),
            func.avg(Rating.professionalism),
            func.avg(Rating.patience),
            func.avg(func.cast(Rating.solved, db.Integer)),
        )
        .join(RatingCredit, RatingCredit.rating_id == Rating.id)
        .where(RatingCredit.user_id == helper.id, Rating.dismissed == false())
    ).one()
    count, *means = row
    speed, professionalism, patience, solved = (None if m is None else float(m) for m in means)
    return Averages(count or 0, speed, professionalism, patience, solved)
