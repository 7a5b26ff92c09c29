"""Each category's count of public threads and of solved ones, kept on the category row in the
same transaction as every change to a thread (issue 14): the home, category and latest pages
read them instead of a COUNT or GROUP BY over all threads, so their cost does not grow with
the forum.

One listener sees every thread the app's sessions flush (asked, deleted, restored, moved,
escalated, made public, held, approved, accepted, unaccepted) and adds the difference it
makes, whichever module changed it. Writes that bypass the ORM (bulk loads such as
bench/seed.py) call recount() afterwards.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import cast

from sqlalchemy import Connection, Table, func, inspect, select, update
from sqlalchemy.orm import Session

from . import permissions
from .events import APP_SESSIONS
from .models import Category, Thread

CATEGORIES = cast(Table, Category.__table__)
SHOWN = ("is_private", "is_deleted", "is_held", "category_id", "accepted_post_id")


def _key(values: dict) -> tuple[int | None, bool, bool]:
    """(category, counted as public, counted as solved) for a thread's column values; public
    as in permissions.public_threads (tests/test_category_counts.py compares the two)."""
    public = not (values["is_private"] or values["is_deleted"] or values["is_held"])
    return values["category_id"], public, public and values["accepted_post_id"] is not None


def _before(thread: Thread) -> dict:
    state = inspect(thread)
    values = {}
    for name in SHOWN:
        history = state.attrs[name].history
        values[name] = history.deleted[0] if history.deleted else getattr(thread, name)
    return values


def _now(thread: Thread) -> dict:
    return {name: getattr(thread, name) for name in SHOWN}


def _changes(session: Session) -> tuple[Counter[int | None], Counter[int | None]]:
    threads: Counter[int | None] = Counter()
    solved: Counter[int | None] = Counter()

    def add(values: dict, sign: int) -> None:
        category, public, is_solved = _key(values)
        threads[category] += sign * public
        solved[category] += sign * is_solved

    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, Thread):
            continue
        if obj not in session.new:
            add(_before(obj), -1)
        if obj not in session.deleted:
            add(_now(obj), +1)
    return threads, solved


def _apply(session: Session, _context) -> None:
    threads, solved = _changes(session)
    table = CATEGORIES
    for category in set(threads) | set(solved):
        if category is None or not (threads[category] or solved[category]):
            continue
        session.connection().execute(
            update(table)
            .where(table.c.id == category)
            .values(
                thread_count=table.c.thread_count + threads[category],
                solved_count=table.c.solved_count + solved[category],
            )
        )


def install() -> None:
    """Keep the counts in every transaction of the app's sessions (once per process)."""
    from sqlalchemy import event

    if not event.contains(APP_SESSIONS, "after_flush", _apply):
        event.listen(APP_SESSIONS, "after_flush", _apply)


install()


def recount(conn: Connection) -> None:
    """Set every category's counts from the threads (after writes that bypass the ORM)."""
    public = permissions.public_threads()
    table = CATEGORIES
    of_category = Thread.category_id == table.c.id
    threads = select(func.count(Thread.id)).where(of_category, public).scalar_subquery()
    solved = select(func.count(Thread.accepted_post_id)).where(of_category, public)
    conn.execute(update(table).values(thread_count=threads, solved_count=solved.scalar_subquery()))
