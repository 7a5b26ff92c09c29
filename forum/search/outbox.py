"""The database is the truth, the indexes are derived (design rule 6): this module applies the
search outbox to this host's two indexes (public, and staff-only for tickets), rebuilds them,
and reports drift. Imports search, markup, models, extensions.

Every change reads the thread's current state from the database, so applying a row twice or
late is harmless; each index keeps its own progress, so every app host can feed its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

from flask import Flask, current_app, g
from sqlalchemy import CursorResult, delete, false, func, or_, select
from sqlalchemy.orm import joinedload

from .. import markup
from ..extensions import db
from ..models import Post, SearchOutbox, Thread, User, utcnow
from . import glossary_builds
from .index import Changes, Doc, SearchIndex, get_index
from .progress import OutboxProgress

PUBLIC, PRIVATE = "public", "private"
BATCH = 500


def index(name: str = PUBLIC) -> SearchIndex:
    """This host's index of public threads, or (PRIVATE) of tickets for staff search."""
    path, glossary_extra = glossary_builds.location(current_app.config, name)
    return get_index(path, public=name == PUBLIC, glossary_extra=glossary_extra)


def belongs(thread: Thread, name: str) -> bool:
    """Which index may hold a thread: public threads the public one, tickets the private one;
    none holds a deleted thread or one whose question waits for review."""
    if thread.is_deleted or thread.is_held:
        return False
    return thread.is_private == (name == PRIVATE)


def _doc(thread: Thread, post: Post, author: str) -> Doc:
    return Doc(
        post_id=post.id,
        thread_id=thread.id,
        category_id=thread.category_id,
        is_question=post.is_question,
        is_accepted=post.id == thread.accepted_post_id,
        thread_solved=thread.accepted_post_id is not None,
        title=thread.title,
        body=markup.to_text(post.body_source),
        author_name=author,
        created_at=post.created_at,
        thread_created_at=thread.created_at,
    )


def _changes_for(rows: list[SearchOutbox], name: str) -> Changes:
    """What the outbox rows mean for one index, read from the database now."""
    changes = Changes()
    post_ids = {r.object_id for r in rows if r.kind == "post"}
    thread_ids = {r.object_id for r in rows if r.kind == "thread"}
    posts = db.session.scalars(
        select(Post)
        .where(Post.id.in_(post_ids))
        .options(joinedload(Post.thread), joinedload(Post.author))
    ).all()
    changes.delete_post_ids |= post_ids - {p.id for p in posts}
    for post in posts:
        if post.thread_id in thread_ids:
            continue  # the whole thread is refreshed below
        if belongs(post.thread, name) and not post.is_deleted and post.held_at is None:
            changes.upserts.append(_doc(post.thread, post, post.author.username))
        else:
            changes.delete_post_ids.add(post.id)
    for thread_id in thread_ids:
        changes.delete_thread_ids.add(thread_id)
        changes.upserts.extend(_thread_docs(thread_id, name))
    return changes


def _thread_docs(thread_id: int, name: str) -> list[Doc]:
    thread = db.session.get(Thread, thread_id)
    if thread is None or not belongs(thread, name):
        return []
    rows = db.session.execute(
        select(Post, User.username)
        .join(User, User.id == Post.author_id)
        .where(Post.thread_id == thread_id, Post.is_deleted == false(), Post.held_at.is_(None))
    )
    return [_doc(thread, post, username) for post, username in rows]


def _pending(progress, limit: int) -> list[SearchOutbox]:
    recheck = progress.ids_to_recheck()
    condition = SearchOutbox.id > progress.last_id
    if recheck:
        condition = or_(condition, SearchOutbox.id.in_(recheck))
    stmt = select(SearchOutbox).where(condition).order_by(SearchOutbox.id).limit(limit)
    return list(db.session.scalars(stmt))


def apply_pending(limit: int = BATCH) -> int:
    """Apply outbox rows this host's indexes have not seen yet; returns rows applied.
    A locked or failing index raises and keeps its rows for the next call."""
    try:
        return max(_apply_to(name, limit) for name in (PUBLIC, PRIVATE))
    finally:
        db.session.rollback()  # end the read transaction; nothing was written to the database


def _apply_to(name: str, limit: int) -> int:
    applied = 0

    def build(progress: OutboxProgress) -> Changes | None:
        # Runs under the index lock: the database is read now, so a writer holding an older
        # reading cannot commit after this one.
        nonlocal applied
        rows = _pending(progress, limit)
        if not rows:
            return None
        changes = _changes_for(rows, name)
        changes.progress = progress.advance(r.id for r in rows)
        applied = len(rows)
        return changes

    index(name).write_locked(build)
    return applied


def pending_count() -> int:
    """Outbox rows the public index of this host has not applied yet."""
    last = index(PUBLIC).load_progress().last_id
    return db.session.scalar(select(func.count(SearchOutbox.id)).where(SearchOutbox.id > last)) or 0


def sync(limit: int = BATCH) -> int:
    """Apply everything pending, batch after batch."""
    total = 0
    while (done := apply_pending(limit)) > 0:
        total += done
    return total


