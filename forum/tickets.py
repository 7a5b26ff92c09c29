"""Private tickets: escalate a thread, ask privately, the staff workflow (status, assignee,
priority, internal notes), the asker's rating (returning to public: forum/publications.py). Imports permissions,
posting, events, search_outbox, models.

Privacy fails closed: the database says "private" in one commit before anything else runs;
the public index is purged right after, and if that fails the outbox retries it while every
search hit is re-checked against the database anyway (design rules 6 and 7).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import false, select, true
from sqlalchemy.orm import joinedload

from . import markup, permissions
from .errors import DomainError
from .events import audit, index_later, notify
from .extensions import db
from .models import (
    Category,
    EscalationReason,
    Post,
    Thread,
    Ticket,
    TicketNote,
    TicketPriority,
    TicketStatus,
    User,
    utcnow,
)
from .posting import Question, Sent, Text, attach_images, check_body, guard, once, start_thread
from .search import outbox as search_outbox


def _reason(value: str) -> EscalationReason:
    try:
        return EscalationReason(value)
    except ValueError:
        raise DomainError(_l("Please choose a reason."), field="reason") from None


def escalate(actor: User, thread: Thread, reason: str) -> Ticket:
    """Turn a public thread into a private ticket between its asker and staff; audited."""
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    permissions.require(permissions.can_escalate(actor, thread))
    ticket = _make_private(actor, thread, _reason(reason))
    audit(actor, "escalate", thread, reason=ticket.reason)
    notify(thread.author_id, "escalated", actor=actor, thread=thread)
    db.session.commit()
    _purge_public_index(thread)
    return ticket


def _make_private(actor: User, thread: Thread, reason: EscalationReason) -> Ticket:
    thread.is_private = True
    thread.claimed_by_id = thread.claimed_until = None
    thread.needs_staff_at = None
    ticket = thread.ticket
    if ticket is None:
        ticket = Ticket(thread=thread, opened_by_id=actor.id)
        db.session.add(ticket)
    ticket.reason = reason
    ticket.status = TicketStatus.OPEN
    ticket.opened_at = utcnow()
    ticket.resolved_at = None
    index_later("thread", thread.id)
    return ticket


def _purge_public_index(thread: Thread) -> None:
    """Remove the thread from this host's public index now; on failure the outbox retries."""
    try:
        search_outbox.purge_thread(thread.id)
    except Exception:  # privacy already holds in the database; the outbox retries
        current_app.logger.exception("public index purge failed for a ticket; outbox will retry")


def ask_privately(
    actor: User,
    category: Category,
    *,
    personal_ok: bool = True,
    key_choice: str = "",
    images: Sent | None = None,
    **question: Any,
) -> Thread:
    """Start a question that only the asker and staff can see ("this involves my account")."""
    permissions.require(permissions.can_open_private_question(actor))

    def make() -> Thread:
        thread = start_thread(
            actor,
            category,
            Question(**question),
            private=True,
            key_choice=key_choice,
            images=images,
        )
        db.session.add(
            Ticket(thread=thread, opened_by_id=actor.id, reason=EscalationReason.ACCOUNT_DATA)
        )
        audit(actor, "ticket_open", thread, by="asker")
        return thread

    return once(question.get("submission_key"), actor, make, lambda post: post.thread)


def follow_up_privately(actor: User, thread: Thread, body: str, images: Sent | None = None) -> Post:
    """Send what would have been a public reply to staff as a new private ticket instead."""
    permissions.require(permissions.can_reply(actor, thread))
    title = _l("Private follow-up: %(title)s", title=thread.title)
    about = _l("About the public thread: %(path)s", path=f"/t/{thread.id}")
    body = f"{check_body(body)}\n\n({about})"
    ticket_thread = ask_privately(
        actor, thread.category, title=str(title)[:200], body=body, images=images
    )
    return db.session.scalars(
        select(Post).where(Post.thread_id == ticket_thread.id, Post.is_question == true())
    ).one()


def open_for(
    actor: User,
    member: User,
    category: Category,
    *,
    title: str,
    body: str,
    submission_key: str | None = None,
) -> Thread:
    """Staff open a ticket directly for a member (for example after an email); a repeated
    submit of the same form opens one ticket."""
    permissions.require(permissions.can_moderate(actor))
    question = Question(title=title, body=body, submission_key=submission_key)

    def make() -> Thread:
        thread = start_thread(actor, category, question, private=True)
        thread.author_id = member.id
        db.session.add(Ticket(thread=thread, opened_by_id=actor.id, reason=EscalationReason.OTHER))
        audit(actor, "ticket_open", thread, by="staff", member=member.id)
        notify(member.id, "ticket_opened", actor=actor, thread=thread)
        return thread

    return once(submission_key, actor, make, lambda post: post.thread)


