"""Typed text is not lost (issue 15): a form sent after the session ended comes back to its
page after log-in, a rate-limited form is shown again with its text and the wait, and the page
after a successful post tells the browser's draft keeper (static/js/forum.js) to drop it."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .. import guard
from ..extensions import limiter
from .safe_next import safe_next


def too_many(error: HTTPException) -> Any:
    """A rate limit: say how long to wait and show a sent form again with its text (each value
    with any wallet secret cut out, as the guard would), ready to send once the wait is over."""
    limit = limiter.current_limit
    wait = max(1, int(limit.reset_at - time.time())) if limit is not None else 60
    kept = []
    if request.method == "POST":
        for name, value in request.form.items(multi=True):
            if name != "csrf_token":
                refused = guard.refusal(value)
                kept.append((name, refused[1] if refused else value))
    context = {"error": error, "wait": wait, "kept": kept, "action": request.path}
    return render_template("errors/429.html", **context), 429


def unauthorized() -> Any:
    """Not logged in (or the session ended). A GET goes to log in and comes back; a form sent
    after the session ended comes back to the page of the form (never to a POST-only address,
    which answered 405), where the browser's draft has kept the text."""
    if request.method == "GET":
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    flash(_("Your session ended, so nothing was sent. Your text is kept on this device: log "
            "in and send it again."), "warning")  # fmt: skip
    return redirect(url_for("auth.login", next=form_page()))


def form_page() -> str:
    """The page a POST came from: the thread for a reply, else the same-site referrer."""
    thread_id = (request.view_args or {}).get("thread_id")
    if request.endpoint == "threads.reply" and thread_id:
        return url_for("threads.show", thread_id=thread_id)
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return url_for("main.index")
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path) or url_for("main.index")


def mark_posted() -> None:
    """After a successful post: the next page tells the browser to drop the sent draft."""
    session["draft_sent"] = True


def just_posted() -> bool:
    """True once, on the page after a successful post (static/js/forum.js clears drafts)."""
    return bool(session.pop("draft_sent", False))