def purge_thread(thread_id: int) -> None:
    """Remove a thread from the public index right now (escalation); raises on failure."""
    index(PUBLIC).write(delete_thread_ids=[thread_id])


def rebuild(procs: int = 2) -> dict[str, int]:
    """Rebuild both indexes from the database; returns documents per index."""
    last = db.session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()).limit(1))
    counts = {}
    for name in (PUBLIC, PRIVATE):
        ix = index(name)
        progress = OutboxProgress(last_id=last or 0)
        docs = list(_all_docs(name)) if procs <= 1 else _all_docs(name)
        ix.rebuild(docs, procs=procs, progress=progress)
        counts[name] = ix.doc_count()
    db.session.rollback()
    return counts


def _all_docs(name: str) -> Iterator[Doc]:
    stmt = (
        select(Post, Thread, User.username)
        .join(Thread, Thread.id == Post.thread_id)
        .join(User, User.id == Post.author_id)
        .where(Post.is_deleted == false(), Thread.is_deleted == false())
        .where(Post.held_at.is_(None), Thread.is_held == false())
        .where(Thread.is_private.is_(name == PRIVATE))
        .order_by(Post.id)
        .execution_options(yield_per=2000)
    )
    for post, thread, username in db.session.execute(stmt):
        yield _doc(thread, post, username)


def drift() -> dict[str, dict[str, int]]:
    """Posts the database and each index disagree about (after applying what is pending)."""
    sync()
    report = {}
    for name in (PUBLIC, PRIVATE):
        expected = set(
            db.session.scalars(
                select(Post.id)
                .join(Thread, Thread.id == Post.thread_id)
                .where(Post.is_deleted == false(), Thread.is_deleted == false())
                .where(Post.held_at.is_(None), Thread.is_held == false())
                .where(Thread.is_private.is_(name == PRIVATE))
            )
        )
        indexed = index(name).post_ids()
        report[name] = {
            "missing": len(expected - indexed),
            "extra": len(indexed - expected),
            "indexed": len(indexed),
        }
    db.session.rollback()
    return report


def prune(days: int = 7) -> int:
    """Delete outbox rows older than `days` (a host offline longer than that reindexes)."""
    cutoff = utcnow() - timedelta(days=days)
    # A DELETE gives a CursorResult (which has rowcount); Session.execute is typed Result.
    gone = cast(
        CursorResult[Any],
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.created_at < cutoff)),
    )
    db.session.commit()
    return gone.rowcount or 0


# --- applying after commits, and polling for other hosts' changes -----------------------------


# gunicorn.conf.py sets this in a master that builds the app before forking (preload_app):
# a thread does not survive fork, so each worker starts its poller in `start_poller`.
DEFER_POLLERS = False


def install(app: Flask) -> None:
    """Apply the outbox when an app context that wrote to it ends; poll for other hosts."""

    @app.teardown_appcontext
    def _apply_after_context(_exc: BaseException | None) -> None:
        if g.pop("search_dirty", False):
            _apply_quietly()

    if not DEFER_POLLERS:
        start_poller(app)


def start_poller(app: Flask) -> None:
    """This process's poller for the app (none if FORUM_SEARCH_POLL_SECONDS is 0)."""
    interval = float(app.config["FORUM_SEARCH_POLL_SECONDS"])
    if interval > 0:
        _start_poller(app, interval)


def check_glossary() -> None:
    """Switch to, or start building, indexes with the staff glossary (glossary_builds)."""
    glossary_builds.poll(_all_docs)


def _apply_quietly() -> None:
    try:
        sync()
    except Exception:  # the rows stay in the outbox; the poller retries
        current_app.logger.warning("search outbox not applied yet; will retry", exc_info=True)
        db.session.rollback()


def _check_glossary_quietly() -> None:
    try:
        check_glossary()
    except Exception:  # the next poll tries again
        current_app.logger.warning("glossary check failed; will retry", exc_info=True)
        db.session.rollback()


_POLLERS: dict[tuple[int, int], tuple[threading.Event, threading.Thread]] = {}
_POLLERS_LOCK = threading.Lock()


def _start_poller(app: Flask, interval: float) -> None:
    """One daemon thread per app and process applies rows written by other processes or
    hosts (each gunicorn worker starts its own after the fork)."""
    key = (os.getpid(), id(app))
    with _POLLERS_LOCK:
        if key in _POLLERS:
            return
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(interval):
                with app.app_context():
                    _check_glossary_quietly()
                    _apply_quietly()

        poller = threading.Thread(target=run, name="search-outbox", daemon=True)
        _POLLERS[key] = (stop, poller)
    poller.start()


def stop_poller(app: Flask) -> None:
    """Stop this app's poller thread and wait for it (tests, shutdown): a poll still running
    would hand its connection back to a pool the caller is about to dispose of."""
    with _POLLERS_LOCK:
        found = _POLLERS.pop((os.getpid(), id(app)), None)
    if found is not None:
        stop, poller = found
        stop.set()
        poller.join(timeout=30)
