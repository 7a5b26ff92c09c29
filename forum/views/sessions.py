"""Sessions: a fresh session at log-in, idle and absolute lifetimes, the two-factor gate,
known devices and recent re-authentication. The web side of forum/twofactor.py.

Flask's session is a signed cookie: "rotating" it means clearing it, which also drops the
CSRF token (Flask-WTF makes a new one), so nothing set before log-in survives it.
"""

from __future__ import annotations

import time
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    after_this_request,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer

from .. import twofactor
from ..models import User

DEVICE_COOKIE = "known_device"
REMEMBERED_AT = "remembered_at"
PENDING_SECONDS = 300  # between the password and the second step
# Pages a staff member without two-factor may still open: enrolment, log-out, static files.
ENROL_ENDPOINTS = {"static", "auth.logout", "twofactor.enrol", "twofactor.codes"}


def install(app: Flask) -> None:
    app.before_request(enforce)
    user_loaded_from_cookie.connect(_restored_from_cookie, app)


def address() -> str:
    return request.remote_addr or "unknown"


def start(user: User, *, remember: bool) -> None:
    """Log a user in on a brand-new session (no session fixation, a new CSRF token)."""
    session.clear()
    login_user(user, remember=remember)
    now = time.time()
    session.update(login_at=now, seen_at=now, reauth_at=now, remember=remember)
    key = user.username_key

    @after_this_request
    def _cookies(response: Any) -> Any:
        known = [k for k in _known_devices() if k != key][:9]
        secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
        value = _serializer().dumps([key, *known])
        response.set_cookie(DEVICE_COOKIE, value, max_age=180 * 86400, httponly=True,
                            secure=secure, samesite="Lax")  # fmt: skip
        if remember:
            stamp = TimestampSigner(_secret_key(), salt=REMEMBERED_AT).sign(key)
            response.set_cookie(REMEMBERED_AT, stamp.decode(), max_age=_remember_seconds(),
                                httponly=True, secure=secure, samesite="Lax")  # fmt: skip
        return response


def clear() -> None:
    session.clear()


def begin_second_step(user: User, *, remember: bool, next_url: str | None) -> None:
    """Remember, for a few minutes, who passed the password step."""
    session.clear()
    session["pending_2fa"] = {
        "id": user.id, "version": user.session_version, "remember": remember,
        "next": next_url, "at": time.time(),
    }  # fmt: skip


def pending_second_step() -> dict | None:
    pending = session.get("pending_2fa")
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending


def known_device(username_key: str) -> bool:
    """Whether this browser has logged in to this account before (a signed cookie)."""
    return username_key in _known_devices()


def recently_authenticated() -> bool:
    limit = current_app.config["FORUM_REAUTH_MINUTES"] * 60
    return time.time() - session.get("reauth_at", 0) <= limit


def mark_reauthenticated() -> None:
    session["reauth_at"] = time.time()


def recent_auth_required(view):
    """Role changes and publishing a ticket need the password or a code within minutes."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and not recently_authenticated():
            flash(_("Please confirm it is you before this change."), "info")
            return redirect(url_for("twofactor.reauth", next=_back()))
        return view(*args, **kwargs)

    return wrapped


def _back() -> str:
    """Where to return after re-authenticating: this page, or for a POST the page it came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    parts = urlsplit(request.referrer or "")
    same_site = parts.netloc in ("", request.host)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if same_site and path.startswith("/") else url_for("main.index")


def enforce() -> Any:
    """End expired sessions; send staff without two-factor to enrol before anything else."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    remember = session.get("remember", False)
    idle = (
        _remember_seconds() if remember else current_app.config["FORUM_SESSION_IDLE_MINUTES"] * 60
    )
    most = _remember_seconds() if remember else current_app.config["FORUM_SESSION_MAX_HOURS"] * 3600
    login_at, seen_at = session.get("login_at", 0), session.get("seen_at", 0)
    if now - seen_at > idle or now - login_at > most:
        session.clear()
        logout_user()
        return None
    if now - seen_at > 60:  # write the cookie at most once a minute
        session["seen_at"] = now
    if twofactor.enrolment_required(current_user) and request.endpoint not in ENROL_ENDPOINTS:
        return redirect(url_for("twofactor.enrol"))
    return None


def _restored_from_cookie(_app: Flask, user: User) -> None:
    """A "keep me logged in" cookie brought the user back: its log-in time is the original
    one, signed in a second cookie, so the 30-day limit holds on the server too."""
    signer = TimestampSigner(_secret_key(), salt=REMEMBERED_AT)
    try:
        value, at = signer.unsign(
            request.cookies.get(REMEMBERED_AT, ""),
            max_age=_remember_seconds(),
            return_timestamp=True,
        )
    except (BadSignature, SignatureExpired):
        value, at = None, None
    if value is None or at is None or value.decode() != user.username_key:
        logout_user()
        return
    now = time.time()
    session.update(login_at=at.timestamp(), seen_at=now, remember=True)


def _remember_seconds() -> int:
    return int(current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds())


def _secret_key() -> str | bytes:
    """The app's signing key (Flask types it Optional; config.finish always sets one)."""
    key = current_app.secret_key
    if key is None:
        raise RuntimeError("SECRET_KEY is not set")
    return key


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(_secret_key(), salt=DEVICE_COOKIE)


def _known_devices() -> list[str]:
    try:
        keys = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []
