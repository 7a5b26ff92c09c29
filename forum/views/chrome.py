"""The header and footer of every page (templates/_chrome.html), rendered once per app,
language and kind of visitor and filled in per page with what is the visitor's own: their
name and profile link, the CSRF token, the review queue's and the bell's counts, this page's
address, the search box's words.

Rendering them with every page was some 1,400 Python calls a page (a tenth of a thread
page's); the HTML is the same (tests/test_page_html.py compares the main pages for every
kind of visitor, tests/test_chrome.py the filled-in values).
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, get_template_attribute, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .. import trust
from . import here, page_language, unread_notifications
from .stencils import Stencil, kept, slot

TEMPLATE = "_chrome.html"


def _macro(name: str):
    return get_template_attribute(TEMPLATE, name)


def header_top() -> Markup:
    """The skip link and the header's start: the site's name."""
    key = ("header_top", page_language(), request.script_root)
    return kept(key, lambda: _macro("header_top")(current_app.config["FORUM_NAME"])).fill({})


def header_search(query: str) -> Markup:
    """The header's search box, showing `query`."""
    key = ("header_search", page_language(), request.script_root)
    stencil = kept(key, lambda: _macro("header_search")(slot("query")))
    return stencil.fill({"query": escape(query)})


def header_rest() -> Markup:
    """The header's links for this visitor (their queues, name, log out; or log in)."""
    user = current_user
    if not user.is_authenticated:
        stencil = _rest(None)
        here_ = here() if request.method == "GET" else None
        return stencil.fill({"login": escape(url_for("auth.login", next=here_))})
    stencil = _rest((user.is_volunteer, user.is_staff))
    unread = unread_notifications()
    values = {
        "username": escape(user.username),
        "profile": escape(url_for("users.profile", username=user.username)),
        "csrf": generate_csrf(),
        "unread": _count(unread, ngettext("%(num)d unread", "%(num)d unread", unread)),
        "held": _count(trust.held_count(user), "") if user.is_volunteer else "",
    }
    return stencil.fill(values)


def _rest(roles: tuple[bool, bool] | None) -> Stencil:
    def render() -> str:
        volunteer, staff = roles or (False, False)
        stand_in = SimpleNamespace(
            is_authenticated=roles is not None,
            is_volunteer=volunteer,
            is_staff=staff,
            username=slot("username"),
        )
        names = ("profile", "login", "csrf", "held", "unread")
        return _macro("header_rest")(stand_in, *map(slot, names))

    return kept(("header_rest", page_language(), roles, request.script_root), render)


def _count(number: int, label: str) -> str:
    """A count after a link, or nothing for none."""
    if not number:
        return ""
    aria = f' aria-label="{escape(label)}"' if label else ""
    return f' <span class="count"{aria}>{number}</span>'


def footer() -> Markup:
    """The safety notice and the language switch, coming back to this page."""
    language, authenticated = page_language(), current_user.is_authenticated
    key = ("footer", language, authenticated, request.script_root)
    stencil = kept(
        key, lambda: _macro("footer")(language, authenticated, slot("csrf"), slot("here"))
    )
    return stencil.fill({"csrf": generate_csrf() if authenticated else "", "here": escape(here())})
