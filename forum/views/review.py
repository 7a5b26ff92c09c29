"""The review queue of held posts (volunteers and staff), and the outbound-link interstitial."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import screening, trust
from ..errors import DomainError
from . import page_arg, show_error

bp = Blueprint("review", __name__)


@bp.get("/review")
@login_required
def queue():
    page = trust.review_queue(current_user, page=page_arg())
    return render_template("review/queue.html", page=page)


@bp.post("/review/<id:post_id>")
@login_required
def decide(post_id: int):
    action = request.form.get("action")
    try:
        post = trust.get_held(current_user, post_id)
        if action == "approve":
            trust.approve(current_user, post)
            flash(_("The post is public now; its author was told."), "success")
        elif action in ("reject", "suspend"):
            trust.reject(current_user, post, suspend=action == "suspend")
            flash(_("The post is removed; its author was told."), "success")
    except DomainError as error:
        show_error(error)
    return redirect(url_for("review.queue"))


@bp.get("/out")
def out():
    link = screening.outbound(request.args.get("u", ""))
    if link is None:
        abort(404)
    return render_template("review/out.html", link=link)
