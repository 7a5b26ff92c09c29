"""Reading and writing: threads, posts, images, solutions, votes and the volunteer queue,
and the visibility filters lists and search use."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import ColumnElement, and_, false, or_, true

from ..models import Attachment, Category, Post, Thread, TicketStatus
from .base import (
    Actor,
    Viewer,
    _active,
    _is_asker,
    _is_author,
)

# --- who reads what only staff and reviewers see ------------------------------------------


def can_review(user: Actor | Viewer) -> bool:
    """Volunteers and staff work the review queue of held posts (and see held posts)."""
    return _active(user) and user.is_volunteer


def can_view_notes(user: Actor, thread: Thread) -> bool:
    """Internal notes are for staff only; the asker never sees them."""
    return user.is_staff and thread.is_private


# --- reading -------------------------------------------------------------------------------


def can_view_thread(user: Actor, thread: Thread) -> bool:
    """Anyone sees a public thread; a ticket only its asker and staff; deleted ones only staff;
    a held one (its question awaits review) only its asker and reviewers."""
    if thread.is_deleted:
        return user.is_staff
    if thread.is_private:
        return user.is_staff or _is_asker(user, thread)
    if thread.is_held:
        return can_review(user) or _is_asker(user, thread)
    return True


def can_view_post(user: Actor, post: Post) -> bool:
    """A post is visible with its thread; a deleted post only to staff; a held post only to
    its author and reviewers."""
    if post.is_deleted and not user.is_staff:
        return False
    if post.held_at is not None and not (can_review(user) or _is_author(user, post)):
        return False
    return can_view_thread(user, post.thread)


def public_threads() -> ColumnElement[bool]:
    """What lists, feeds, search, profiles and counts may show: public, not deleted, not held."""
    return and_(
        Thread.is_private == false(), Thread.is_deleted == false(), Thread.is_held == false()
    )


def public_posts() -> ColumnElement[bool]:
    """Posts that lists, search, profiles, counts and notifications may show: live, not held."""
    return and_(Post.is_deleted == false(), Post.held_at.is_(None))


def visible_threads(user: Actor | Viewer) -> ColumnElement[bool]:
    """The threads this actor may open (the SQL form of can_view_thread)."""
    if user.is_staff:
        return true()
    if not user.is_authenticated:
        return public_threads()
    held_ok = true() if can_review(user) else Thread.author_id == user.id
    return and_(
        Thread.is_deleted == false(),
        or_(Thread.is_private == false(), Thread.author_id == user.id),
        or_(Thread.is_held == false(), held_ok),
    )


def visible_posts(user: Actor | Viewer) -> ColumnElement[bool]:
    """Posts this actor may read inside a thread they can see (the SQL form of can_view_post)."""
    if user.is_staff:
        return true()
    if can_review(user):
        return Post.is_deleted == false()
    if not user.is_authenticated:
        return public_posts()
    return and_(Post.is_deleted == false(), or_(Post.held_at.is_(None), Post.author_id == user.id))


def can_view_attachment(user: Actor, attachment: Attachment) -> bool:
    """An image shows with its post or note (held ones only to the uploader and staff);
    one not yet sent only to its uploader; a removed one to nobody."""
    if attachment.removed_at is not None:
        return False
    own = bool(user.is_authenticated) and attachment.uploader_id == user.id
    if attachment.held and not (own or user.is_staff):
        return False
    if attachment.post is not None:
        return can_view_post(user, attachment.post)
    if attachment.note is not None:
        return can_view_notes(user, attachment.note.thread)
    return own


# --- writing ---------------------------------------------------------------------------------


def can_upload_image(user: Actor) -> bool:
    """Members attach images to what they write (each is read by the guard first)."""
    return _active(user)


def can_remove_attachment(user: Actor, attachment: Attachment) -> bool:
    """Staff remove any image from a post or note, and release held ones."""
    return _active(user) and user.is_staff and attachment.removed_at is None


def can_start_thread(user: Actor, category: Category) -> bool:
    """Members start threads; in staff-only categories (announcements) only staff."""
    return _active(user) and (not category.staff_only or user.is_staff)


def can_reply(user: Actor, thread: Thread) -> bool:
    """Members reply to open threads; staff also to locked ones; a closed ticket takes no asker reply."""
    if not _active(user) or not can_view_thread(user, thread) or thread.is_deleted:
        return False
    if thread.is_held and not user.is_staff:
        return False
    if thread.is_private and not user.is_staff:
        return thread.ticket is None or thread.ticket.status != TicketStatus.CLOSED
    return user.is_staff or not thread.is_locked


def can_watch(user: Actor, thread: Thread) -> bool:
    """Active members follow (watch) threads they can see, to hear of every reply."""
    return _active(user) and can_view_thread(user, thread)


def can_edit_post(user: Actor, post: Post) -> bool:
    """Authors edit their own posts while the thread is open; staff edit any post."""
    if not _active(user) or not can_view_post(user, post):
        return False
    if user.is_staff:
        return True
    return post.author_id == user.id and not post.is_deleted and not post.thread.is_locked


def can_delete_post(user: Actor, post: Post) -> bool:
    """Staff soft-delete any post; authors their own answer unless it is the accepted one."""
    if not _active(user) or not can_view_post(user, post) or post.is_deleted:
        return False
    if user.is_staff:
        return True
    return (
        post.author_id == user.id
        and not post.is_question
        and post.thread.accepted_post_id != post.id
        and not post.thread.is_locked
    )


def can_flag(user: Actor, post: Post) -> bool:
    """Members report live posts of others in public threads (scams, spam, abuse)."""
    return (
        _active(user)
        and post.author_id != user.id
        and not post.is_deleted
        and post.held_at is None
        and not post.thread.is_private
        and not post.thread.is_deleted
        and not post.thread.is_held
    )


def can_moderate(user: Actor) -> bool:
    """Staff lock, pin, move and restore threads."""
    return _active(user) and user.is_staff


# --- solutions, votes and the volunteer queue -------------------------------------------------


def can_accept(user: Actor, thread: Thread) -> bool:
    """Staff and volunteers mark solutions on public threads (staff also when locked);
    askers only where the operator allows it. Tickets have a status instead."""
    if not _active(user) or thread.is_private or thread.is_deleted:
        return False
    if user.is_staff:
        return True
    if thread.is_locked:
        return False
    if user.is_volunteer:
        return True
    return bool(current_app.config["FORUM_ASKER_CAN_ACCEPT"]) and _is_asker(user, thread)


def can_accept_post(user: Actor, post: Post) -> bool:
    """As can_accept, for a live answer; an answer with an outbound link or contact handle
    only staff may accept, and volunteers accept their own answer only once the asker
    confirmed it."""
    if post.is_question or post.is_deleted or post.held_at is not None:
        return False
    if not can_accept(user, post.thread):
        return False
    if user.is_staff:
        return True
    if post.has_outbound:
        return False
    if post.author_id == user.id:
        return post.thread.asker_confirmed_post_id == post.id
    return True


def can_confirm_solution(user: Actor, thread: Thread) -> bool:
    """The asker says "this solved my problem" on their own open public thread."""
    return (
        _active(user)
        and _is_asker(user, thread)
        and not thread.is_private
        and not thread.is_deleted
        and not thread.is_locked
    )


def can_vote(user: Actor, post: Post) -> bool:
    """Members up-vote live answers of others in open public threads."""
    thread = post.thread
    return (
        _active(user)
        and not post.is_question
        and not post.is_deleted
        and post.held_at is None
        and post.author_id != user.id
        and not thread.is_private
        and not thread.is_deleted
        and not thread.is_locked
    )


def can_work_queue(user: Actor) -> bool:
    """Volunteers and staff see the queue of questions that need help."""
    return _active(user) and user.is_volunteer


def can_claim(user: Actor, thread: Thread) -> bool:
    """Volunteers mark "I'm on it" on open, unsolved public threads."""
    return (
        can_work_queue(user)
        and not thread.is_private
        and not thread.is_deleted
        and not thread.is_locked
        and not thread.is_solved
    )


def can_flag_for_staff(user: Actor, thread: Thread) -> bool:
    """Volunteers ask staff to look at a public thread (they cannot see tickets)."""
    return can_work_queue(user) and not thread.is_private and not thread.is_deleted
