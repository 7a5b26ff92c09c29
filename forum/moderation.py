"""Reports of bad posts (scams, spam, abuse) and the staff tools around them; the audit log.
Scam reports act: enough distinct trusted reporters, or one volunteer or staff member, hide
the post at once pending review. Imports permissions, posting, levels, events, models."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from . import levels, permissions
from .errors import DomainError
from .events import audit, notify
from .extensions import db
from .models import AuditEntry, Flag, FlagReason, Post, User
from .posting import hold, release, soft_delete


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
    db.session.flush()
    if reason == FlagReason.SCAM:
        levels.refresh(actor)
        if (
            permissions.can_hide_by_report(actor)
            or _trusted_scam_reporters(post) >= (current_app.config["FORUM_SCAM_REPORTS_TO_HIDE"])
        ):
            hold(post, ["reports"])
            audit(actor, "post_hidden_by_reports", post, thread=post.thread_id)
            notify(post.author_id, "post_hidden", actor=None, thread=post.thread, post=post)
    db.session.commit()
    return report


def _trusted_scam_reporters(post: Post) -> int:
    """Distinct reporters of level 1+ (or volunteers and staff) with an open scam report."""
    reporters = db.session.scalars(
        select(User)
        .join(Flag, Flag.reporter_id == User.id)
        .where(Flag.post_id == post.id, Flag.reason == FlagReason.SCAM, Flag.resolved_at.is_(None))
        .distinct()
    )
    return sum(1 for user in reporters if permissions.can_report_count(user))


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


def resolve(actor: User, report: Flag, *, remove: bool) -> int:
    """Close every open report of the post (returns how many): dismiss them (a post the
    reports hid is public again), or soft-delete the post; audited; trust follows."""
    permissions.require(permissions.can_moderate(actor))
    post = report.post
    if remove and not post.is_deleted:
        soft_delete(post, actor)
    if post.held_at is not None:
        if remove:
            post.held_at, post.review_outcome = None, "rejected"
        else:
            release(post, post.author)
            post.review_outcome = "approved"
    outcome = "removed" if remove else "dismissed"
    closed = levels.close_reports(actor, post, outcome)
    audit(actor, f"flag_{outcome}", post, thread=post.thread_id, reason=report.reason)
    db.session.commit()
    return closed


def get_flag(flag_id: int) -> Flag:
    return permissions.require_found(db.session.get(Flag, flag_id))
