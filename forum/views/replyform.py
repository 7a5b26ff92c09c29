"""The thread page's empty reply form, rendered by its template once per app, language and
kind of thread (public or ticket), then filled in per page with the thread's id, the visitor's
CSRF token and a fresh submission key.

Building and rendering the WTForms form was an eighth of a member's thread page (3.2 M of
25 M instructions, bench/instructions.py) for HTML that differs only in those three values.
The form shown again after a refused reply (threads/reply.html) still renders in full.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import current_app, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..forms import ReplyForm
from ..guarded_form import new_submission_key
from . import page_language

# Stand-ins written into the kept HTML (a NUL cannot come from a template or a value).
TOKEN, KEY, THREAD = "\x00token\x00", "\x00key\x00", "\x00thread\x00"
STAND_IN_ID = 2147483647  # the thread id the form is rendered with, replaced by THREAD


def reply_form(thread: Any) -> Markup:
    """The reply form for this thread and visitor (who may reply: the caller checked)."""
    kept = current_app.extensions.setdefault("forum_reply_forms", {})
    key = (page_language(), bool(thread.is_private), request.script_root)
    html = kept.get(key)
    if html is None:
        html = kept[key] = _render(bool(thread.is_private))
    filled = html.replace(TOKEN, generate_csrf()).replace(KEY, new_submission_key())
    return Markup(filled.replace(THREAD, str(thread.id)))  # noqa: S704 - our template's output


def _render(is_private: bool) -> str:
    form = ReplyForm()
    stand_in = SimpleNamespace(id=STAND_IN_ID, is_private=is_private)
    html = render_template("threads/_reply_form.html", form=form, thread=stand_in)
    html = html.replace(form.csrf_token.current_token, TOKEN)
    html = html.replace(str(form.submission_key.data), KEY)
    return html.replace(str(STAND_IN_ID), THREAD)
