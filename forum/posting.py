"""How text becomes a stored thread or post: length limits, the sensitive-data guard,
rendering once, the outbound-link mark, counters, ticket bookkeeping and the search outbox
row. Shared by threads and tickets; imports safety, markup, contacts, events, models.
Callers check permissions and commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select
from sqlalchemy.exc import IntegrityError

from . import attachments, contacts, markup, safety
from .attachments import Sent
from .errors import DomainError
from .events import index_later, notify
from .extensions import db
from .models import Category, ContactPref, DeviceOS, Post, Thread, TicketStatus, User, utcnow

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


@dataclass(frozen=True)
class Text:
    """One piece of user text to check: the form field it came from and its content."""

    field: str
    value: str


def guard(texts: list[Text], *, public: bool, personal_ok: bool = False) -> None:
    """Refuse secrets anywhere; stop personal data in public text unless the author chose
    to post it anyway. Only the kinds of findings leave this function, never the text."""
    secret_kinds: list[str] = []
    for text in texts:
        found = safety.find_secrets(text.value)
        if found:
            secret_kinds.extend(f.kind for f in found)
            kept = safety.remove_spans(text.value, found)
            error = SecretRefused(sorted(set(secret_kinds)), kept)
            error.field = text.field
            current_app.logger.warning("guard refused a post: %s", ",".join(error.kinds))
            raise error
    if public and not personal_ok:
        personal = [f.kind for t in texts for f in safety.find_personal_data(t.value)]
        if personal:
            raise PersonalDataFound(sorted(set(personal)))


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
    if len(title) < MIN_TITLE:
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
    return body


def has_outbound(source: str, html: str) -> bool:
    """Whether a post links off-site or names a way to contact someone privately."""
    return 'class="ext"' in html or contacts.mentions_contact(source)


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
) -> Post:
    """Store a checked body as a post of the thread and queue it for the search index."""
    html = markup.render(body)
    post = Post(
        thread=thread,
        author_id=author.id,
        is_question=is_question,
        body_source=body,
        body_html=html,
        has_outbound=has_outbound(body, html),
        submission_key=submission_key or None,
    )
    db.session.add(post)
    db.session.flush()
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
    images: Sent | None = None,
) -> Thread:
    """Check and store a new thread with its question post and images (flushed)."""
    title = check_title(question.title)
    body = check_body(question.body)
    texts = [Text("title", title), Text("body", body)]
    guard(texts, public=not private, personal_ok=personal_ok)
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
    post = add_post(author, thread, body, is_question=True, submission_key=question.submission_key)
    attach_images(author, images, public=not private, personal_ok=personal_ok, post_id=post.id)
    return thread


def after_reply(thread: Thread, post: Post, author: User) -> None:
    """Counters, ticket bookkeeping and notifications after a reply."""
    now = post.created_at or utcnow()
    thread.reply_count = Thread.reply_count + 1
    thread.last_activity_at = now
    thread.last_poster_id = author.id
    if thread.first_response_at is None and author.id != thread.author_id:
        thread.first_response_at = now
    ticket = thread.ticket if thread.is_private else None
    if ticket is None:
        notify(thread.author_id, "reply", actor=author, thread=thread, post=post)
        if author.id == thread.author_id:  # the asker added something: tell who helped so far
            for helper_id in _helpers(thread, post):
                notify(helper_id, "asker_reply", actor=author, thread=thread, post=post)
        return
    if author.is_staff and author.id != thread.author_id:
        ticket.first_staff_reply_at = ticket.first_staff_reply_at or now
        ticket.status = TicketStatus.WAITING
        notify(thread.author_id, "ticket_reply", actor=author, thread=thread, post=post)
    else:
        ticket.status = TicketStatus.OPEN
        notify(ticket.assignee_id, "ticket_asker_reply", actor=author, thread=thread, post=post)


def _helpers(thread: Thread, post: Post, limit: int = 20) -> list[int]:
    """People who answered in the thread before this post (not the asker), newest first."""
    rows = db.session.execute(
        select(Post.author_id, func.max(Post.id))
        .where(Post.thread_id == thread.id, Post.id != post.id, Post.author_id != thread.author_id)
        .where(Post.is_deleted == false())
        .group_by(Post.author_id)
        .order_by(func.max(Post.id).desc())
        .limit(limit)
    )
    return [author_id for author_id, _last in rows]


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
    """Replace a post's body, keep the edit mark, re-render and re-index."""
    html = markup.render(body)
    post.body_source = body
    post.body_html = html
    post.has_outbound = has_outbound(body, html)
    post.edited_at = utcnow()
    post.edited_by_id = editor.id
    index_later("post", post.id)
