"""The thread page's empty reply form, rendered by its template once per app, language and
kind of thread (public or ticket), then filled in per page with the thread's id, the
visitor's CSRF token and a fresh submission key (views/stencils.py).

Building and rendering the WTForms form was an eighth of a member's thread page (3.2 M of
25 M instructions, bench/instructions.py) for HTML that differs only in those three values.
The form shown again after a refused reply (threads/reply.html) still renders in full.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..forms import ReplyForm
from ..guarded_form import new_submission_key
from . import page_language
from .stencils import kept, slot

STAND_IN_ID = 2147483647  # the thread id the form is rendered with, replaced by its slot


def reply_form(thread: Any) -> Markup:
    """The reply form for this thread and visitor (who may reply: the caller checked)."""
    is_private = bool(thread.is_private)
    key = ("reply_form", page_language(), is_private, request.script_root)
    stencil = kept(key, lambda: _render(is_private))
    values = {"token": generate_csrf(), "key": new_submission_key(), "thread": str(thread.id)}
    return stencil.fill(values)


def _render(is_private: bool) -> str:
    form = ReplyForm()
    stand_in = SimpleNamespace(id=STAND_IN_ID, is_private=is_private)
    html = render_template("threads/_reply_form.html", form=form, thread=stand_in)
    html = html.replace(form.csrf_token.current_token, slot("token"))
    html = html.replace(str(form.submission_key.data), slot("key"))
    return html.replace(str(STAND_IN_ID), slot("thread"))
