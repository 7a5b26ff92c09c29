"""The thread lists' rows (home, latest, category) made in one Python pass (design.md rule 13):
the row macro's HTML, with the page's strings, badges, link patterns and clock looked up once
per request and each row's user text escaped with markupsafe. The HTML is the same as the
macro gave (tests/test_page_html.py)."""

from __future__ import annotations

from typing import Any

from flask import g
from markupsafe import Markup, escape

from . import _translations, page_language
from .postviews import role_badges
from .threads import links
from .times import Clock


class RowPainter:
    """Per request: translated text, badges and links once; then `html(rows)` per list."""

    def __init__(self) -> None:
        catalogue = _translations()
        _ = catalogue.ugettext
        self.replies = lambda n: catalogue.ungettext("reply", "replies", n) % {"num": n}
        self.links, self.clock, self.lang = links(), Clock(), page_language()
        self.badges = role_badges(_)
        self.pin = '<span class="pin" title="{}">📌</span>'.format(_("Pinned"))
        self.lock = '<span class="lock" title="{}">🔒</span>'.format(_("Locked"))
        self.solved = '<span class="solved" title="{}">✓ {}</span>'.format(
            _("Solved: has an accepted answer"), _("Solved")
        )
        self.asked_by, self.last_reply = _("asked by"), _("last reply")
        self.categories: dict[str, str] = {}

    def _category(self, category: Any) -> str:
        html = self.categories.get(category.slug)
        if html is None:
            href = escape(self.links.category(category.slug))
            name = escape(category.name(self.lang))
            html = self.categories[category.slug] = f'<a class="cat" href="{href}">{name}</a> · '
        return html

    def _time(self, moment: Any) -> str:
        clock = self.clock
        return (
            f'<time datetime="{moment.isoformat()}Z" title="{escape(clock.when(moment))}">'
            f"{escape(clock.ago(moment))}</time>"
        )

    def row(self, t: Any, show_category: bool) -> str:
        author, n, solved = t.author, t.reply_count, t.accepted_post_id is not None
        user = f'<a class="user" href="{escape(self.links.user(author.username))}">'
        last = f" · {self.last_reply} {self._time(t.last_activity_at)}" if n else ""
        return "".join(
            (
                '<li class="thread-row is-solved">' if solved else '<li class="thread-row">',
                '\n    <div class="main">\n      ',
                self.pin if t.is_pinned else "",
                "\n      ",
                self.lock if t.is_locked else "",
                f'\n      <a class="title" href="{self.links.thread.format(t.id)}">',
                escape(t.title),
                "</a>\n      ",
                self.solved if solved else "",
                '\n      <p class="meta">\n        ',
                self._category(t.category) if show_category else "",
                f"\n        {self.asked_by} {user}{escape(author.username)}</a>",
                self.badges.get(author.role, ""),
                f" {self._time(t.created_at)}\n        {last}\n      </p>\n    </div>\n",
                '    <div class="stat">' if n else '    <div class="stat none">',
                f"\n      <strong>{n}</strong> <span>{self.replies(n)}</span>\n    </div>\n  </li>",
            )
        )


def thread_rows(rows: Any, show_category: bool = False) -> Markup:
    """The rows of a thread list (listing.ThreadRow), as the list's <li> elements."""
    painter = g.get("forum_row_painter")
    if painter is None:
        painter = g.forum_row_painter = RowPainter()
    html = "".join([painter.row(t, show_category) for t in rows])
    return Markup(html)  # noqa: S704 - user text escaped above, the rest is catalogue text
