"""E-mail: forgotten password, address confirmation, notification settings, one-click
unsubscribe and watching threads. The thin HTTP face of forum/emails.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import accounts, emails, threads
from ..errors import DomainError
from ..extensions import csrf
from ..forms import EmailAddressForm, EmailSettingsForm, ForgotPasswordForm, ResetPasswordForm
from . import show_error
from .limits import per_address

bp = Blueprint("emails", __name__)


@bp.route("/password/forgot", methods=["GET", "POST"])
@per_address("FORUM_LOGIN_RATE_LIMIT")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            emails.request_reset(form.identifier.data or "", request.remote_addr or "")
        except emails.TooManyRequests as error:
            return render_template("emails/forgot.html", form=form, error=error.message), 429
        # The same words whether or not the account exists (no enumeration).
        flash(_("If that account has a confirmed e-mail address, a reset link is on its way. "
                "It works once, for about an hour."), "success")  # fmt: skip
        return redirect(url_for("auth.login"))
    return render_template("emails/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@per_address("FORUM_LOGIN_RATE_LIMIT")
def reset_password(token: str):
    try:
        user = emails.user_for_reset(token)
    except DomainError as error:
        return render_template("emails/link_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:  # the link was checked just above; accounts owns the password rules
            accounts.operator_set_password(user, form.password.data or "", by="email")
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("Your password is changed and every session has ended. Please log in."),
                  "success")  # fmt: skip
            return redirect(url_for("auth.login"))
    return render_template("emails/reset.html", form=form)


@bp.get("/email/verify/<token>")
def verify(token: str):
    try:
        emails.confirm_address(token)
    except DomainError as error:
        return render_template("emails/link_invalid.html", message=error.message), 400
    flash(_("Your e-mail address is confirmed."), "success")
    return redirect(url_for("main.index"))


@bp.get("/email/unsubscribe/<token>")
def unsubscribe_page(token: str):
    return render_template("emails/unsubscribe.html", token=token)


@bp.post("/email/unsubscribe/<token>")
@csrf.exempt  # RFC 8058 one-click: mail clients POST without a session; the signed token is the key
def unsubscribe(token: str):
    emails.unsubscribe(token)
    if request.form.get("List-Unsubscribe") == "One-Click":
        return "", 204
    return render_template("emails/unsubscribed.html")


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def settings():
    user = current_user._get_current_object()
    form = EmailSettingsForm(data=emails.preferences(user) if request.method == "GET" else None)
    if form.validate_on_submit():
        modes = {name: getattr(form, name).data for name in emails.preferences(user)}
        try:
            emails.set_preferences(user, modes)
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("Your e-mail settings are saved."), "success")
            return redirect(url_for("emails.settings"))
    return render_template("emails/settings.html", form=form, address_form=EmailAddressForm())


@bp.post("/settings/email/address")
@login_required
def change_address():
    user = current_user._get_current_object()
    form = EmailAddressForm()
    if form.validate_on_submit():
        try:
            emails.request_verification(user, form.email.data or "", password=form.password.data)
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("We sent a confirmation link to %(address)s.", address=form.email.data),
                  "success")  # fmt: skip
            return redirect(url_for("emails.settings"))
    prefs = EmailSettingsForm(data=emails.preferences(user))
    return render_template("emails/settings.html", form=prefs, address_form=form), 400


@bp.post("/t/<id:thread_id>/watch")
@login_required
def watch(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    watching = request.form.get("watch") == "1"
    emails.set_watching(current_user._get_current_object(), thread, watching)
    flash(_("You are watching this thread.") if watching else _("You stopped watching."),
          "success")  # fmt: skip
    return redirect(url_for("threads.show", thread_id=thread.id))