def update(
    actor: User,
    thread: Thread,
    *,
    status: str | None = None,
    priority: str | None = None,
    assignee: User | Literal[""] | None = "",
) -> None:
    """Change a ticket's status, priority or assignee (pass assignee=None to unassign)."""
    permissions.require(permissions.can_manage_ticket(actor, thread))
    ticket = permissions.require_found(thread.ticket)
    changes: dict[str, Any] = {}
    if status and status != ticket.status:
        ticket.status = TicketStatus(status)
        # Resolved or closed ends the asker's wait (figures); an earlier resolution stands.
        done = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        ticket.resolved_at = (ticket.resolved_at or utcnow()) if done else None
        changes["status"] = status
        notify(thread.author_id, "ticket_status", actor=actor, thread=thread)
    if priority and priority != ticket.priority:
        ticket.priority = TicketPriority(priority)
        changes["priority"] = priority
    if assignee != "" and getattr(assignee, "id", None) != ticket.assignee_id:
        if assignee is not None and not assignee.is_staff:
            raise DomainError(_l("Only staff can be assigned."), field="assignee")
        ticket.assignee_id = getattr(assignee, "id", None)
        changes["assignee"] = ticket.assignee_id
        notify(ticket.assignee_id, "ticket_assigned", actor=actor, thread=thread)
    if changes:
        audit(actor, "ticket_update", thread, **changes)
        db.session.commit()


def add_note(actor: User, thread: Thread, body: str, images: Sent | None = None) -> TicketNote:
    """Write a staff-only internal note with images (secrets are refused here too)."""
    permissions.require(permissions.can_manage_ticket(actor, thread))
    body = check_body(body, field="note")
    guard([Text("note", body)], public=False)
    note = TicketNote(
        thread_id=thread.id, author_id=actor.id, body_source=body, body_html=markup.render(body)
    )
    db.session.add(note)
    db.session.flush()
    attach_images(actor, images, public=False, note_id=note.id)
    db.session.commit()
    return note


def notes(actor: User, thread: Thread) -> list[TicketNote]:
    """The internal notes of a ticket, oldest first; nobody but staff gets any."""
    if not permissions.can_view_notes(actor, thread):
        return []
    stmt = (
        select(TicketNote)
        .where(TicketNote.thread_id == thread.id)
        .options(joinedload(TicketNote.author))
        .order_by(TicketNote.id)
    )
    return list(db.session.scalars(stmt))


def queue(
    actor: User,
    *,
    page: int,
    status: str | None = None,
    assignee_id: int | None = None,
    category_id: int | None = None,
    older_than_hours: int | None = None,
) -> Pagination:
    """Tickets for staff: unanswered and oldest first, with filters."""
    permissions.require(permissions.can_moderate(actor))
    stmt = (
        select(Thread)
        .join(Ticket, Ticket.thread_id == Thread.id)
        .where(Thread.is_private == true(), Thread.is_deleted == false())
        .options(joinedload(Thread.ticket).joinedload(Ticket.assignee))
        .options(joinedload(Thread.author), joinedload(Thread.category))
        .order_by(Ticket.first_staff_reply_at.is_not(None), Ticket.opened_at, Thread.id)
    )
    if status:
        stmt = stmt.where(Ticket.status == status)
    else:
        stmt = stmt.where(Ticket.status.in_([TicketStatus.OPEN, TicketStatus.WAITING]))
    if assignee_id == 0:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    elif assignee_id:
        stmt = stmt.where(Ticket.assignee_id == assignee_id)
    if category_id:
        stmt = stmt.where(Thread.category_id == category_id)
    if older_than_hours:
        stmt = stmt.where(Ticket.opened_at <= utcnow() - timedelta(hours=older_than_hours))
    return db.paginate(stmt, page=page, per_page=30, error_out=False)


def waiting_for_staff(ticket: Ticket) -> timedelta | None:
    """How long the asker has waited for a first staff reply (None once staff replied)."""
    if ticket.first_staff_reply_at is not None:
        return None
    return utcnow() - ticket.opened_at


def mine(actor: User, page: int) -> Pagination:
    """The asker's own private tickets, newest activity first."""
    stmt = (
        select(Thread)
        .where(Thread.author_id == actor.id, Thread.is_private == true())
        .where(Thread.is_deleted == false())
        .options(joinedload(Thread.ticket))
        .order_by(Thread.last_activity_at.desc())
    )
    return db.paginate(stmt, page=page, per_page=30, error_out=False)


def staff_members() -> list[User]:
    """People a ticket can be assigned to."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(["staff", "admin"])).order_by(User.username)
        )
    )
