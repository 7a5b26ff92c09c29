"""Search analytics for staff (as Discourse has): what people search for, what finds nothing,
and what finds results nobody opens, by week. Imports safety, models, extensions.

Stored: the folded query, the number of threads found, the member (never for anonymous
visitors) and the first result opened. A query holding a wallet secret is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, insert, select, update

from .. import safety
from ..extensions import db
from ..models import SearchQuery, utcnow
from .analysis import fold

MAX_ID = 2**31 - 1  # ids from URLs beyond the column's range are ignored, not errors
TOP = 15  # rows per list


def normalize(query: str) -> str:
    """The stored form: folded (width, case, traditional), spaces collapsed, 200 chars."""
    return " ".join(fold(query).split())[:200]


# Built once: a Core insert (no ORM unit of work for one analytics row).
_TABLE = cast(Table, SearchQuery.__table__)
_INSERT = insert(_TABLE).returning(_TABLE.c.id)


def record(user_id: int | None, query: str, results: int) -> int | None:
    """Store one search; returns its id, or None when it must not be stored (empty, or the
    guard finds a secret in it). The caller passes None as user_id for anonymous visitors."""
    text = normalize(query)
    if not text or safety.find_secrets(query) or safety.find_secrets(text):
        return None
    search_id = db.session.scalar(_INSERT, {"query": text, "results": results, "user_id": user_id})
    # Nothing the page shows changed: keep what this request loaded (the member, say)
    # instead of reading it all again after the commit.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    return search_id


def record_open(search_id: int, thread_id: int) -> None:
    """Remember the first result opened after a search (later ones do not overwrite it)."""
    if not (0 < search_id <= MAX_ID and 0 < thread_id <= MAX_ID):
        return
    db.session.execute(
        update(SearchQuery)
        .where(SearchQuery.id == search_id, SearchQuery.opened_thread_id.is_(None))
        .values(opened_thread_id=thread_id)
    )
    db.session.commit()


@dataclass
class QueryRow:
    query: str
    searches: int
    results: int  # threads found (the largest figure of the week)
    opened: int = 0  # searches after which a result was opened


@dataclass
class Week:
    start: datetime
    searches: int = 0
    top: list[QueryRow] = field(default_factory=list)
    no_results: list[QueryRow] = field(default_factory=list)
    not_opened: list[QueryRow] = field(default_factory=list)


def _rows(start: datetime, end: datetime, *conditions, order=None) -> list[QueryRow]:
    count = func.count(SearchQuery.id)
    opened = func.count(SearchQuery.opened_thread_id)
    stmt = (
        select(SearchQuery.query, count, func.max(SearchQuery.results), opened)
        .where(SearchQuery.created_at >= start, SearchQuery.created_at < end, *conditions)
        .group_by(SearchQuery.query)
        .order_by(count.desc(), SearchQuery.query)
        .limit(TOP)
    )
    return [QueryRow(*row) for row in db.session.execute(stmt)]


def weekly(weeks: int = 4, now: datetime | None = None) -> list[Week]:
    """The last `weeks` weeks (Monday to Monday, newest first): top queries, queries that
    found nothing, and queries that found threads of which none was opened."""
    now = now or utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    out = []
    for i in range(weeks):
        start = monday - timedelta(weeks=i)
        end = start + timedelta(weeks=1)
        total = db.session.scalar(
            select(func.count(SearchQuery.id)).where(
                SearchQuery.created_at >= start, SearchQuery.created_at < end
            )
        )
        week = Week(start, total or 0)
        if week.searches:
            week.top = _rows(start, end)
            week.no_results = _rows(start, end, SearchQuery.results == 0)
            week.not_opened = _rows(
                start, end, SearchQuery.results > 0, SearchQuery.opened_thread_id.is_(None)
            )
        out.append(week)
    return out
