"""Escalation and private tickets: the staff queue, ticket controls, notes, rating."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import accounts, media, permissions, threads, tickets
from ..errors import DomainError
from ..forms import EscalateForm, NoteForm, OpenTicketForm, RateForm, TicketForm, choices
from . import page_arg, show_error
from .media import sent_images

bp = Blueprint("tickets", __name__)


@bp.before_request
def _private_pages():
    g.private_page = True  # no-store, no-referrer on everything here


def _thread_url(thread) -> str:
    return url_for("threads.show", thread_id=thread.id)


@bp.route("/t/<int:thread_id>/escalate", methods=["GET", "POST"])
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


@bp.post("/t/<int:thread_id>/ticket")
@login_required
def update(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
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


@bp.post("/t/<int:thread_id>/notes")
@login_required
def add_note(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            tickets.add_note(current_user, thread, form.note.data, sent_images())
        except DomainError as error:
            show_error(error)
    return redirect(_thread_url(thread) + "#notes")


@bp.route("/t/<int:thread_id>/publish", methods=["GET", "POST"])
@login_required
def publish(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    permissions.require(permissions.can_make_public(current_user, thread))
    if request.method == "POST":
        tickets.make_public(current_user, thread)
        flash(_("The thread is public again."), "success")
        return redirect(_thread_url(thread))
    return render_template("tickets/publish.html", thread=thread)


@bp.post("/t/<int:thread_id>/rate")
@login_required
def rate(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = RateForm()
    if form.validate_on_submit():
        tickets.rate(current_user, thread, int(form.rating.data), form.comment.data or "")
        flash(_("Thank you for your feedback."), "success")
    return redirect(_thread_url(thread))


@bp.get("/tickets")
@login_required
def queue():
    args = request.args
    page = tickets.queue(
        current_user, page=page_arg(), status=args.get("status") or None,
        assignee_id=args.get("assignee", type=int), category_id=args.get("category", type=int),
        older_than_hours=args.get("older", type=int),
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
        member = accounts.find_by_name(form.username.data)
        if member is None:
            form.username.errors = [_("No member with that name.")]
        else:
            try:
                thread = tickets.open_for(
                    current_user, member, threads.get_category(form.category.data),
                    title=form.title.data, body=form.body.data,
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
        "rate_form": RateForm() if permissions.can_rate_ticket(current_user, thread) else None,
        "waiting": tickets.waiting_for_staff(thread.ticket),
    }
