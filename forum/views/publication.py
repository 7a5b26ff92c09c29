"""Returning a ticket to public: staff propose or publish only their answer; the asker
reviews exactly what would be public, withdraws replies, and agrees or declines."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions, publications, threads
from ..errors import DomainError
from ..forms import PublishAnswerForm, choices
from . import show_error
from .sessions import recent_auth_required

bp = Blueprint("publication", __name__)


@bp.before_request
def _private_pages():
    g.private_page = True


def _thread_url(thread) -> str:
    return url_for("threads.show", thread_id=thread.id)


@bp.route("/t/<id:thread_id>/publish", methods=["GET", "POST"])
@login_required
@recent_auth_required
def publish(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    permissions.require(permissions.can_make_public(current_user, thread))
    form = answer_form(thread)
    if request.method == "POST":
        try:
            publications.propose(current_user, thread)
        except DomainError as error:
            show_error(error)
        else:
            flash(_("The asker is asked. Nothing becomes public unless they agree."), "success")
        return redirect(_thread_url(thread))
    return render_template("tickets/publish.html", thread=thread, form=form)


@bp.post("/t/<id:thread_id>/publish/cancel")
@login_required
def cancel(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    publications.cancel_proposal(current_user, thread)
    return redirect(_thread_url(thread))


@bp.post("/t/<id:thread_id>/publish/answer")
@login_required
@recent_auth_required
def publish_answer(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = answer_form(thread)
    if form.validate_on_submit():
        post = threads.get_post(current_user, int(form.post.data))
        try:
            public = publications.publish_answer(current_user, thread, post,
                                                 title=form.title.data or "", question=form.question.data or "")  # fmt: skip
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("Your answer is public in a new thread; the ticket stays private."), "success")
            return redirect(_thread_url(public))
    return render_template("tickets/publish.html", thread=thread, form=form), 400


@bp.route("/t/<id:thread_id>/consent", methods=["GET", "POST"])
@login_required
def consent(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    posts = publications.preview(current_user, thread)
    if request.method == "POST" and request.form.get("decision") == "decline":
        publications.decline(current_user, thread)
        flash(_("Your ticket stays private."), "success")
        return redirect(_thread_url(thread))
    if request.method == "POST":
        withdraw = [int(v) for v in request.form.getlist("withdraw") if v.isdigit() and len(v) < 10]
        try:
            publications.consent(current_user, thread, withdraw)
        except DomainError as error:
            show_error(error)
        else:
            flash(_("Thank you. The thread is public now."), "success")
            return redirect(_thread_url(thread))
    return render_template("tickets/consent.html", thread=thread, posts=posts)


def answer_form(thread) -> PublishAnswerForm:
    """The "publish only the staff answer" form, offering this ticket's staff answers."""
    form = PublishAnswerForm()
    staff_posts = publications.staff_answers(thread)
    form.post.choices = choices((str(p.id), f"#{p.id} {p.author.username}") for p in staff_posts)
    return form
