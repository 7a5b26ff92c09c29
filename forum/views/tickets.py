"""Escalation and private tickets: the staff queue, ticket controls, notes, rating."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import accounts, media, permissions, threads, tickets
from ..errors import DomainError
from ..forms import EscalateForm, NoteForm, OpenTicketForm, TicketForm, choices
from . import flash_refusal, int_arg, page_arg, show_error
from .media import sent_images

bp = Blueprint("tickets", __name__)


@bp.before_request
def _private_pages():
    g.private_page = True  # no-store, no-referrer on everything here


def _thread_url(thread) -> str:
    return url_for("threads.show", thread_id=thread.id)


@bp.route("/t/<id:thread_id>/escalate", methods=["GET", "POST"])
@login_required
def escalate(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    permissions.require(permissions.can_escalate(current_user, thread))
    form = EscalateForm()
    if form.validate_on_submit():
        try:
            tickets.escalate(current_user, thread, form.reason.data)
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("This thread is now a private ticket. Only the asker and staff can see it."),
                  "success")  # fmt: skip
            return redirect(_thread_url(thread))
    return render_template("tickets/escalate.html", form=form, thread=thread)


@bp.post("/t/<id:thread_id>/ticket")
@login_required
def update(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    permissions.require(permissions.can_manage_ticket(current_user, thread))
    form = ticket_form(thread)
    if form.validate_on_submit():
        assignee = accounts.get_user(int(form.assignee.data)) if form.assignee.data else None
        try:
            tickets.update(current_user, thread, status=form.status.data,
                           priority=form.priority.data, assignee=assignee)  # fmt: skip
        except DomainError as error:
            show_error(error)
        else:
            flash(_("The ticket is updated."), "success")
    return redirect(_thread_url(thread))


@bp.post("/t/<id:thread_id>/notes")
@login_required
def add_note(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            tickets.add_note(current_user, thread, form.note.data or "", sent_images())
        except DomainError as error:
            show_error(error)
    flash_refusal(form)
    return redirect(_thread_url(thread) + "#notes")


@bp.get("/tickets")
@login_required
def queue():
    args = request.args
    page = tickets.queue(
        current_user, page=page_arg(), status=args.get("status") or None,
        assignee_id=int_arg("assignee"), category_id=int_arg("category"),
        older_than_hours=int_arg("older", high=24 * 3650),
    )  # fmt: skip
    return render_template(
        "tickets/queue.html", page=page, staff=tickets.staff_members(),
        categories=threads.all_categories(), args=args,
    )  # fmt: skip


@bp.get("/tickets/mine")
@login_required
def mine():
    return render_template("tickets/mine.html", page=tickets.mine(current_user, page_arg()))


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def open_for():
    permissions.require(permissions.can_moderate(current_user))
    form = OpenTicketForm()
    form.category.choices = choices((c.slug, c.name_en) for c in threads.all_categories())
    if form.validate_on_submit():
        member = accounts.find_by_name(form.username.data or "")
        if member is None:
            form.username.errors = [_("No member with that name.")]
        else:
            try:
                thread = tickets.open_for(
                    current_user, member, threads.get_category(form.category.data),
                    title=form.title.data or "", body=form.body.data or "",
                    submission_key=form.submission_key.data,
                )  # fmt: skip
            except DomainError as error:
                show_error(error, form)
            else:
                return redirect(_thread_url(thread))
    return render_template("tickets/new.html", form=form)


def ticket_form(thread) -> TicketForm:
    """The staff controls of one ticket, filled with its current values."""
    ticket = thread.ticket
    form = TicketForm(
        status=ticket.status, priority=ticket.priority, assignee=str(ticket.assignee_id or "")
    )
    people = [("", _("Nobody"))] + [(str(u.id), u.username) for u in tickets.staff_members()]
    form.assignee.choices = choices(people)
    return form


def panel_context(thread) -> dict:
    """What the ticket panel on a thread page needs (empty for public threads)."""
    if not thread.is_private or thread.ticket is None:
        return {}
    staff = permissions.can_manage_ticket(current_user, thread)  # the view checked visibility
    notes = tickets.notes(current_user, thread)
    return {
        "ticket": thread.ticket,
        "ticket_form": ticket_form(thread) if staff else None,
        "notes": notes,
        "note_images": media.for_notes(current_user, notes),
        "note_form": NoteForm() if staff else None,
        "waiting": tickets.waiting_for_staff(thread.ticket),
    }
