"""Finding past solutions: the search page, similar questions while asking, and staff search
of tickets. Every hit is re-checked against the database (design rule 7), and snippets are
cut from the database's current text, so a stale index entry can never show anything.

Imports permissions, search (the indexes, analytics), models.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, false, select, true
from sqlalchemy.orm import joinedload

from . import permissions
from .extensions import db
from .models import Category, Post, Thread, User
from .permissions import Actor
from .posting import Text, guard
from .search import Hit, SearchPage
from .search import analytics as search_analytics
from .search import outbox as search_outbox

PER_PAGE = 20


@dataclass(frozen=True)
class Filters:
    """What the search form can narrow by."""

    category_ids: tuple[int, ...] = ()
    solved: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"  # or "newest"


@dataclass
class Result:
    thread: Thread
    hit: Hit


@dataclass
class Results:
    query: str
    results: list[Result] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    suggestion: str | None = None
    capped: bool = False
    showing_suggestion: bool = False  # nothing matched the query; these are the suggestion's
    search_id: int | None = None  # the analytics row (result links report the one opened)
    next_steps: NextSteps | None = None  # when nothing was found


@dataclass
class NextSteps:
    """What a search that found nothing offers: a looser search, a category, asking."""

    looser: str | None = None  # the query without its syntax (quotes, -words, OR)
    without_filters: int = 0  # threads the same words find without the filters
    category: Category | None = None  # where threads with these words mostly live


def _texts_for(condition):
    """A text_for callable for the engine: (title, plain text) of posts the reader may see."""

    def text_for(post_ids: list[int]) -> dict[int, tuple[str, str]]:
        rows = db.session.execute(
            select(Post.id, Thread.title, Post.body_text)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.id.in_(post_ids), permissions.public_posts(), condition)
        )
        return {pid: (title, body) for pid, title, body in rows}

    return text_for


def _visible(hits: list[Hit], condition) -> list[Result]:
    """Keep the hits whose thread the database says are visible, in the engine's order, and
    whose best post is public (a held post's words must not lead to its thread)."""
    if not hits:
        return []
    shown = set(
        db.session.scalars(
            select(Post.id).where(
                Post.id.in_([h.post_id for h in hits]), permissions.public_posts()
            )
        )
    )
    hits = [h for h in hits if h.post_id in shown]
    threads = db.session.scalars(
        select(Thread)
        .where(Thread.id.in_([h.thread_id for h in hits]), condition)
        .options(joinedload(Thread.author), joinedload(Thread.category))
    ).all()
    by_id = {t.id: t for t in threads}
    return [Result(by_id[h.thread_id], h) for h in hits if h.thread_id in by_id]


def search(actor: Actor, query: str, filters: Filters, *, page: int = 1) -> Results:
    """Public threads matching the query, with highlighted snippets and a "did you mean".
    A query holding a wallet secret is refused: not run, not stored, not logged."""
    query = query.strip()[:200]
    if not query:
        return Results(query)
    guard([Text("q", query)], public=False, key_choice="hash")  # a tx hash is a fine query
    condition = permissions.public_threads()
    found = search_outbox.index(search_outbox.PUBLIC).search(
        query,
        page=page,
        per_page=PER_PAGE,
        category_ids=filters.category_ids or None,
        solved=filters.solved,
        date_from=filters.date_from,
        date_to=filters.date_to,
        sort=filters.sort,
        text_for=_texts_for(condition),
    )
    search_id = None
    if page == 1:  # recorded (its commit) before the threads are loaded: a commit expires
        # every loaded object, and each result's thread was then read again, one by one
        user_id = actor.id if actor.is_authenticated else None  # anonymous: no identity
        search_id = search_analytics.record(user_id, query, found.total)
    suggestion = found.suggestion
    if suggestion and not _finds_something(suggestion, condition):
        suggestion = None
    results = _results(query, found, condition, suggestion)
    results.showing_suggestion = found.showing_suggestion and suggestion is not None
    results.search_id = search_id
    if not results.results:
        results.next_steps = _next_steps(query, filters, condition)
    return results


def _next_steps(query: str, filters: Filters, condition) -> NextSteps:
    """For an empty page: the words without syntax, the count without filters, the category
    holding most public threads with any of the words."""
    steps = NextSteps()
    loose = " ".join(re.sub(r'(^|\s)-\S+|"|\bOR\b', " ", query).split())
    if loose and loose != query:
        steps.looser = loose
    found = search_outbox.index(search_outbox.PUBLIC).search(
        loose or query, per_page=20, highlight=False
    )
    if filters != Filters():
        steps.without_filters = found.total
    counts = Counter(r.thread.category_id for r in _visible(found.hits, condition))
    if counts:
        steps.category = db.session.get(Category, counts.most_common(1)[0][0])
    return steps


def open_result(actor: Actor, search_id: int, thread_id: int) -> None:
    """Record that a result of a search was opened (analytics; anyone may, nothing shown)."""
    search_analytics.record_open(search_id, thread_id)


def search_report(actor: Actor, weeks: int = 4) -> list[search_analytics.Week]:
    """Staff: top queries, queries without results, queries whose results nobody opened."""
    permissions.require(permissions.can_view_metrics(actor))
    return search_analytics.weekly(weeks)


def _results(query: str, found: SearchPage, condition, suggestion: str | None = None) -> Results:
    return Results(
        query=query,
        results=_visible(found.hits, condition),
        total=found.total,
        page=found.page,
        pages=found.pages,
        suggestion=suggestion,
        capped=found.capped,
    )


def _finds_something(query: str, condition) -> bool:
    """Whether a suggested query leads to at least one thread the database calls public."""
    hits = search_outbox.index(search_outbox.PUBLIC).search(query, per_page=10, highlight=False)
    return bool(_visible(hits.hits, condition))


def similar(actor: Actor, title: str, limit: int = 5) -> list[Result]:
    """Public threads resembling a title being typed, solved first."""
    title = title.strip()[:200]
    if len(title) < 2:
        return []
    condition = permissions.public_threads()
    hits = search_outbox.index(search_outbox.PUBLIC).similar(
        title, limit=limit, text_for=_texts_for(condition)
    )
    return _visible(hits, condition)


def search_tickets(actor: User, query: str, *, page: int = 1) -> Results:
    """Staff search of private tickets (a separate index; no spelling suggestions)."""
    permissions.require(permissions.can_search_private(actor))
    query = query.strip()[:200]
    if not query:
        return Results(query)
    condition = and_(Thread.is_private == true(), Thread.is_deleted == false())
    found = search_outbox.index(search_outbox.PRIVATE).search(
        query, page=page, per_page=PER_PAGE, text_for=_texts_for(condition)
    )
    return _results(query, found, condition)
