"""Finding past solutions: the search page, similar questions while asking, and staff search
of tickets. Every hit is re-checked against the database (design rule 7), and snippets are
cut from the database's current text, so a stale index entry can never show anything.

Imports permissions, search (the indexes, analytics), listing (light rows), models.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, bindparam, false, select, true

from . import connections, permissions
from .listing import CategoryRef, Person
from .models import Category, Post, Thread, User
from .permissions import Actor
from .posting import Text, guard
from .search import Hit, SearchPage
from .search import analytics as search_analytics
from .search import outbox as search_outbox

PER_PAGE = 20
PUBLIC, TICKETS = search_outbox.PUBLIC, search_outbox.PRIVATE
_TICKETS = and_(Thread.is_private == true(), Thread.is_deleted == false())


@dataclass(frozen=True)
class Filters:
    """What the search form can narrow by."""

    category_ids: tuple[int, ...] = ()
    solved: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"  # or "newest"


@dataclass(slots=True)
class ResultThread:
    """What a search result shows of its thread (a light row, not an ORM object)."""

    id: int
    title: str
    accepted_post_id: int | None
    reply_count: int
    created_at: datetime
    author: Person
    category: CategoryRef

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None


THREAD_COLUMNS = (
    Thread.id, Thread.title, Thread.accepted_post_id, Thread.reply_count, Thread.created_at,
    User.username, User.role, Category.slug, Category.name_en, Category.name_zh,
)  # fmt: skip


@dataclass(slots=True)
class Result:
    thread: ResultThread
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
    category: CategoryRef | None = None  # where threads with these words mostly live


def search(actor: Actor, query: str, filters: Filters, *, page: int = 1) -> Results:
    """Public threads matching the query, with highlighted snippets and a "did you mean".
    A query holding a wallet secret is refused: not run, not stored, not logged."""
    query = query.strip()[:200]
    if not query:
        return Results(query)
    guard([Text("q", query)], public=False, key_choice="hash")  # a tx hash is a fine query
    rows = _Rows(PUBLIC)
    found = search_outbox.index(PUBLIC).search(
        query,
        page=page,
        per_page=PER_PAGE,
        category_ids=filters.category_ids or None,
        solved=filters.solved,
        date_from=filters.date_from,
        date_to=filters.date_to,
        sort=filters.sort,
        text_for=rows,
    )
    suggestion = found.suggestion
    if suggestion and not _finds_something(suggestion):
        suggestion = None
    results = _results(query, found, rows, suggestion)
    results.showing_suggestion = found.showing_suggestion and suggestion is not None
    if not results.results:
        results.next_steps = _next_steps(query, filters)
    if page == 1:  # after every read: its commit must not expire what the page shows
        user_id = actor.id if actor.is_authenticated else None  # anonymous: no identity
        results.search_id = search_analytics.record(user_id, query, found.total)
    return results


def _next_steps(query: str, filters: Filters) -> NextSteps:
    """For an empty page: the words without syntax, the count without filters, the category
    holding most public threads with any of the words."""
    steps = NextSteps()
    loose = " ".join(re.sub(r'(^|\s)-\S+|"|\bOR\b', " ", query).split())
    if loose and loose != query:
        steps.looser = loose
    found = search_outbox.index(PUBLIC).search(loose or query, per_page=20, highlight=False)
    if filters != Filters():
        steps.without_filters = found.total
    shown = _Rows(PUBLIC).visible(found.hits)
    counts = Counter(r.thread.category.slug for r in shown)
    if counts:
        slug = counts.most_common(1)[0][0]
        steps.category = next(r.thread.category for r in shown if r.thread.category.slug == slug)
    return steps


def open_result(actor: Actor, search_id: int, thread_id: int) -> None:
    """Record that a result of a search was opened (analytics; anyone may, nothing shown)."""
    search_analytics.record_open(search_id, thread_id)


def search_report(actor: Actor, weeks: int = 4) -> list[search_analytics.Week]:
    """Staff: top queries, queries without results, queries whose results nobody opened."""
    permissions.require(permissions.can_view_metrics(actor))
    return search_analytics.weekly(weeks)


def _results(query: str, found: SearchPage, rows: _Rows, suggestion: str | None = None) -> Results:
    return Results(
        query=query,
        results=rows.visible(found.hits),
        total=found.total,
        page=found.page,
        pages=found.pages,
        suggestion=suggestion,
        capped=found.capped,
    )


def _finds_something(query: str) -> bool:
    """Whether a suggested query leads to at least one thread the database calls public."""
    hits = search_outbox.index(PUBLIC).search(query, per_page=10, highlight=False)
    return bool(_Rows(PUBLIC).visible(hits.hits))


class _Rows:
    """The rows of one search's hits: what a result shows of its thread (light rows, no ORM
    objects) and its post's plain text for the snippet, read in ONE statement. Only public posts
    of threads the index's kind allows come back (public threads; for staff, live tickets):
    every hit is re-checked (design rule 7), and the thread shown is the post's own.

    Passed to the engine as text_for, so the snippets are cut from the same rows."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.found: dict[int, tuple[ResultThread, str]] = {}
        self.asked: set[int] = set()  # found or not: never asked twice

    def __call__(self, post_ids: list[int]) -> dict[int, tuple[str, str]]:
        self.load(post_ids)
        return {
            pid: (found[0].title, found[1]) for pid in post_ids if (found := self.found.get(pid))
        }

    def load(self, post_ids: list[int]) -> None:
        missing = [pid for pid in post_ids if pid not in self.asked]
        if not missing:
            return
        self.asked.update(missing)
        people: dict[tuple[str, str], Person] = {}
        categories: dict[str, CategoryRef] = {}
        for row in connections.read(_statement(self.kind), {"ids": missing}):
            author = people.get(row[7:9]) or people.setdefault(row[7:9], Person(*row[7:9]))
            category = categories.get(row[9]) or categories.setdefault(
                row[9], CategoryRef(*row[9:12])
            )
            thread = ResultThread(row[2], row[3], row[4], row[5], row[6], author, category)
            self.found[row[0]] = (thread, row[1])

    def visible(self, hits: list[Hit]) -> list[Result]:
        """The hits whose post and thread passed, in the engine's order."""
        self.load([h.post_id for h in hits])
        return [Result(self.found[h.post_id][0], h) for h in hits if h.post_id in self.found]


