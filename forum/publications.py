"""Returning a private ticket to public, with the asker's consent. Imports permissions,
posting, events, models, extensions.

Staff propose; nothing changes until the asker, shown exactly what would become public,
withdraws any of their own replies they want kept private and agrees (or declines). The
other path needs nobody's consent because nothing of the asker's is published: staff write
a new public question in their own words and publish only their answer under it.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select

from . import permissions
from .errors import DomainError
from .events import audit, index_later, notify
from .extensions import db
from .models import Post, Thread, TicketStatus, User, utcnow
from .posting import (
    Question,
    Text,
    add_post,
    check_body,
    guard,
    soft_delete,
    start_thread,
)
from .replies import after_reply


def propose(actor: User, thread: Thread) -> None:
    """Staff ask the asker whether the ticket may become public; audited, nothing else changes."""
    permissions.require(permissions.can_make_public(actor, thread))
    ticket = permissions.require_found(thread.ticket)
    if ticket.publish_proposed_at is not None:
        raise DomainError(_l("The asker has already been asked."))
    ticket.publish_proposed_at = utcnow()
    ticket.publish_proposed_by_id = actor.id
    audit(actor, "publish_propose", thread)
    notify(thread.author_id, "publish_proposed", actor=actor, thread=thread)
    db.session.commit()


def cancel_proposal(actor: User, thread: Thread) -> None:
    """Staff take their proposal back."""
    permissions.require(permissions.can_make_public(actor, thread))
    _clear(thread)
    audit(actor, "publish_cancel", thread)
    db.session.commit()


def preview(actor: User, thread: Thread) -> list[Post]:
    """Exactly the posts that would become public if the asker agreed now, oldest first."""
    permissions.require_visible(permissions.can_consent_publication(actor, thread))
    stmt = (
        select(Post)
        .where(Post.thread_id == thread.id, Post.is_deleted == false())
        .order_by(Post.created_at, Post.id)
    )
    return list(db.session.scalars(stmt))


def consent(actor: User, thread: Thread, withdraw: Iterable[int] = ()) -> None:
    """The asker agrees, after withdrawing any of their own replies; the thread is public."""
    permissions.require_visible(permissions.can_consent_publication(actor, thread))
    posts = {p.id: p for p in preview(actor, thread)}
    withdrawn = sorted(set(withdraw))
    for post_id in withdrawn:
        post = posts.get(post_id)
        if post is None or post.author_id != actor.id or post.is_question:
            raise DomainError(_l("You can withdraw only your own replies."))
        soft_delete(post, actor)
    ticket = permissions.require_found(thread.ticket)  # can_consent_publication: there is one
    proposer = ticket.publish_proposed_by_id
    _clear(thread)
    thread.is_private = False
    ticket.status = TicketStatus.CLOSED
    index_later("thread", thread.id)
    audit(actor, "make_public", thread, consent=True, withdrawn=withdrawn)
    notify(proposer, "publish_agreed", actor=actor, thread=thread)
    db.session.commit()


def decline(actor: User, thread: Thread) -> None:
    """The asker says no: the ticket stays private and staff are told."""
    permissions.require_visible(permissions.can_consent_publication(actor, thread))
    proposer = permissions.require_found(thread.ticket).publish_proposed_by_id
    _clear(thread)
    audit(actor, "publish_decline", thread)
    notify(proposer, "publish_declined", actor=actor, thread=thread)
    db.session.commit()


def publish_answer(actor: User, thread: Thread, post: Post, *, title: str, question: str) -> Thread:
    """Staff publish only a staff answer of the ticket, under a question they write; the
    ticket and everything the asker wrote stay private. Returns the new public thread."""
    permissions.require(permissions.can_make_public(actor, thread))
    if post.thread_id != thread.id or post.is_question or post.is_deleted:
        raise DomainError(_l("Choose an answer from this ticket."), field="post")
    if not post.author.is_staff:
        raise DomainError(_l("Only a staff answer can be published this way."), field="post")
    body = check_body(post.body_source, field="post")
    guard([Text("post", body)], public=True)
    public = start_thread(actor, thread.category, Question(title=title, body=question))
    answer = add_post(post.author, public, body)
    after_reply(public, answer, post.author)
    public.accepted_post_id, public.accepted_by_id = answer.id, actor.id
    public.accepted_at = utcnow()
    audit(actor, "publish_answer", thread, public_thread=public.id, post=post.id)
    notify(thread.author_id, "answer_published", actor=actor, thread=thread)
    db.session.commit()
    return public


def staff_answers(thread: Thread) -> list[Post]:
    """The ticket's replies by staff, which may be published on their own."""
    stmt = (
        select(Post)
        .join(User, User.id == Post.author_id)
        .where(Post.thread_id == thread.id, Post.is_deleted == false())
        .where(Post.is_question == false(), User.role.in_(["staff", "admin"]))
        .order_by(Post.id)
    )
    return list(db.session.scalars(stmt))


def _clear(thread: Thread) -> None:
    ticket = permissions.require_found(thread.ticket)
    ticket.publish_proposed_at = None
    ticket.publish_proposed_by_id = None
