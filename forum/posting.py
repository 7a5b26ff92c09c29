"""How text becomes a stored thread or post: length limits, the sensitive-data guard,
rendering once, the outbound-link mark and the search outbox row, and the review hold of a new member's risky post. Shared by threads, tickets and the
review queue; imports safety, markup, contacts, screening, events, models.
Callers check permissions and commit, except through once(), which commits the submission it
guards itself (a repeated submit must find the first one's committed post).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import attachments, contacts, markup, safety
from .attachments import Sent
from .errors import DomainError
from .events import index_later
from .extensions import db
from .models import (
    Category,
    ContactPref,
    DeviceOS,
    Post,
    Thread,
    User,
    utcnow,
)
from .replies import after_reply
from .screening import check_daily_limit, screen

T = TypeVar("T")

MAX_TITLE = 200
MIN_TITLE = 6


class SecretRefused(DomainError):
    """The text holds a wallet secret; it was not stored. `kept` is the text without it."""

    def __init__(self, kinds: list[str], kept: str) -> None:
        super().__init__(_l("Your post contains a wallet secret and was not posted."))
        self.kinds = kinds
        self.kept = kept


class PersonalDataFound(DomainError):
    """A public post holds personal data; the author may post privately or edit."""

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(_l("Your post contains personal data that everyone could read."))
        self.kinds = kinds


class UnclearKey(DomainError):
    """A 0x-prefixed 64-hex string with no context: a transaction hash or a private key? The
    author answers (key_choice "hash" posts it, "key" removes it); nothing was stored."""

    def __init__(self, field: str) -> None:
        super().__init__(_l("Is this a transaction hash or a private key?"), field=field)


KEY_CHOICES = ("", "hash", "key")  # ask, it is a public hash, it is a private key


@dataclass(frozen=True)
class Text:
    """One piece of user text to check: the form field it came from and its content."""

    field: str
    value: str


def guard(
    texts: list[Text], *, public: bool, personal_ok: bool = False, key_choice: str = ""
) -> None:
    """Refuse secrets anywhere; ask about unclear keys (key_choice answers); stop personal data
    in public text unless the author chose to post it anyway. Only the kinds of findings
    leave this function, never the text."""
    secret_kinds: list[str] = []
    for text in texts:
        found = safety.find_secrets(text.value)
        if key_choice == "key":
            found = sorted([*found, *safety.find_unclear_keys(text.value)], key=lambda f: f.start)
        if found:
            secret_kinds.extend(f.kind for f in found)
            kept = safety.remove_spans(text.value, found)
            error = SecretRefused(sorted(set(secret_kinds)), kept)
            error.field = text.field
            current_app.logger.warning("guard refused a post: %s", ",".join(error.kinds))
            raise error
    if key_choice != "hash":
        for text in texts:
            if safety.find_unclear_keys(text.value):
                raise UnclearKey(text.field)
    if public and not personal_ok:
        personal = [f.kind for t in texts for f in safety.find_personal_data(t.value)]
        if personal:
            raise PersonalDataFound(sorted(set(personal)))


def vet(
    author: User,
    texts: list[Text],
    *,
    public: bool,
    personal_ok: bool = False,
    key_choice: str = "",
) -> list[str]:
    """What every new post passes: the guard, then in public a new member's daily limit and
    the review screening. Returns why the post is held ([]: it goes live)."""
    guard(texts, public=public, personal_ok=personal_ok, key_choice=key_choice)
    if public:
        check_daily_limit(author)
    return screen(author, [t.value for t in texts], public=public)


def attach_images(
    author: User, sent: Sent | None, *, public: bool, personal_ok: bool = False, **owner: int
) -> None:
    """Link the author's pending images to a post or note (owner: post_id= or note_id=);
    personal data read in a picture of a public post needs the author's "post it anyway"."""
    if sent is None or not sent.ids:
        return
    attachments.check_count(len(sent.ids))
    found = attachments.pending(author, sent.ids)
    if len(found) != len(set(sent.ids)):
        raise DomainError(_l("An image could not be found; please add it again."), field="images")
    personal = attachments.personal_kinds(found)
    if public and personal and not personal_ok:
        raise PersonalDataFound(personal)
    attachments.link(found, sent, **owner)


