"""Reports of bad posts (scams, spam, abuse) and the staff tools around them; the audit log.
Imports permissions, posting, events, models."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from . import permissions
from .errors import DomainError
from .events import audit
from .extensions import db
from .models import AuditEntry, Flag, FlagReason, Post, User, utcnow
from .posting import soft_delete


def audit_page(actor: User, *, page: int, action: str = "") -> Pagination:
    """The audit log, newest first, optionally one kind of action."""
    permissions.require(permissions.can_view_audit(actor))
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.paginate(stmt, page=page, per_page=50, error_out=False)


def flag(actor: User, post: Post, reason: str, note: str = "") -> Flag:
    """Report a post to staff; one open report per person and post."""
    permissions.require_visible(permissions.can_view_post(actor, post))
    permissions.require(permissions.can_flag(actor, post))
    if reason not in {r.value for r in FlagReason}:
        raise DomainError(_l("Please choose a reason."), field="reason")
    existing = db.session.scalar(
        select(Flag).where(
            Flag.post_id == post.id, Flag.reporter_id == actor.id, Flag.resolved_at.is_(None)
        )
    )
    if existing is not None:
        return existing
    report = Flag(post_id=post.id, reporter_id=actor.id, reason=reason, note=note.strip()[:500])
    db.session.add(report)
    db.session.commit()
    return report


def open_flags(actor: User, *, page: int) -> Pagination:
    """Unresolved reports for staff, oldest first, with the post and its thread."""
    permissions.require(permissions.can_moderate(actor))
    stmt = (
        select(Flag)
        .where(Flag.resolved_at.is_(None))
        .options(joinedload(Flag.post).joinedload(Post.thread), joinedload(Flag.reporter))
        .options(joinedload(Flag.post).joinedload(Post.author))
        .order_by(Flag.created_at, Flag.id)
    )
    return db.paginate(stmt, page=page, per_page=30, error_out=False)


def open_flag_count(actor: User) -> int:
    if not permissions.can_moderate(actor):
        return 0
    return db.session.scalar(select(func.count(Flag.id)).where(Flag.resolved_at.is_(None))) or 0


def resolve(actor: User, report: Flag, *, remove: bool) -> None:
    """Close every open report of the post: dismiss them, or soft-delete the post; audited."""
    permissions.require(permissions.can_moderate(actor))
    post = report.post
    if remove and not post.is_deleted:
        soft_delete(post, actor)
    outcome = "removed" if remove else "dismissed"
    now = utcnow()
    for item in db.session.scalars(
        select(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
    ):
        item.resolved_at, item.resolved_by_id, item.outcome = now, actor.id, outcome
    audit(actor, f"flag_{outcome}", post, thread=post.thread_id, reason=report.reason)
    db.session.commit()


def get_flag(flag_id: int) -> Flag:
    report = db.session.get(Flag, flag_id)
    permissions.require_visible(report is not None)
    return report
