"""Staff tools that are not about one thread: reading the audit log."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import permissions
from .extensions import db
from .models import AuditEntry, User


def audit_page(actor: User, *, page: int, action: str = "") -> Pagination:
    """The audit log, newest first, optionally one kind of action."""
    permissions.require(permissions.can_view_audit(actor))
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.paginate(stmt, page=page, per_page=50, error_out=False)
