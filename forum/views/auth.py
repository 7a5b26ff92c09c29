"""Register, log in (password, then the second step if two-factor is on), log out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from .. import accounts, emails, twofactor
from ..errors import DomainError
from ..forms import LoginForm, RegisterForm, TwoFactorForm
from . import sessions, show_error
from .limits import per_address
from .safe_next import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
@per_address("FORUM_LOGIN_RATE_LIMIT")
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                form.username.data or "", form.password.data or "",
                email=form.email.data, locale=str(get_locale()),
            )  # fmt: skip
        except DomainError as error:
            show_error(error, form)
        else:
            sessions.start(user, remember=False)
            if user.email:  # nothing is sent to it until its confirmation link is followed
                _send_confirmation(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.username), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@per_address("FORUM_LOGIN_RATE_LIMIT")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data or ""
        try:
            user = accounts.authenticate(
                name, form.password.data or "", address=sessions.address(),
                known_device=sessions.known_device(accounts.username_key(name)),
            )  # fmt: skip
        except DomainError as error:
            show_error(error, form)
        else:
            if user is None:
                form.password.errors = [_("Wrong username or password.")]
            elif user.is_suspended:
                form.username.errors = [_("This account is suspended.")]
            else:
                return _logged_in(user, remember=bool(form.remember.data))
    return render_template("auth/login.html", form=form)


def _logged_in(user, *, remember: bool):
    """The password was right: finish, or ask for the second step first."""
    next_url = safe_next(request.args.get("next"))
    if twofactor.is_enrolled(user):
        sessions.begin_second_step(user, remember=remember, next_url=next_url)
        return redirect(url_for("auth.second_step"))
    sessions.start(user, remember=remember)
    return redirect(next_url or url_for("main.index"))


@bp.route("/login/code", methods=["GET", "POST"])
@per_address("FORUM_LOGIN_RATE_LIMIT")
def second_step():
    pending = sessions.pending_second_step() or {}
    user = accounts.find_by_id(pending["id"]) if pending else None
    if user is None or user.session_version != pending["version"] or user.is_suspended:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        try:
            ok = twofactor.verify(user, form.code.data or "", address=sessions.address())
        except DomainError as error:
            show_error(error, form)
            ok = False
        if ok:
            sessions.start(user, remember=pending["remember"])
            return redirect(pending["next"] or url_for("main.index"))
        form.code.errors = form.code.errors or [_("That code is not right.")]
    return render_template("auth/second_step.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(current_user._get_current_object())
    sessions.clear()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


def _send_confirmation(user) -> None:
    try:
        emails.request_verification(user, user.email)
    except DomainError as error:
        flash(str(error.message), "error")
