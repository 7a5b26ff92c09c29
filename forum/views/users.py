"""Profiles, settings and notifications."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user

from .. import accounts, metrics, notifications, permissions, ratings, threads, trust
from ..errors import DomainError
from ..forms import PasswordForm, ProfileForm, choices
from . import page_arg, show_error

bp = Blueprint("users", __name__)
TIMEZONES = sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc"))
# Where most of the forum's members live, offered first by name (the browser's zone is
# preselected by static/js/forum.js when none is saved).
COMMON_ZONES = {
    "Asia/Shanghai": _l("China (Beijing, Shanghai)"),
    "Asia/Hong_Kong": _l("Hong Kong"),
    "Asia/Taipei": _l("Taipei"),
    "Asia/Singapore": _l("Singapore, Kuala Lumpur"),
    "Asia/Tokyo": _l("Japan (Tokyo)"),
    "Asia/Seoul": _l("Korea (Seoul)"),
    "Asia/Bangkok": _l("Bangkok, Jakarta, Hanoi"),
    "Asia/Kolkata": _l("India"),
    "Asia/Dubai": _l("Dubai"),
    "Europe/London": _l("London"),
    "Europe/Berlin": _l("Central Europe (Berlin, Paris)"),
    "Europe/Moscow": _l("Moscow"),
    "America/New_York": _l("US Eastern (New York)"),
    "America/Chicago": _l("US Central (Chicago)"),
    "America/Los_Angeles": _l("US Pacific (Los Angeles)"),
    "America/Sao_Paulo": _l("São Paulo"),
    "Australia/Sydney": _l("Sydney"),
}


@bp.get("/u/<username>")
def profile(username: str):
    user = accounts.find_by_name(username)
    if user is None:
        abort(404)
    tab = "answers" if request.args.get("tab") == "answers" else "questions"
    lister = threads.answers_by if tab == "answers" else threads.threads_by
    return render_template(
        "users/profile.html",
        user=user,
        tab=tab,
        page=lister(user, page_arg()),
        stats=metrics.person_stats(user),
        ratings=ratings.averages_for(current_user, user)
        if permissions.can_view_ratings_of(current_user, user)
        else None,
    )


@bp.post("/u/<username>/trust")
@login_required
def set_trust(username: str):
    user = accounts.find_by_name(username)
    if user is None:
        abort(404)
    raw = request.form.get("level", "auto")
    try:
        trust.set_level(current_user, user, None if raw == "auto" else int(raw))
    except (DomainError, ValueError):
        flash(_("Please pick one of the choices."), "error")
    else:
        flash(_("The trust level is saved."), "success")
    return redirect(url_for("users.profile", username=user.username))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    user = current_user._get_current_object()
    form = _profile_form(user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            accounts.update_profile(
                user, user, bio=form.bio.data or "",
                locale=form.locale.data, timezone=form.timezone.data,
            )  # fmt: skip
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("users.settings"))
    return render_template("users/settings.html", form=form, password_form=PasswordForm())


@bp.post("/settings/password")
@login_required
def change_password():
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current.data or "", form.password.data or "")
        except DomainError as error:
            show_error(error, form)
        else:
            login_user(user)  # this session carries the new version; all others end
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("users.settings"))
    return render_template("users/settings.html", form=_profile_form(user), password_form=form), 400


def _profile_form(user) -> ProfileForm:
    form = ProfileForm(obj=user)
    common = ((tz, f"{label} · {tz}") for tz, label in COMMON_ZONES.items())
    others = ((tz, tz) for tz in TIMEZONES if tz not in COMMON_ZONES)
    form.timezone.choices = choices([("", _("UTC (default)")), *common, *others])
    return form


@bp.get("/notifications")
@login_required
def inbox():
    page = notifications.grouped_page(current_user, page_arg())
    return render_template("users/notifications.html", page=page)


@bp.post("/notifications/read")
@login_required
def mark_read():
    notifications.mark_all_read(current_user)
    return redirect(url_for("users.inbox"))
