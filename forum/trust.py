"""Trust and review: the queue of held posts that volunteers and staff approve or reject (and
suspend the author), staff setting a member's trust level, and the record of threads a member
opened. Imports permissions, levels, posting, events, models.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from . import levels, permissions
from .errors import DomainError
from .events import audit, notify
from .extensions import db
from .models import Post, Thread, User
from .permissions import Actor
from .posting import release, soft_delete


def _held():
    return select(Post).where(Post.held_at.is_not(None), Post.is_deleted.is_(False))


def review_queue(actor: User, *, page: int) -> Pagination:
    """Held posts, oldest first, with their thread and author, for volunteers and staff."""
    permissions.require(permissions.can_review(actor))
    stmt = (
        _held()
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.is_deleted.is_(False))
        .options(joinedload(Post.thread), joinedload(Post.author))
        .order_by(Post.held_at, Post.id)
    )
    return db.paginate(stmt, page=page, per_page=30, error_out=False)


def held_count(actor: Actor) -> int:
    """How many posts wait for review (0 for those who do not review)."""
    if not permissions.can_review(actor):
        return 0
    return db.session.scalar(_held().with_only_columns(func.count(Post.id))) or 0


def get_held(actor: User, post_id: int) -> Post:
    """A held post for a reviewer, or 404."""
    post = permissions.require_found(
        db.session.get(Post, post_id, options=[joinedload(Post.thread)])
    )
    permissions.require_visible(permissions.can_view_post(actor, post))
    permissions.require(permissions.can_review(actor))
    if post.held_at is None or post.is_deleted:
        raise DomainError(_l("This post was already reviewed."))
    return post


def approve(actor: User, post: Post) -> None:
    """Publish a held post; reports that hid it are dismissed (costing the reporters trust);
    audited; the author is told."""
    permissions.require(permissions.can_review(actor) and post.held_at is not None)
    reasons = post.held_reason
    release(post, post.author)
    post.review_outcome = "approved"
    levels.close_reports(actor, post, "dismissed")
    audit(actor, "review_approve", post, thread=post.thread_id, reasons=reasons)
    notify(post.author_id, "review_approved", actor=actor, thread=post.thread, post=post)
    db.session.commit()


def reject(actor: User, post: Post, *, suspend: bool = False) -> None:
    """Remove a held post (and optionally suspend its author); audited; the author is told."""
    permissions.require(permissions.can_review(actor) and post.held_at is not None)
    author = post.author
    if suspend:
        permissions.require(permissions.can_suspend(actor, author))
    reasons = post.held_reason
    soft_delete(post, actor)
    post.held_at, post.review_outcome = None, "rejected"
    levels.close_reports(actor, post, "removed")
    audit(actor, "review_reject", post, thread=post.thread_id, reasons=reasons, suspend=suspend)
    if suspend:
        author.is_suspended = True
        author.session_version = (author.session_version or 0) + 1
        audit(actor, "suspend", author, reason="review")
    notify(author.id, "review_rejected", actor=actor, thread=post.thread, post=post)
    db.session.commit()


def set_level(actor: User, target: User, level: int | None) -> None:
    """Staff set a member's trust level (None: computed from history again); audited."""
    permissions.require(permissions.can_set_trust(actor, target))
    if level is not None and level not in levels.LEVELS:
        raise DomainError(_l("Please pick one of the choices."))
    old = target.trust_level
    target.trust_level_locked = level is not None
    if level is None:
        levels.refresh(target)
    else:
        target.trust_level = level
    audit(actor, "trust_level", target, old=old, new=target.trust_level, locked=level is not None)
    db.session.commit()


def trust_summary(actor: Actor, target: User) -> dict[str, int] | None:
    """The history behind a member's level, for staff (None for everyone else)."""
    if not permissions.can_set_trust(actor, target):
        return None
    return levels.history(target)


def note_visit(actor: Actor, thread: Thread, *, on_record: bool = False) -> None:
    """Count a thread a member opened toward their trust level (members still earning it);
    `on_record`: the page already read that this visit is counted (nothing to write)."""
    if on_record or not actor.is_authenticated or actor.is_volunteer:
        return
    if actor.trust_level >= levels.MEMBER:
        return
    if thread.is_private or thread.author_id == actor.id:
        return
    if levels.note_visit(actor, thread.id):  # a repeat visit writes nothing, commits nothing
        db.session.commit()
