"""Support-quality tables: the asker's ratings and their credits, search analytics, and the
synonym groups staff add to the search glossary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, utcnow


class Rating(Model):
    """The asker's verdict on the help a thread got, on the seed document's dimensions (1-5
    each) plus whether the problem was really solved. One per thread: rated or dismissed."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), unique=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    speed: Mapped[int | None] = mapped_column(Integer)
    professionalism: Mapped[int | None] = mapped_column(Integer)
    patience: Mapped[int | None] = mapped_column(Integer)
    solved: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    # The asker closed the invitation without rating: never asked again for this thread.
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class RatingCredit(Model):
    """A rating belongs to the people who helped: everyone but the asker who replied."""

    __tablename__ = "rating_credits"

    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class SearchQuery(Model):
    """One search for the staff analytics: the folded query, how many threads it found, and
    the first result opened. No user for anonymous visitors; never a query the guard refuses."""

    __tablename__ = "search_queries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    query: Mapped[str] = mapped_column(String(200))
    results: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_thread_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class GlossaryGroup(Model):
    """A synonym group staff added to the search glossary ("到账|到帐|arrived"): the entries
    as typed, joined by "|". The shipped file forum/data/synonyms.txt holds the others."""

    __tablename__ = "glossary_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[str] = mapped_column(String(1000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
