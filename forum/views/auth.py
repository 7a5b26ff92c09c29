"""Register, log in, log out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, emails
from ..errors import DomainError
from ..forms import LoginForm, RegisterForm
from . import show_error
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
                form.username.data, form.password.data,
                email=form.email.data, locale=str(get_locale()),
            )  # fmt: skip
        except DomainError as error:
            show_error(error, form)
        else:
            login_user(user)
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
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors = [_("Wrong username or password.")]
        elif user.is_suspended:
            form.username.errors = [_("This account is suspended.")]
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


def _send_confirmation(user) -> None:
    try:
        emails.request_verification(user, user.email)
    except DomainError as error:
        flash(str(error.message), "error")
