"""HTML rendered once with stand-ins and filled in per page: the header and footer every page
shows (views/chrome.py) and the thread page's reply form (views/replyform.py).

A stand-in is a NUL-delimited name, which no template or value can produce (guard.clean takes
control characters out of what people type and of URL paths). The values filled in must be
HTML already: escaped text, or markup our own code made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping

from flask import current_app
from markupsafe import Markup

_SLOT = re.compile("\x00(\\w+)\x00")


def slot(name: str) -> Markup:
    """The stand-in for `name`, safe to pass to a template (it is written out unchanged)."""
    return Markup(f"\x00{name}\x00")  # noqa: S704 - a NUL-delimited word, no markup


class Stencil:
    """Rendered HTML split at its stand-ins, ready to be filled in."""

    __slots__ = ("parts",)

    def __init__(self, html: str) -> None:
        self.parts = _SLOT.split(html)  # text, name, text, name, ..., text

    def fill(self, values: Mapping[str, str]) -> Markup:
        parts = self.parts.copy()
        parts[1::2] = [values[name] for name in parts[1::2]]
        return Markup("".join(parts))  # noqa: S704 - our templates' output and escaped values


def kept(key: Hashable, render: Callable[[], str]) -> Stencil:
    """The stencil for `key` in this app, rendered on first use. Keys are made of a piece's
    name, the language, the kind of visitor and the script root: a bounded set. While
    templates reload (`flask --debug run`), rendered afresh each time."""
    if current_app.jinja_env.auto_reload:
        return Stencil(render())
    store = current_app.extensions.setdefault("forum_stencils", {})
    stencil = store.get(key)
    if stencil is None:
        stencil = store[key] = Stencil(render())
    return stencil