def check_title(title: str) -> str:
    title = " ".join(title.split())
    # A Chinese (wide) character says about as much as two Latin letters: 闪退怎么办 is enough.
    if sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in title) < MIN_TITLE:
        raise DomainError(_l("Please give the question a clearer title."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_l("The title is too long."), field="title")
    return title


def check_body(body: str, *, field: str = "body") -> str:
    body = body.strip()
    if not body:
        raise DomainError(_l("Please write something."), field=field)
    limit = current_app.config["FORUM_MAX_POST_CHARS"]
    if len(body) > limit:
        raise DomainError(_l("Posts are limited to %(n)d characters.", n=limit), field=field)
    if markup.table_cells(body) > markup.MAX_TABLE_CELLS:
        raise DomainError(
            _l("Tables are limited to %(n)d cells; please shorten or split yours.",
               n=markup.MAX_TABLE_CELLS),
            field=field,
        )  # fmt: skip
    return body


def has_outbound(source: str, html: str) -> bool:
    """Whether a post links off-site or names a way to contact someone privately."""
    return 'class="ext"' in html or contacts.mentions_contact(source)


# --- review holds (trust levels; the rules are in screening.py) ---------------------------------


def hold(post: Post, reasons: list[str]) -> None:
    """Take a post out of public view pending review; counters and the index follow."""
    was_public = post.held_at is None
    earlier = set() if was_public else set((post.held_reason or "").split(",")) - {""}
    post.held_at = utcnow()
    post.held_reason = ",".join(sorted(set(reasons) | earlier))[:80]
    if not was_public:
        return
    thread = post.thread
    if post.is_question:
        thread.is_held = True
        index_later("thread", thread.id)
        return
    if not post.is_deleted:  # it was counted while public
        thread.reply_count = Thread.reply_count - 1
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = thread.accepted_by_id = thread.accepted_at = None
        index_later("thread", thread.id)
    index_later("post", post.id)


def release(post: Post, author: User) -> None:
    """Make a held post public: the thread reappears, or counters and notifications follow as
    for a new reply (only counters, when reports had hidden an already public post)."""
    was_public_before = "reports" in (post.held_reason or "").split(",")
    post.held_at = None
    thread = post.thread
    if post.is_question:
        thread.is_held = False
        index_later("thread", thread.id)
        return
    if was_public_before:
        thread.reply_count = Thread.reply_count + 1
    else:
        after_reply(thread, post, author)
    index_later("post", post.id)


def submitted_before(key: str | None, author: User) -> Post | None:
    """The post an earlier submit of the same form created, if any (double-submit guard)."""
    if not key:
        return None
    return db.session.scalar(
        select(Post).where(Post.submission_key == key, Post.author_id == author.id)
    )


def add_post(
    author: User,
    thread: Thread,
    body: str,
    *,
    is_question: bool = False,
    submission_key: str | None = None,
    held: list[str] | None = None,
) -> Post:
    """Store a checked body as a post of the thread and queue it for the search index; a held
    post (held: the reasons) stays out of the index until approved."""
    html = markup.render(body)
    post = Post(
        thread=thread,
        author_id=author.id,
        is_question=is_question,
        body_source=body,
        body_html=html,
        body_text=markup.to_text(body),
        has_outbound=has_outbound(body, html),
        submission_key=submission_key or None,
    )
    if held:
        post.held_at, post.held_reason = utcnow(), ",".join(held)[:80]
        thread.is_held = thread.is_held or is_question
    db.session.add(post)
    db.session.flush()
    if not held:
        index_later("post", post.id)
    return post


@dataclass(frozen=True)
class Question:
    """What an asker fills in: the seed document's parts of a good question."""

    title: str
    body: str
    device_os: str | None = None
    app_version: str | None = None
    happened_at: datetime | None = None
    contact_pref: str | None = None
    submission_key: str | None = None


def start_thread(
    author: User,
    category: Category,
    question: Question,
    *,
    private: bool = False,
    personal_ok: bool = False,
    key_choice: str = "",
    images: Sent | None = None,
) -> Thread:
    """Check and store a new thread with its question post and images (flushed)."""
    title = check_title(question.title)
    body = check_body(question.body)
    texts = [Text("title", title), Text("body", body)]
    held = vet(author, texts, public=not private, personal_ok=personal_ok, key_choice=key_choice)
    thread = Thread(
        category_id=category.id,
        author_id=author.id,
        title=title,
        device_os=_choice(question.device_os, DeviceOS),
        app_version=(question.app_version or "").strip()[:40] or None,
        happened_at=_not_future(question.happened_at),
        contact_pref=_choice(question.contact_pref, ContactPref),
        last_poster_id=author.id,
        is_private=private,
    )
    db.session.add(thread)
    db.session.flush()
    post = add_post(author, thread, body, is_question=True, submission_key=question.submission_key,
                    held=held)  # fmt: skip
    attach_images(author, images, public=not private, personal_ok=personal_ok, post_id=post.id)
    return thread


def once(
    submission_key: str | None,
    author: User,
    make: Callable[[], T],
    from_earlier: Callable[[Post], T],
) -> T:
    """Run make() and commit, at most once per submitted form: a repeated or concurrent
    submit of the same form (same key) returns what the first one made."""
    earlier = submitted_before(submission_key, author)
    if earlier is not None:
        return from_earlier(earlier)
    try:
        result = make()
        db.session.commit()
    except IntegrityError:  # a concurrent submit of the same key won the race
        db.session.rollback()
        earlier = submitted_before(submission_key, author)
        if earlier is None:
            raise
        return from_earlier(earlier)
    return result


def soft_delete(post: Post, actor: User) -> None:
    """Hide a post (the whole thread, for a question); counters, solution and index follow."""
    thread = post.thread
    now = utcnow()
    post.is_deleted, post.deleted_at, post.deleted_by_id = True, now, actor.id
    if post.is_question:
        thread.is_deleted, thread.deleted_at, thread.deleted_by_id = True, now, actor.id
        index_later("thread", thread.id)
        return
    if post.held_at is None:  # a held answer was never counted
        thread.reply_count = Thread.reply_count - 1
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = thread.accepted_by_id = thread.accepted_at = None
        index_later("thread", thread.id)
    index_later("post", post.id)


def _choice(value: str | None, kind: type[StrEnum]) -> str | None:
    if not value:
        return None
    if value not in {member.value for member in kind}:
        raise DomainError(_l("Please pick one of the choices."))
    return value


def _not_future(when: datetime | None) -> datetime | None:
    # The asker's local time, naive; a day of slack covers every time zone.
    if when is not None and when > utcnow() + timedelta(days=1):
        raise DomainError(_l("That date is in the future."), field="happened_at")
    return when


def rewrite_post(post: Post, body: str, editor: User) -> None:
    """Replace a post's body, keep the edit mark, re-render and re-index (a held post stays
    out of the index)."""
    html = markup.render(body)
    post.body_source = body
    post.body_html = html
    post.body_text = markup.to_text(body)
    post.has_outbound = has_outbound(body, html)
    post.edited_at = utcnow()
    post.edited_by_id = editor.id
    if editor.id == post.author_id:
        post.edit_count = (post.edit_count or 0) + 1
    if post.held_at is None:
        index_later("post", post.id)
