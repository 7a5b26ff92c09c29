"""Asking, reading, answering, editing and moderating threads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from .. import (
    discovery,
    media,
    notifications,
    permissions,
    reading,
    rights,
    threads,
    tickets,
    trust,
)
from ..attachments import SecretInImage
from ..errors import DomainError
from ..forms import AskForm, EditPostForm, MoveForm, ReplyForm, choices
from ..posting import KEY_CHOICES, PersonalDataFound, SecretRefused, UnclearKey
from ..threads import AnswerOrder
from . import _translations, enum_arg, page_arg, page_language, show_error
from .limits import per_account
from .lostwork import mark_posted
from .media import sent_images
from .postviews import Painter
from .ratings import asker_context
from .replyform import reply_form
from .tickets import panel_context

bp = Blueprint("threads", __name__)
QUESTION_FIELDS = (
    "title", "body", "device_os", "app_version", "happened_at", "contact_pref", "submission_key"
)  # fmt: skip


def _category_choices(form) -> None:
    locale = str(get_locale())
    allowed = (c for c in threads.all_categories() if permissions.can_start_thread(current_user, c))
    named = [(c.slug, c.name(locale)) for c in allowed]
    form.category.choices = choices([("", _("Choose a category…")), *named])


@bp.route("/ask", methods=["GET", "POST"])
@login_required
@per_account("FORUM_POST_RATE_LIMIT")
def ask():
    form = AskForm(category=request.args.get("category"), title=request.args.get("title", "")[:200])
    _category_choices(form)
    if form.validate_on_submit():
        category = threads.get_category(form.category.data)
        question = {name: form[name].data for name in QUESTION_FIELDS}
        # A private question goes straight to staff; personal data is expected there.
        start = tickets.ask_privately if form.private.data else threads.ask
        try:
            images = sent_images()  # stored first: the similar-threads step keeps them too
            similar = _similar_first(form)
            if similar:
                return render_template("threads/ask.html", form=form, similar=similar)
            thread = start(current_user, category, personal_ok=form.personal_ok.data == "1",
                           key_choice=_key_choice(), images=images, **question)  # fmt: skip
        except DomainError as error:
            return _refused(error, form, "threads/ask.html")
        _tell_if_held(threads.question_of(thread))
        mark_posted()
        return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template("threads/ask.html", form=form)


def _similar_first(form: AskForm) -> list:
    """Without JavaScript, the first submit shows similar solved threads before posting."""
    if form.checked_similar.data or form.private.data:
        return []
    form.checked_similar.data = "1"
    return discovery.similar(current_user, form.title.data or "")


@bp.get("/t/<id:thread_id>")
def show(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    g.private_page = thread.is_private
    order = enum_arg("sort", AnswerOrder, AnswerOrder.BEST)
    posts = reading.thread_posts(current_user, thread, page_arg(), order)
    _visited(thread, posts.visited)  # before the page: it marks the thread's notifications read
    return render_template("threads/show.html", **_show_context(thread, posts, order))


def _show_context(thread, posts: reading.ThreadPosts, order: AnswerOrder) -> dict:
    """What the thread page shows, worked out once: rows, rights, links (design.md rule 13)."""
    shown = [
        p.id for p in (posts.question, posts.accepted, *posts.answers.items) if p and p.has_images
    ]
    can_do = rights.thread_rights(current_user._get_current_object(), thread)
    images = media.for_posts(current_user, shown)
    token = generate_csrf() if current_user.is_authenticated else ""  # no cookie for visitors
    paint = Painter(thread, can_do, links(), images, _translations().ugettext, token).view
    return dict(
        thread=thread,
        question=posts.question,
        accepted=posts.accepted,
        answers=posts.answers,
        watching=posts.watching,
        question_view=paint(posts.question) if posts.question else None,
        answer_views=[paint(p) for p in posts.answers.items],
        order=order,
        rights=can_do,
        reply_form=reply_form(thread) if can_do.reply else None,
        **panel_context(thread),
        **asker_context(thread),
    )


def _visited(thread, on_record: bool) -> None:
    """A visit counts for trust levels and reads the thread's notifications (issue 15)."""
    trust.note_visit(current_user, thread, on_record=on_record)
    # The bell in base.html shows this count: counted with the reading, not once more.
    g.unread_notifications = notifications.read_thread(current_user, thread)


