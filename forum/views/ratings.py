"""The asker's rating of the help a thread got, and what an asker sees about the wait."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import metrics, ratings, threads
from ..errors import DomainError
from ..forms import RatingForm
from ..models import utcnow
from . import show_error

bp = Blueprint("ratings", __name__)


@bp.route("/t/<id:thread_id>/rating", methods=["GET", "POST"])
@login_required
def rate(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = RatingForm()
    if form.validate_on_submit():
        scores = {name: int(form[name].data) for name in ratings.DIMENSIONS}
        try:
            ratings.rate(current_user, thread, scores, solved=form.solved.data == "yes",
                         comment=form.comment.data or "")  # fmt: skip
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("Thank you: your rating helps the people who help here."), "success")
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template(
        "ratings/rate.html", form=form, thread=thread
    ), 422 if form.errors else 200


@bp.post("/t/<id:thread_id>/rating/dismiss")
@login_required
def dismiss(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    ratings.dismiss(current_user, thread)
    flash(_("All right, we will not ask again for this question."), "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


def asker_context(thread) -> dict:
    """The rating invitation and, on the asker's unanswered question, the expected wait."""
    context: dict = {
        "rating_form_": RatingForm() if ratings.invited(current_user, thread) else None
    }
    is_asker = current_user.is_authenticated and thread.author_id == current_user.id
    if is_asker and not thread.is_private and thread.first_response_at is None:
        typical = metrics.expected_wait(thread.category_id).typical
        if typical is not None:
            context["wait"] = (utcnow() - thread.created_at, typical)
    return context
