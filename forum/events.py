"""Side rows a domain change writes in its own transaction: audit entries, notifications
and search-outbox rows (design rule 6).

Imports models and extensions only; callers commit.
"""

from __future__ import annotations

import json
from typing import Any

from flask import g

from .extensions import db
from .models import AuditEntry, Notification, Post, SearchOutbox, Thread, User


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
