"""Reporting posts, and the staff queue of reports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import moderation, permissions, threads
from ..forms import FlagForm
from . import page_arg
from .threads import post_url

bp = Blueprint("moderation", __name__)


@bp.route("/p/<id:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id: int):
    post = threads.get_post(current_user, post_id)
    permissions.require(permissions.can_flag(current_user, post))
    form = FlagForm()
    if form.validate_on_submit():
        moderation.flag(current_user, post, form.reason.data, form.note.data or "")
        flash(_("Thank you. Staff will look at this post."), "success")
        return redirect(post_url(post))
    return render_template("moderation/report.html", form=form, post=post)


@bp.get("/staff/reports")
@login_required
def reports():
    page = moderation.open_flags(current_user, page=page_arg())
    return render_template("moderation/reports.html", page=page)


@bp.post("/staff/reports/<id:flag_id>")
@login_required
def resolve(flag_id: int):
    report = moderation.get_flag(flag_id)
    action = request.form.get("action")
    if action not in ("remove", "dismiss"):  # a forged or stale form: say so, do nothing
        flash(_("Unknown moderation action."), "error")
        return redirect(url_for("moderation.reports"))
    closed = moderation.resolve(current_user, report, remove=action == "remove")
    message = (ngettext("The post is deleted; %(num)d report is closed.",
                        "The post is deleted; %(num)d reports are closed.", closed)
               if action == "remove" else
               ngettext("%(num)d report is dismissed; the post stays.",
                        "%(num)d reports are dismissed; the post stays.", closed))  # fmt: skip
    flash(message, "success")
    return redirect(url_for("moderation.reports"))
