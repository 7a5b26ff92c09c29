"""THE permission policy: every "who may" is a predicate here, plus the visibility filters.

Predicates are pure functions of (actor, object); they read models and app settings only.
Private things answer 404 (require_visible), other refusals 403 (require).
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import current_app
from flask_login import AnonymousUserMixin
from sqlalchemy import ColumnElement, and_, false, or_, true
from werkzeug.exceptions import Forbidden, NotFound

from .models import ROLE_RANK, Attachment, Category, Post, Role, Thread, TicketStatus, User


class Anonymous(AnonymousUserMixin):
    """A visitor who is not logged in: reads public things, changes nothing."""

    id = None
    role = None
    rank = -1
    is_staff = False
    is_volunteer = False
    is_admin = False
    is_suspended = False
    username = ""
    trust_level = 0


Actor = User | Anonymous


def _active(user: Actor) -> bool:
    return bool(user.is_authenticated) and not user.is_suspended


def _is_asker(user: Actor, thread: Thread) -> bool:
    return user.is_authenticated and thread.author_id == user.id


def require(allowed: bool) -> None:
    """Raise 403 unless allowed (for things the actor can already see)."""
    if not allowed:
        raise Forbidden()


def require_visible(allowed: bool) -> None:
    """Raise 404 unless allowed: the existence of private things is not revealed."""
    if not allowed:
        raise NotFound()


_T = TypeVar("_T")


def require_found(thing: _T | None) -> _T:
    """The thing itself, or 404 when there is none (what callers get is not Optional)."""
    if thing is None:
        raise NotFound()
    return thing


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


def _is_author(user: Actor, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.id


def public_threads() -> ColumnElement[bool]:
    """What lists, feeds, search, profiles and counts may show: public, not deleted, not held."""
    return and_(
        Thread.is_private == false(), Thread.is_deleted == false(), Thread.is_held == false()
    )


def public_posts() -> ColumnElement[bool]:
    """Posts that lists, search, profiles, counts and notifications may show: live, not held."""
    return and_(Post.is_deleted == false(), Post.held_at.is_(None))


def visible_threads(user: Actor) -> ColumnElement[bool]:
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


def visible_posts(user: Actor) -> ColumnElement[bool]:
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


# --- trust and review -------------------------------------------------------------------------


def can_review(user: Actor) -> bool:
    """Volunteers and staff work the review queue of held posts (and see held posts)."""
    return _active(user) and user.is_volunteer


def can_post_unreviewed(user: Actor) -> bool:
    """Members of trust level 1 and up, volunteers and staff post links and contacts without
    review; a new member's (level 0) are held until a reviewer approves them."""
    return _active(user) and (user.is_volunteer or user.trust_level >= 1)


def can_hide_by_report(user: Actor) -> bool:
    """One scam report by a volunteer or staff hides a post at once, pending review."""
    return can_review(user)


def can_report_count(user: Actor) -> bool:
    """Scam reports by members of trust level 1 and up count toward hiding a post."""
    return _active(user) and (user.is_volunteer or user.trust_level >= 1)


def can_set_trust(actor: Actor, target: User) -> bool:
    """Staff set the trust level of members and volunteers (not of staff, not their own)."""
    return _active(actor) and actor.is_staff and actor.id != target.id and not target.is_staff


# --- tickets -----------------------------------------------------------------------------------


def can_escalate(user: Actor, thread: Thread) -> bool:
    """Staff escalate any public thread to a private ticket; askers their own."""
    if not _active(user) or thread.is_private or thread.is_deleted:
        return False
    return user.is_staff or _is_asker(user, thread)


def can_open_private_question(user: Actor) -> bool:
    """Any member may start a question privately with staff ("this involves my account")."""
    return _active(user)


def can_manage_ticket(user: Actor, thread: Thread) -> bool:
    """Staff set status, assignee and priority and write internal notes on tickets."""
    return _active(user) and user.is_staff and thread.is_private and not thread.is_deleted


def can_view_notes(user: Actor, thread: Thread) -> bool:
    """Internal notes are for staff only; the asker never sees them."""
    return user.is_staff and thread.is_private


def can_make_public(user: Actor, thread: Thread) -> bool:
    """Staff propose returning a ticket to public, or publish only their own answer."""
    return can_manage_ticket(user, thread)


def can_rate(user: Actor, thread: Thread) -> bool:
    """The asker rates the help once their question is solved or their ticket resolved."""
    if not _active(user) or not _is_asker(user, thread) or thread.is_deleted:
        return False
    if thread.is_private:
        ticket = thread.ticket
        return ticket is not None and ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    return thread.accepted_post_id is not None or thread.asker_confirmed_at is not None


def can_consent_publication(user: Actor, thread: Thread) -> bool:
    """Only the asker agrees to (or declines) a proposal to make their ticket public."""
    ticket = thread.ticket
    return (
        _active(user)
        and _is_asker(user, thread)
        and thread.is_private
        and ticket is not None
        and ticket.publish_proposed_at is not None
    )


def can_search_private(user: Actor) -> bool:
    """Only staff search the private ticket index."""
    return _active(user) and user.is_staff


# --- people and settings -----------------------------------------------------------------------


def can_edit_profile(user: Actor, target: User) -> bool:
    """People edit their own profile; admins anyone's."""
    return _active(user) and (user.id == target.id or user.is_admin)


def can_change_role(actor: Actor, target: User, role: str) -> bool:
    """Admins set any role but their own; staff move members to volunteer and back."""
    if not _active(actor) or actor.id == target.id or role not in ROLE_RANK:
        return False
    if actor.is_admin:
        return True
    volunteer_moves = {Role.MEMBER, Role.VOLUNTEER}
    return actor.is_staff and target.role in volunteer_moves and role in volunteer_moves


def can_suspend(actor: Actor, target: User) -> bool:
    """Staff suspend people of a lower role than their own."""
    return _active(actor) and actor.is_staff and actor.id != target.id and target.rank < actor.rank


def can_reset_two_factor(actor: Actor, target: User) -> bool:
    """Admins turn off someone else's two-factor authentication (a lost phone)."""
    return _active(actor) and actor.is_admin and actor.id != target.id


def can_list_users(user: Actor) -> bool:
    """Staff see the member list (to promote volunteers); admins change any role."""
    return _active(user) and user.is_staff


def can_manage_categories(user: Actor) -> bool:
    """Admins create, edit and reorder categories."""
    return _active(user) and user.is_admin


def can_view_audit(user: Actor) -> bool:
    """Staff read the audit log."""
    return _active(user) and user.is_staff


def can_view_metrics(user: Actor) -> bool:
    """Staff see support-quality figures."""
    return _active(user) and user.is_staff


def can_view_ratings_of(user: Actor, helper: User) -> bool:
    """A helper sees their own satisfaction ratings; staff see everyone's."""
    return _active(user) and (user.is_staff or user.id == helper.id)


def role_choices(actor: Actor, target: User) -> list[str]:
    """The roles this actor may give this person (for the form)."""
    return [r.value for r in Role if r != target.role and can_change_role(actor, target, r)]


PREDICATES: dict[str, Any] = {
    name: fn for name, fn in globals().items() if name.startswith("can_") and callable(fn)
}
