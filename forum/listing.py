"""Lean reads for the thread lists (home, category, latest): exactly the columns a row shows,
as light rows, in one statement per list (design.md rule 13). The caller gives the filter
(permissions.public_threads and the list's own) and the order. Imports models and extensions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, DateTime, Integer, Select, bindparam, select, tuple_
from sqlalchemy.sql.elements import BindParameter

from . import connections
from .extensions import db
from .models import Category, Thread, User


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    role: str


@dataclass(frozen=True, slots=True)
class CategoryRef:
    slug: str
    name_en: str
    name_zh: str

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category as the list pages show it, with its kept counts (a light row)."""

    id: int
    slug: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    staff_only: bool
    thread_count: int
    solved_count: int

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en

    def description(self, locale: str) -> str:
        return self.description_zh if locale.startswith("zh") else self.description_en


CATEGORY_COLUMNS = (
    Category.id, Category.slug, Category.name_en, Category.name_zh, Category.description_en,
    Category.description_zh, Category.staff_only, Category.thread_count, Category.solved_count,
)  # fmt: skip
CATEGORIES = select(*CATEGORY_COLUMNS).order_by(Category.position, Category.id)


def categories() -> list[CategoryInfo]:
    """Every category in order, as light rows (one statement)."""
    return [CategoryInfo(*row) for row in db.session.execute(CATEGORIES)]


@dataclass(slots=True)
class ThreadRow:
    """What a list row shows of a thread."""

    id: int
    title: str
    is_pinned: bool
    is_locked: bool
    accepted_post_id: int | None
    reply_count: int
    created_at: datetime
    last_activity_at: datetime
    author: Person
    category: CategoryRef

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None


# Pages reached by number (an OFFSET over the list's index: at most this many pages deep);
# past them a list goes on by keyset ("older than this row"), which costs the same at any depth.
NUMBERED_PAGES = 40


@dataclass(frozen=True, slots=True)
class Place:
    """Where in a list a page starts: a page number, or a row's key (`cursor`) with the page
    of rows older than it, or (`newer`) the page of rows just newer than it."""

    number: int = 1
    cursor: str | None = None
    newer: bool = False


