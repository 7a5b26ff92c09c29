"""Side rows a domain change writes in its own transaction: audit entries, notifications,
search-outbox rows (design rule 6) and the content version that cached pages are keyed by.

Imports models and extensions only; callers commit.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from flask import g
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import AuditEntry, Notification, Post, SearchOutbox, SiteState, Thread, User


def audit(actor: User | None, action: str, target: Any, **detail: Any) -> None:
    """Record who did what to which object (never pass secrets in detail)."""
    db.session.add(
        AuditEntry(
            actor_id=getattr(actor, "id", None),
            action=action,
            target_type=type(target).__name__.lower(),
            target_id=getattr(target, "id", None) or getattr(target, "thread_id", None),
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )


def notify(
    recipient_id: int | None,
    kind: str,
    *,
    actor: User | None,
    thread: Thread,
    post: Post | None = None,
) -> None:
    """Tell one person about something in a thread (not themselves)."""
    if recipient_id is None or (actor is not None and actor.id == recipient_id):
        return
    db.session.add(
        Notification(
            user_id=recipient_id,
            kind=kind,
            thread_id=thread.id,
            post_id=post.id if post is not None else None,
            actor_id=getattr(actor, "id", None),
        )
    )


def index_later(kind: str, object_id: int) -> None:
    """Queue a search-index change ("post" or "thread") in the current transaction; the
    outbox is applied when this app context ends (search_outbox.install)."""
    db.session.add(SearchOutbox(kind=kind, object_id=object_id))
    g.search_dirty = True


# --- the content version: what cached anonymous pages are keyed by ---------------------------

# What public pages show. Any insert, update or delete of these bumps the version in the
# same transaction (so a page cached under the old version is never served again).
CONTENT = frozenset({"threads", "posts", "votes", "categories", "users", "tickets", "attachments"})
# Columns of those tables that no public page shows: changing only these (a logout bumps
# users.session_version, a language choice sets users.locale) keeps the cached pages.
PRIVATE_COLUMNS = {
    "users": frozenset({"email", "password_hash", "locale", "timezone", "session_version"}),
}


# The listeners below watch the app's own sessions (db.session's factory), not every
# SQLAlchemy Session in the process (a script's or another library's).
APP_SESSIONS = db.session.session_factory


def content_version() -> int | None:
    """The current content version (None when the database has no version row)."""
    return db.session.scalar(select(SiteState.content_version).where(SiteState.id == 1))


@event.listens_for(APP_SESSIONS, "after_flush")
def _note_flushed_content(session: Session, _context) -> None:
    added_or_removed = chain(session.new, session.deleted)
    if any(getattr(obj, "__tablename__", None) in CONTENT for obj in added_or_removed) or any(
        _shows_publicly(obj) for obj in session.dirty
    ):
        session.info["content_changed"] = True


def _shows_publicly(obj: object) -> bool:
    """Whether a flushed update changed a column that some public page shows."""
    table = getattr(obj, "__tablename__", None)
    if table not in CONTENT:
        return False
    private = PRIVATE_COLUMNS.get(table, frozenset())
    state = inspect(obj)
    return any(attr.key not in private and attr.history.has_changes() for attr in state.attrs)


@event.listens_for(APP_SESSIONS, "do_orm_execute")
def _note_bulk_content(state) -> None:
    mapper = state.bind_mapper
    if not ((state.is_update or state.is_delete) and mapper):
        return
    table = mapper.local_table.name
    if table not in CONTENT:
        return
    private = PRIVATE_COLUMNS.get(table, frozenset())
    values = getattr(state.statement, "_values", None) or {}
    names = {getattr(key, "key", str(key)) for key in values}
    if state.is_delete or not names or names - private:
        state.session.info["content_changed"] = True


@event.listens_for(APP_SESSIONS, "before_commit")
def _bump_content_version(session: Session) -> None:
    session.flush()
    if session.info.pop("content_changed", False):
        session.execute(
            update(SiteState)
            .where(SiteState.id == 1)
            .values(content_version=SiteState.content_version + 1)
        )


@event.listens_for(APP_SESSIONS, "after_rollback")
def _forget_content_change(session: Session) -> None:
    session.info.pop("content_changed", None)
