"""Who hears about a reply, and the thread's bookkeeping: counters, first response, ticket
status, notifications to the asker, earlier helpers, @mentioned people and watchers.
Imports events, models."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import false, func, select

from .events import notify
from .extensions import db
from .models import Post, Thread, ThreadWatch, TicketStatus, User, utcnow


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
        told = {thread.author_id, author.id}
        if author.id == thread.author_id:  # the asker added something: tell who helped so far
            for helper_id in _helpers(thread, post):
                notify(helper_id, "asker_reply", actor=author, thread=thread, post=post)
                told.add(helper_id)
        _tell_mentioned_and_watchers(thread, post, author, told)
        return
    if author.is_staff and author.id != thread.author_id:
        ticket.first_staff_reply_at = ticket.first_staff_reply_at or now
        ticket.status = TicketStatus.WAITING
        notify(thread.author_id, "ticket_reply", actor=author, thread=thread, post=post)
    else:
        ticket.status = TicketStatus.OPEN
        notify(ticket.assignee_id, "ticket_asker_reply", actor=author, thread=thread, post=post)


MENTION_RE = re.compile(r"(?<![\w@])@([\w.-]{2,32})")


def _tell_mentioned_and_watchers(thread: Thread, post: Post, author: User, told: set[int]) -> None:
    """@name in a public reply notifies that person; then everyone watching the thread hears
    of the reply once. (Tickets notify their asker and assignee only.)"""
    keys = {
        unicodedata.normalize("NFKC", m).casefold() for m in MENTION_RE.findall(post.body_source)
    }
    if keys:
        mentioned = db.session.scalars(
            select(User.id).where(User.username_key.in_(sorted(keys)[:10]))
        )
        for user_id in mentioned:
            if user_id not in told:
                notify(user_id, "mention", actor=author, thread=thread, post=post)
                told.add(user_id)
    watchers = db.session.scalars(
        select(ThreadWatch.user_id).where(ThreadWatch.thread_id == thread.id)
    )
    for user_id in watchers:
        if user_id not in told:
            notify(user_id, "watch", actor=author, thread=thread, post=post)


def _helpers(thread: Thread, post: Post, limit: int = 20) -> list[int]:
    """People who answered in the thread before this post (not the asker), newest first."""
    rows = db.session.execute(
        select(Post.author_id, func.max(Post.id))
        .where(Post.thread_id == thread.id, Post.id != post.id, Post.author_id != thread.author_id)
        .where(Post.is_deleted == false(), Post.held_at.is_(None))
        .group_by(Post.author_id)
        .order_by(func.max(Post.id).desc())
        .limit(limit)
    )
    return [author_id for author_id, _last in rows]