@dataclass(slots=True)
class RowsPage:
    """One page of rows; `page` and `pages` as the pagination macro expects, and the cursors
    of the older and newer pages where a list goes on by keyset."""

    items: list[ThreadRow]
    page: int
    per_page: int
    total: int
    older: str | None = None
    newer: str | None = None
    keyset: bool = False  # reached by a cursor: no page number

    @property
    def pages(self) -> int:
        pages = -(-self.total // self.per_page) if self.total else 0
        return min(pages, max(NUMBERED_PAGES, self.page))


COLUMNS = (
    Thread.id, Thread.title, Thread.is_pinned, Thread.is_locked, Thread.accepted_post_id,
    Thread.reply_count, Thread.created_at, Thread.last_activity_at,
    User.username, User.role, Category.slug, Category.name_en, Category.name_zh,
)  # fmt: skip


ROW_FIELDS = tuple(column.key for column in COLUMNS[:8])


def sql_number(value: int) -> BindParameter[int]:
    """A LIMIT, OFFSET or other bound on a list written into the SQL as a number (the
    statement is still compiled once; the number is put in when it runs).

    PostgreSQL plans a prepared statement afresh on each run while a generic plan, made
    without knowing such a number, looks costlier than one made for it: a list read with
    `LIMIT $1` was planned on every page view (0.4 ms of the server's CPU, more than running
    it); with the number in the text the plan is made once per connection. Numbers that vary
    a lot (offsets) make one statement text each: only numbered pages (at most
    NUMBERED_PAGES per list) have one, and page 1 has none."""
    return bindparam(None, value, Integer, literal_execute=True)


def rows_select() -> Select:
    """The row columns, with the author and the category joined (one statement per list)."""
    return (
        select(*COLUMNS)
        .join(User, User.id == Thread.author_id)
        .join(Category, Category.id == Thread.category_id)
    )


def rows(stmt: Select, params: dict | None = None, *, built_once: bool = False) -> list[ThreadRow]:
    """The rows of a statement made from rows_select(). A statement built once per process
    runs as Core (connections.read: about half the cost); one built for this request goes
    through the session, which matches its columns to the cached compiled form for less."""
    found = connections.read(stmt, params) if built_once else db.session.execute(stmt, params)
    people: dict[tuple[str, str], Person] = {}
    categories: dict[str, CategoryRef] = {}
    out = []
    for row in found:
        author = people.get(row[8:10])
        if author is None:
            author = people[row[8:10]] = Person(row[8], row[9])
        category = categories.get(row[10])
        if category is None:
            category = categories[row[10]] = CategoryRef(row[10], row[11], row[12])
        fields = dict(zip(ROW_FIELDS, row[:8], strict=True))
        out.append(ThreadRow(**fields, author=author, category=category))
    return out


@dataclass(frozen=True, slots=True)
class ListOf:
    """A thread list: its conditions and order (all descending), built once per process and
    named by `key`, and the values of their bound parameters for this request."""

    key: tuple
    where: tuple
    order: tuple
    params: dict


# The numbered pages' statements, built once per list, page and page size (bounded: lists
# times NUMBERED_PAGES times the page sizes; deeper numbered pages are built per request).
_NUMBERED: dict[tuple, Select] = {}


def page_of(list_: ListOf, place: Place, per_page: int, total: int) -> RowsPage:
    """One page of a list's threads; the total is given.

    A deferred join: the page's ids first, from the thread columns alone (an index-only scan
    of ix_threads_category_listing / ix_threads_latest, which hold every column the list
    filters and orders by), then the rows of those ids. Numbered pages step over the earlier
    index entries (about 0.3 µs each, at most NUMBERED_PAGES pages); past them, pages start
    from a row's key (keyset), which is as cheap on page 10,000 as on page 2."""
    columns = [term.element for term in list_.order]
    values = _decode(place.cursor, columns) if place.cursor else None
    if values is not None:
        return _keyset_page(list_, columns, values, place.newer, per_page, total)
    page = max(place.number, 1)
    key = (list_.key, page, per_page)
    stmt = _NUMBERED.get(key)
    if stmt is None:
        ids = select(Thread.id).where(*list_.where).order_by(*list_.order)
        ids = ids.limit(sql_number(per_page))
        if page > 1:
            ids = ids.offset(sql_number((page - 1) * per_page))
        stmt = _rows_of(ids, list_.order)
        if page <= NUMBERED_PAGES:
            _NUMBERED[key] = stmt
    found = rows(stmt, list_.params, built_once=page <= NUMBERED_PAGES)
    result = RowsPage(found, page, per_page, total)
    if page >= NUMBERED_PAGES and total > page * per_page and found:
        result.older = _encode(found[-1], columns)
    return result


def _keyset_page(list_: ListOf, columns, values, newer: bool, per_page: int, total: int):
    where, order = list_.where, list_.order
    key, bound = tuple_(*columns), tuple_(*values)
    if newer:  # the rows just above the key, nearest first, shown in list order
        ids = select(Thread.id).where(*where, key > bound).order_by(*(c.asc() for c in columns))
    else:
        ids = select(Thread.id).where(*where, key < bound).order_by(*order)
    found = rows(_rows_of(ids.limit(sql_number(per_page + 1)), order), list_.params)
    more = len(found) > per_page
    items = (found[1:] if more else found) if newer else found[:per_page]
    page = RowsPage(items, 1, per_page, total, keyset=True)
    if items and (more or not newer):
        page.newer = _encode(items[0], columns)
    if items and (more or newer):
        page.older = _encode(items[-1], columns)
    return page


def _rows_of(ids: Select, order: tuple) -> Select:
    chosen = ids.subquery()
    return rows_select().join(chosen, chosen.c.id == Thread.id).order_by(*order)


# A cursor is the row's key: its order columns as integers (booleans 0/1, times in
# microseconds since 1970, ids), joined with dots; anything else is no cursor (page 1).
EPOCH = datetime(1970, 1, 1)
_CURSOR_PART = re.compile(r"[0-9]{1,18}", re.ASCII)


def _encode(row: ThreadRow, columns: list) -> str:
    parts = []
    for column in columns:
        value = getattr(row, column.key)
        if isinstance(value, datetime):
            value = (value - EPOCH) // timedelta(microseconds=1)
        parts.append(str(int(value)))
    return ".".join(parts)


def _decode(cursor: str, columns: list) -> list | None:
    parts = cursor.split(".")
    if len(parts) != len(columns) or not all(_CURSOR_PART.fullmatch(p) for p in parts):
        return None
    values: list = []
    for part, column in zip(parts, columns, strict=True):
        number = int(part)
        if isinstance(column.type, Boolean):
            if number > 1:
                return None
            values.append(bool(number))
        elif isinstance(column.type, DateTime):
            if number > 253_402_300_799_999_999:  # past 9999-12-31
                return None
            values.append(EPOCH + timedelta(microseconds=number))
        elif number > 2_147_483_647:  # an id: PostgreSQL's integer
            return None
        else:
            values.append(number)
    return values
