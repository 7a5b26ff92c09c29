"""The thread page's posts made ready to show, in one pass in Python (design.md rule 13): per
post, its whole article (the escaped author link and badges, the times, the classes, the
held notice, the body and the viewer's buttons), so the page only writes it out; a post's
images (rare) come from their template macro. The HTML is the same as when a macro built each
post (tests/test_page_html.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import get_template_attribute
from markupsafe import Markup, escape

from .labels import held_reasons
from .times import Clock


class PostView:
    """One post as the macro shows it: precomputed Markup and the viewer's buttons."""

    __slots__ = (
        "accept", "body_html", "cls", "confirmed", "delete", "edit", "flag", "footer",
        "has_outbound", "head", "held_at", "held_reason", "html", "id", "is_accepted",
        "is_deleted", "is_question", "mine", "pics", "restore", "vote", "vote_count", "voted",
    )  # fmt: skip
    id: int
    cls: str
    head: Markup
    footer: Markup | str
    body_html: str
    pics: Any
    held_at: datetime | None
    held_reason: str | None
    vote_count: int
    is_question: bool
    is_accepted: bool
    is_deleted: bool
    has_outbound: bool
    voted: bool
    mine: bool
    confirmed: bool
    vote: bool
    accept: bool
    edit: bool
    delete: bool
    flag: bool
    restore: bool
    html: Markup  # the whole <article>


def role_badges(_: Any) -> dict[str, Markup]:
    """The verified staff and volunteer badges shown after a name, by role (catalogue text)."""
    staff = '<span class="badge staff" title="{}">✔ {}</span>'.format(
        _("Verified staff member"), _("Staff")
    )
    volunteer = '<span class="badge volunteer" title="{}">✔ {}</span>'.format(
        _("Verified volunteer"), _("Volunteer")
    )
    badges = {"staff": staff, "admin": staff, "volunteer": volunteer}
    return {role: Markup(html) for role, html in badges.items()}  # noqa: S704


class Painter:
    """Per request: the translated strings and patterns once, then `view(post)` per post.
    `gettext` is the page's catalogue lookup (template text: not escaped, as Jinja's `_()`)."""

    def __init__(self, thread: Any, rights: Any, links: Any, images: dict, _: Any, token: str):
        self.thread, self.rights, self.links, self.images = thread, rights, links, images
        # Plain _("...") calls (babel does not see calls inside f-strings).
        tr = {
            "asker": _("Asker"), "accepted": _("Accepted answer"), "deleted": _("Deleted"),
            "held": _("Held for review"),
        }  # fmt: skip
        self.badges = role_badges(_)
        self.asker = Markup(f' <span class="badge asker">{tr["asker"]}</span>')  # noqa: S704
        self.accepted = Markup(f'<span class="accepted-mark">✓ {tr["accepted"]}</span>')  # noqa: S704
        self.deleted = Markup(f'<span class="badge deleted">{tr["deleted"]}</span>')  # noqa: S704
        self.held = Markup(f'<span class="badge held">{tr["held"]}</span>')  # noqa: S704
        self.edited = Markup(_("edited %(when)s"))  # noqa: S704
        held = _(
            "Only you and the forum’s reviewers can see this post until a reviewer approves it,"
            " because %(reasons)s."
        )
        self.held_notice = Markup(  # noqa: S704 - catalogue text; the reasons get escaped
            f'<p class="held-notice" role="status">{held} '
            + _("Staff never ask for your recovery phrase or key.")
            + "</p>"
        )
        self.footer = Footer(thread, rights, links, _, token)
        self.clock = Clock()  # the page's language, zone and now, looked up once

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
        shown = (not p.is_question and (not t.is_private or p.has_outbound)) or (
            pr.edit or pr.delete or pr.flag or pr.restore
        )
        v.footer = self.footer.html(v) if shown else ""
        v.cls = (
            "post"
            + (" question" if p.is_question else "")
            + (" accepted" if accepted else "")
            + (" deleted" if p.is_deleted else "")
            + (" held" if p.held_at else "")
        )
        v.head = self._head(p, pid, accepted)
        v.html = self._article(v)
        return v

    def _article(self, v: PostView) -> Markup:
        notice = ""
        if v.held_at:  # the reasons are looked up only for the few held posts
            notice = self.held_notice % {"reasons": "; ".join(held_reasons(v.held_reason))}
        pics = _post_images()(v.pics, self.rights.actor) if v.pics else ""
        return Markup(  # noqa: S704 - head, notice, images and footer are Markup; the body
            # is the sanitised HTML stored at write time (markup.render)
            f'<article class="{v.cls}" id="p{v.id}" aria-labelledby="p{v.id}-by">\n'
            f'  <header class="post-head">{v.head}</header>\n'
            f"  {notice}\n"
            f'  <div class="body">{v.body_html}</div>\n'
            f"  {pics}\n"
            f"  {v.footer}\n</article>"
        )

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
            escape(self.clock.when(p.created_at)),
            '">',
            escape(self.clock.ago(p.created_at)),
            "</time></a>\n",
        ]
        if p.edited_at:
            edited = self.edited % {"when": self.clock.ago(p.edited_at)}
            title = escape(self.clock.when(p.edited_at))
            parts.append(f'<span class="edited" title="{title}">{edited}</span>\n')
        if accepted:
            parts.append(self.accepted)
        if p.is_deleted:
            parts.append(self.deleted)
        if p.held_at:
            parts.append(self.held)
        return Markup("".join(parts))  # noqa: S704 - every user text above is escaped


