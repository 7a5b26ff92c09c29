"""The thread page's posts made ready to show, in one pass in Python (design.md rule 13): per
post, the strings its macro (threads/_post.html) used to compute — the escaped author link
and badges, the times, the classes — and the viewer's buttons, so the macro only joins them.
The HTML is the same as before (tests/test_page_html.py)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .times import ago, when

# The badge after an author's name, by role (the same HTML as _macros.badge).
BADGES = {
    "staff": ('<span class="badge staff" title="{}">✔ {}</span>', "Verified staff member", "Staff"),
    "admin": ('<span class="badge staff" title="{}">✔ {}</span>', "Verified staff member", "Staff"),
    "volunteer": (
        '<span class="badge volunteer" title="{}">✔ {}</span>',
        "Verified volunteer",
        "Volunteer",
    ),
}


class PostView:
    """One post as the macro shows it: precomputed Markup and the viewer's buttons."""

    __slots__ = (
        "accept",
        "body_html",
        "cls",
        "confirmed",
        "delete",
        "edit",
        "flag",
        "footer",
        "has_outbound",
        "head",
        "held_at",
        "held_reason",
        "id",
        "is_accepted",
        "is_deleted",
        "is_question",
        "mine",
        "pics",
        "restore",
        "vote",
        "vote_count",
        "voted",
    )  # fmt: skip


class Painter:
    """Per request: the translated strings and patterns once, then `view(post)` per post.
    `gettext` is the page's catalogue lookup (template text: not escaped, as Jinja's `_()`)."""

    def __init__(self, thread: Any, rights: Any, links: Any, images: dict, gettext: Any) -> None:
        self.thread, self.rights, self.links, self.images = thread, rights, links, images
        self.badges = {
            role: Markup(html.format(gettext(title), gettext(name)))  # noqa: S704
            for role, (html, title, name) in BADGES.items()
        }
        asker = ' <span class="badge asker">{}</span>'.format(gettext("Asker"))
        self.asker = Markup(asker)  # noqa: S704
        marks = (
            ('<span class="accepted-mark">✓ {}</span>', "Accepted answer"),
            ('<span class="badge deleted">{}</span>', "Deleted"),
            ('<span class="badge held">{}</span>', "Held for review"),
        )
        self.accepted, self.deleted, self.held = (
            Markup(html.format(gettext(text)))  # noqa: S704
            for html, text in marks
        )
        self.edited = Markup(gettext("edited %(when)s"))  # noqa: S704

    def view(self, p: Any) -> PostView:
        t, r, v = self.thread, self.rights, PostView()
        pid = p.id
        v.id, v.body_html, v.is_question, v.is_deleted = (
            pid,
            p.body_html,
            p.is_question,
            p.is_deleted,
        )
        v.held_at, v.held_reason, v.has_outbound = p.held_at, p.held_reason, p.has_outbound
        v.voted, v.vote_count, v.pics = p.voted, p.vote_count, self.images.get(pid)
        v.is_accepted = accepted = pid == t.accepted_post_id
        v.mine = r.actor_id is not None and p.author_id == r.actor_id
        v.confirmed = t.asker_confirmed_post_id == pid
        pr = r.post(p)
        v.vote, v.accept, v.edit, v.delete, v.flag, v.restore = (
            pr.vote, pr.accept, pr.edit, pr.delete, pr.flag, pr.restore
        )  # fmt: skip
        v.footer = (not p.is_question and (not t.is_private or p.has_outbound)) or (
            pr.edit or pr.delete or pr.flag or pr.restore
        )
        v.cls = (
            "post"
            + (" question" if p.is_question else "")
            + (" accepted" if accepted else "")
            + (" deleted" if p.is_deleted else "")
            + (" held" if p.held_at else "")
        )
        v.head = self._head(p, pid, accepted)
        return v

    def _head(self, p: Any, pid: int, accepted: bool) -> Markup:
        name = escape(p.username)
        parts = [
            f'<span id="p{pid}-by"><a class="user" href="{escape(self.links.user(p.username))}">',
            name,
            "</a>",
            self.badges.get(p.role, ""),
            self.asker if p.author_id == self.thread.author_id and not p.is_question else "",
            f'</span>\n<a class="permalink" href="#p{pid}"><time datetime="',
            escape(p.created_at.isoformat()),
            'Z" title="',
            escape(when(p.created_at)),
            '">',
            escape(ago(p.created_at)),
            "</time></a>\n",
        ]
        if p.edited_at:
            edited = self.edited % {"when": ago(p.edited_at)}
            title = escape(when(p.edited_at))
            parts.append(f'<span class="edited" title="{title}">{edited}</span>\n')
        if accepted:
            parts.append(self.accepted)
        if p.is_deleted:
            parts.append(self.deleted)
        if p.held_at:
            parts.append(self.held)
        return Markup("".join(parts))  # noqa: S704 - every user text above is escaped