ID = 2147483647  # a placeholder id, replaced in the link patterns below


def _pattern(endpoint: str, name: str) -> str:
    values: dict[str, Any] = {name: ID}
    return url_for(endpoint, **values).replace(str(ID), "{}")


# The link patterns per script root (they depend on nothing else): built once per process.
_PATTERNS: dict[str, dict[str, str]] = {}


def _patterns() -> dict[str, str]:
    patterns = _PATTERNS.get(request.script_root)
    if patterns is None:
        patterns = {name: _pattern(endpoint, "post_id") for name, endpoint in POST_LINKS.items()}
        patterns["unaccept"] = _pattern("answers.unaccept", "thread_id")
        patterns["thread"] = _pattern("threads.show", "thread_id")
        patterns["_user"] = url_for("users.profile", username="-")[:-1]
        patterns["_category"] = url_for("categories.show", slug="-")[:-1]
        if len(_PATTERNS) < 16:
            _PATTERNS[request.script_root] = patterns
    return patterns


class PostLinks:
    """The links of a thread or list page, from patterns made with url_for and filled in per
    post or row (url_for per post and link was a tenth of the page's time)."""

    def __init__(self) -> None:
        patterns = _patterns()
        for name in POST_LINKS:
            setattr(self, name, patterns[name])
        self.unaccept, self.thread = patterns["unaccept"], patterns["thread"]
        self._user, self._category = patterns["_user"], patterns["_category"]
        self._converter = current_app.url_map.converters["default"](current_app.url_map)
        self._users: dict[str, str] = {}

    def category(self, slug: str) -> str:
        return self._category + self._converter.to_url(slug)

    def user(self, username: str) -> str:
        link = self._users.get(username)
        if link is None:
            link = self._users[username] = self._user + self._converter.to_url(username)
        return link


POST_LINKS = {
    "edit": "threads.edit",
    "delete": "threads.delete",
    "report": "moderation.report",
    "restore": "threads.restore",
    "vote": "answers.vote",
    "accept": "answers.accept",
    "confirm": "answers.confirm",
}


def links() -> PostLinks:
    """This request's link patterns (made on first use)."""
    if "forum_links" not in g:
        g.forum_links = PostLinks()
    return g.forum_links


@bp.app_template_global()
def thread_url(thread_id: int) -> str:
    """url_for("threads.show", thread_id=...), cheaply (list pages show dozens)."""
    return links().thread.format(thread_id)


@bp.app_template_global()
def category_url(slug: str) -> str:
    """url_for("categories.show", slug=...), cheaply."""
    return links().category(slug)


@bp.app_template_global()
def user_url(username: str) -> str:
    """url_for("users.profile", username=...), cheaply."""
    return links().user(username)


