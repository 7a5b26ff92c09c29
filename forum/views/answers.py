"""Accepting answers, votes, and the volunteer queue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import answers, threads
from ..answers import QueueView
from ..errors import DomainError
from . import enum_arg, int_arg, page_arg, show_error
from .limits import per_account
from .threads import post_url
from .times import until

bp = Blueprint("answers", __name__)


@bp.post("/p/<id:post_id>/accept")
@login_required
@per_account("FORUM_ACCEPT_RATE_LIMIT")
def accept(post_id: int):
    post = threads.get_post(current_user, post_id)
    try:
        answers.accept(current_user, post)
    except DomainError as error:
        show_error(error)
    else:
        flash(_("Marked as the accepted answer."), "success")
    return redirect(post_url(post))


@bp.post("/t/<id:thread_id>/unaccept")
@login_required
@per_account("FORUM_ACCEPT_RATE_LIMIT")
def unaccept(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    answers.unaccept(current_user, thread)
    flash(_("The answer is no longer marked as accepted."), "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.post("/p/<id:post_id>/solved-it")
@login_required
def confirm(post_id: int):
    post = threads.get_post(current_user, post_id)
    answers.confirm_solution(current_user, post)
    flash(_("Thanks! A volunteer will mark it as the solution."), "success")
    return redirect(post_url(post))


@bp.post("/p/<id:post_id>/vote")
@login_required
def vote(post_id: int):
    post = threads.get_post(current_user, post_id)
    answers.vote(current_user, post, up=request.form.get("vote") != "withdraw")
    return redirect(post_url(post))


@bp.post("/t/<id:thread_id>/claim")
@login_required
def claim(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    try:
        if request.form.get("action") == "release":
            answers.release(current_user, thread)
            flash(_("You let it go: other volunteers may take it now."), "success")
        else:
            answers.claim(current_user, thread)
            flash(_("You are on it (%(until)s). Other volunteers see that you are answering.",
                    until=until(thread.claimed_until)), "success")  # fmt: skip
    except DomainError as error:
        show_error(error)
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.post("/t/<id:thread_id>/needs-staff")
@login_required
def needs_staff(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    answers.flag_for_staff(current_user, thread, on=request.form.get("action") != "clear")
    flash(_("Staff will take a look."), "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.get("/queue")
@login_required
def queue():
    view = enum_arg("view", QueueView, QueueView.HELP)
    category = int_arg("category")
    device_os = request.args.get("os") or None
    page = answers.queue(
        current_user, view, page=page_arg(), category_id=category, device_os=device_os
    )
    return render_template(
        "answers/queue.html",
        page=page,
        view=view,
        counts=answers.queue_counts(current_user),
        categories=threads.all_categories(),
        category=category,
        device_os=device_os,
    )
