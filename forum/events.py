"""Side rows a domain change writes in its own transaction: audit entries, notifications,
search-outbox rows (design rule 6) and the content version that cached pages are keyed by.

Imports models and extensions only; callers commit.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from flask import g
from sqlalchemy import event, select, update
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


def content_version() -> int | None:
    """The current content version (None when the database has no version row)."""
    return db.session.scalar(select(SiteState.content_version).where(SiteState.id == 1))


@event.listens_for(Session, "after_flush")
def _note_flushed_content(session: Session, _context) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(getattr(obj, "__tablename__", None) in CONTENT for obj in changed):
        session.info["content_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_content(state) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper and mapper.local_table.name in CONTENT:
        state.session.info["content_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_content_version(session: Session) -> None:
    session.flush()
    if session.info.pop("content_changed", False):
        session.execute(
            update(SiteState)
            .where(SiteState.id == 1)
            .values(content_version=SiteState.content_version + 1)
        )


@event.listens_for(Session, "after_rollback")
def _forget_content_change(session: Session) -> None:
    session.info.pop("content_changed", None)
