"""Two-factor enrolment, recovery codes, re-authentication and an admin's reset."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import accounts, twofactor
from ..errors import DomainError
from ..forms import ReauthForm, TwoFactorForm
from . import sessions, show_error
from .limits import per_address
from .safe_next import safe_next

bp = Blueprint("twofactor", __name__)


@bp.before_request
def _private_pages():
    g.private_page = True  # secrets and codes: never cached, no referrer


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def enrol():
    user = current_user._get_current_object()
    if twofactor.is_enrolled(user):
        return render_template("twofactor/status.html", left=twofactor.remaining_codes(user))
    form = TwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm_enrolment(
                user, form.code.data or "", address=sessions.address()
            )
        except DomainError as error:
            show_error(error, form)
        else:
            sessions.mark_reauthenticated()
            return render_template("twofactor/codes.html", codes=codes)  # shown once, not stored
    enrolment = twofactor.start_enrolment(user)
    return render_template("twofactor/enrol.html", form=form, enrolment=enrolment)


@bp.post("/account/two-factor/codes")
@login_required
@sessions.recent_auth_required
def codes():
    try:
        codes = twofactor.regenerate_codes(current_user)
    except DomainError as error:
        show_error(error)
        return redirect(url_for("twofactor.enrol"))
    return render_template("twofactor/codes.html", codes=codes)


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
@per_address("FORUM_LOGIN_RATE_LIMIT")
def reauth():
    form = ReauthForm()
    if form.validate_on_submit():
        try:
            twofactor.reauthenticate(
                current_user, form.secret.data or "", address=sessions.address()
            )
        except DomainError as error:
            show_error(error, form)
        else:
            sessions.mark_reauthenticated()
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("twofactor/reauth.html", form=form)


@bp.post("/admin/users/<id:user_id>/two-factor/reset")
@login_required
@sessions.recent_auth_required
def reset(user_id: int):
    target = accounts.get_user(user_id)
    twofactor.reset(current_user, target)
    flash(_("Two-factor authentication is off for %(name)s; they set it up again at their next log-in.", name=target.username), "success")  # fmt: skip
    return redirect(url_for("users.profile", username=target.username))
