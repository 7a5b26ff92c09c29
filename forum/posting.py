"""How text becomes a stored post: length limits, the sensitive-data guard, rendering once,
the outbound-link mark, thread counters and the search outbox row. Shared by threads and
tickets; imports safety, markup, events, models. Callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import contacts, markup, safety
from .errors import DomainError
from .events import index_later
from .extensions import db
from .models import Post, Thread, User, utcnow

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
        raise DomainError(
            _l("Posts are limited to %(n)d characters.", n=limit), field=field
        )
    return body


def has_outbound(source: str, html: str) -> bool:
    """Whether a post links off-site or names a way to contact someone privately."""
    return 'class="ext"' in html or contacts.mentions_contact(source)


def submitted_before(key: str | None) -> Post | None:
    """The post an earlier submit of the same form created, if any (double-submit guard)."""
    if not key:
        return None
    return db.session.scalar(select(Post).where(Post.submission_key == key))


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


def touch_thread(thread: Thread, post: Post, author: User) -> None:
    """Update a thread's counters after a reply."""
    now = post.created_at or utcnow()
    thread.reply_count = Thread.reply_count + 1
    thread.last_activity_at = now
    thread.last_poster_id = author.id
    if thread.first_response_at is None and author.id != thread.author_id:
        thread.first_response_at = now


def rewrite_post(post: Post, body: str, editor: User) -> None:
    """Replace a post's body, keep the edit mark, re-render and re-index."""
    html = markup.render(body)
    post.body_source = body
    post.body_html = html
    post.has_outbound = has_outbound(body, html)
    post.edited_at = utcnow()
    post.edited_by_id = editor.id
    index_later("post", post.id)