_STATEMENTS: dict[str, Select] = {}


def _statement(kind: str) -> Select:
    """The rows statement for the public or the tickets index, built once per process (the
    post ids are an expanding bind parameter)."""
    stmt = _STATEMENTS.get(kind)
    if stmt is None:
        condition = permissions.public_threads() if kind == PUBLIC else _TICKETS
        stmt = _STATEMENTS[kind] = (
            select(Post.id, Post.body_text, *THREAD_COLUMNS)
            .join(Thread, Thread.id == Post.thread_id)
            .join(User, User.id == Thread.author_id)
            .join(Category, Category.id == Thread.category_id)
            .where(Post.id.in_(bindparam("ids", expanding=True)))
            .where(permissions.public_posts(), condition)
        )
    return stmt


def similar(actor: Actor, title: str, limit: int = 5) -> list[Result]:
    """Public threads resembling a title being typed, solved first."""
    title = title.strip()[:200]
    if len(title) < 2:
        return []
    rows = _Rows(PUBLIC)
    hits = search_outbox.index(PUBLIC).similar(title, limit=limit, text_for=rows)
    return rows.visible(hits)


def search_tickets(actor: User, query: str, *, page: int = 1) -> Results:
    """Staff search of private tickets (a separate index; no spelling suggestions)."""
    permissions.require(permissions.can_search_private(actor))
    query = query.strip()[:200]
    if not query:
        return Results(query)
    rows = _Rows(TICKETS)
    found = search_outbox.index(TICKETS).search(query, page=page, per_page=PER_PAGE, text_for=rows)
    return _results(query, found, rows)