@bp.post("/t/<id:thread_id>/reply")
@login_required
@per_account("FORUM_POST_RATE_LIMIT")
def reply(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            images = sent_images()
            if request.form.get("private") == "y" and not thread.is_private:
                post = tickets.follow_up_privately(
                    current_user, thread, form.body.data or "", images
                )
            else:
                post = threads.reply(current_user, thread, form.body.data or "",
                                     submission_key=form.submission_key.data, images=images,
                                     personal_ok=form.personal_ok.data == "1",
                                     key_choice=_key_choice())  # fmt: skip
        except DomainError as error:
            return _refused(error, form, "threads/reply.html", thread=thread)
        _tell_if_held(post)
        mark_posted()
        return redirect(post_url(post))
    return render_template("threads/reply.html", form=form, thread=thread), 400


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
@per_account("FORUM_EDIT_RATE_LIMIT")
def edit(post_id: int):
    post = threads.get_post(current_user, post_id)
    permissions.require(permissions.can_edit_post(current_user, post))
    form = EditPostForm(body=post.body_source, title=post.thread.title)
    if form.validate_on_submit():
        try:
            threads.edit_post(
                current_user, post, form.body.data or "",
                title=form.title.data if post.is_question else None,
                personal_ok=form.personal_ok.data == "1", key_choice=_key_choice(),
            )  # fmt: skip
        except DomainError as error:
            return _refused(error, form, "threads/edit.html", post=post)
        flash(_("Your changes are saved."), "success")
        _tell_if_held(post)
        return redirect(post_url(post))
    return render_template("threads/edit.html", form=form, post=post)


@bp.route("/p/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    post = threads.get_post(current_user, post_id)
    permissions.require(permissions.can_delete_post(current_user, post))
    if request.method == "POST":
        threads.delete_post(current_user, post)
        flash(_("The post is deleted."), "success")
        if post.is_question:
            return redirect(url_for("categories.show", slug=post.thread.category.slug))
        return redirect(url_for("threads.show", thread_id=post.thread_id))
    return render_template("threads/delete.html", post=post)


@bp.post("/p/<id:post_id>/restore")
@login_required
def restore(post_id: int):
    post = threads.get_post(current_user, post_id)
    threads.restore_post(current_user, post)
    flash(_("The post is restored."), "success")
    return redirect(post_url(post))


@bp.post("/t/<id:thread_id>/moderate")
@login_required
def moderate(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = MoveForm()
    form.category.choices = choices((c.slug, c.slug) for c in threads.all_categories())
    category = threads.get_category(form.category.data) if form.validate_on_submit() else None
    action = request.form.get("action", "")
    try:
        threads.moderate(current_user, thread, action, category)
    except DomainError as error:
        show_error(error)
    else:
        flash(moderated_message(action, category), "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


def moderated_message(action: str, category) -> str:
    """What a lock, unlock, pin, unpin or move just did, in words."""
    if action == "move":
        return _("The thread is moved to %(category)s.", category=category.name(page_language()))
    return {
        "lock": _("The thread is locked: nobody can reply until it is unlocked."),
        "unlock": _("The thread is unlocked: replies are open again."),
        "pin": _("The thread is pinned: first in its category and in the FAQ; an announcement "
                 "also shows on the home page and in Latest."),
        "unpin": _("The thread is no longer pinned."),
    }[action]  # fmt: skip


def _tell_if_held(post) -> None:
    if post is not None and post.held_at is not None:
        flash(_("Your post is held for review: only you and the reviewers see it until one "
                "approves it. The note on the post says why."), "warning")  # fmt: skip


def post_url(post) -> str:
    return url_for("threads.show", thread_id=post.thread_id, _anchor=f"p{post.id}")


def _key_choice() -> str:
    """The author's answer to "a transaction hash or a private key?" ("" until asked)."""
    choice = request.form.get("key_choice", "")
    return choice if choice in KEY_CHOICES else ""


def _refused(error: DomainError, form, template: str, **context):
    """Show the form again with what the user typed; a refused secret is cut out first."""
    if isinstance(error, SecretInImage):
        context["secret_refused"] = error  # the typed text stays as it was
    elif isinstance(error, SecretRefused):
        getattr(form, error.field or "body").data = error.kept
        context["secret_refused"] = error
    elif isinstance(error, UnclearKey):
        context["unclear_key"] = error
    elif isinstance(error, PersonalDataFound):
        context["personal_data"] = error
        context["allow_private"] = template != "threads/edit.html"
    else:
        show_error(error, form)
    return render_template(template, form=form, **context), 422