class Footer:
    """A post's actions (votes, accept, confirm, edit, delete, report, restore): the same HTML
    the macro wrote, with the page's strings, links and CSRF token filled in once."""

    def __init__(self, thread: Any, rights: Any, links: Any, _: Any, token: str) -> None:
        self.thread, self.rights = thread, rights
        csrf = f'<input type="hidden" name="csrf_token" value="{escape(token)}">'
        # Plain _("...") calls (babel does not see calls inside f-strings).
        tr = {
            "unaccept_q": _("Remove the accepted mark from this answer?"),
            "unaccept": _("Unaccept"), "accept": _("Accept as solution"),
            "confirmed": _("You said this solved it"), "confirm": _("This solved my problem"),
            "edit": _("Edit"), "delete": _("Delete"), "report": _("Report"),
            "restore": _("Restore"),
        }  # fmt: skip
        url = {name: str(escape(getattr(links, name))) for name in POST_LINKS}
        self.vote = (
            f'<form method="post" action="{url["vote"]}" class="inline vote">\n{csrf}\n'
            '<button type="submit" name="vote" value="{}" aria-pressed="{}" class="vote-btn" '
            'title="{}">\n▲ <span class="sr">' + _("Helpful") + '</span> <span class="n">{}</span>'
            "\n</button>\n</form>\n"
        )
        self.state = {True: ("withdraw", "true", _("Withdraw your vote")),
                      False: ("up", "false", _("This answer is helpful"))}  # fmt: skip
        self.votes = '<span class="votes" title="' + _("Helpful votes") + '">▲ {}</span>\n'
        unaccept = escape(links.unaccept.format(thread.id))
        self.unaccept = (
            f'<form method="post" action="{unaccept}" class="inline" data-confirm="'
            f'{tr["unaccept_q"]}">\n{csrf}'
            f'<button type="submit" class="link">{tr["unaccept"]}</button>\n</form>\n'
        )
        self.accept = (
            f'<form method="post" action="{url["accept"]}" class="inline">\n{csrf}<button '
            f'type="submit" class="button small accept">✓ {tr["accept"]}</button>\n</form>\n'
        )
        self.hint = (
            '<span class="hint" title="'
            + _("Only staff can accept answers with outbound links or contact handles.")
            + '">⚠ ' + _("Has a link or contact: staff must check it") + "</span>\n"
        )  # fmt: skip
        self.confirmed = f'<span class="confirmed">{tr["confirmed"]}</span>\n'
        self.confirm = (
            f'<form method="post" action="{url["confirm"]}" class="inline">\n{csrf}'
            f'<button type="submit" class="link">{tr["confirm"]}</button>\n</form>\n'
        )
        self.outbound = (
            '<span class="outbound-note" title="'
            + _("This answer links off the forum or mentions a private contact. Be careful: staff never ask you to move to private chat.")
            + '">↗ ' + _("external link") + "</span>\n"
        )  # fmt: skip
        self.edit = f'<a href="{url["edit"]}">{tr["edit"]}</a>\n'
        self.delete = f'<a href="{url["delete"]}">{tr["delete"]}</a>\n'
        self.report = f'<a class="report" href="{url["report"]}">⚑ {tr["report"]}</a>\n'
        self.restore = (
            f'<form method="post" action="{url["restore"]}" class="inline">\n{csrf}\n'
            f'<button type="submit" class="link">{tr["restore"]}</button>\n</form>\n'
        )

    def html(self, v: PostView) -> Markup:
        t, r, out = self.thread, self.rights, ['<footer class="post-actions">\n']
        if not v.is_question:
            if t.is_private:
                pass  # tickets: no votes
            elif v.vote:
                out.append(self.vote.format(v.id, *self.state[bool(v.voted)], v.vote_count))
            else:
                out.append(self.votes.format(v.vote_count))
            if v.is_accepted:
                if r.accept:
                    out.append(self.unaccept)
            elif v.accept:
                out.append(self.accept.format(v.id))
            elif r.accept and v.has_outbound and not v.is_deleted:
                out.append(self.hint)
            if r.confirm and not t.is_solved and not v.mine:
                out.append(self.confirmed if v.confirmed else self.confirm.format(v.id))
            if v.has_outbound:
                out.append(self.outbound)
        if v.edit:
            out.append(self.edit.format(v.id))
        if v.delete:
            out.append(self.delete.format(v.id))
        if v.flag:
            out.append(self.report.format(v.id))
        if v.restore:
            out.append(self.restore.format(v.id))
        out.append("</footer>")
        return Markup("".join(out))  # noqa: S704 - ids, counts and catalogue text only


POST_LINKS = ("vote", "accept", "confirm", "edit", "delete", "report", "restore")


def _post_images() -> Any:
    """The images macro (templates/_images.html), for the few posts with images."""
    return get_template_attribute("_images.html", "post_images")
