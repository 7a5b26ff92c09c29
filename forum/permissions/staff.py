"""Trust and review, private tickets, people and settings: what staff, volunteers and
admins may do beyond everyday posting."""

from __future__ import annotations

from ..models import ROLE_RANK, Role, Thread, TicketStatus, User
from .base import (
    Actor,
    _active,
    _is_asker,
)
from .content import can_review

# --- trust and review -------------------------------------------------------------------------


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


def can_edit_glossary(user: Actor) -> bool:
    """Staff add, edit and delete the search glossary's synonym groups."""
    return _active(user) and user.is_staff


def can_view_ratings_of(user: Actor, helper: User) -> bool:
    """A helper sees their own satisfaction ratings; staff see everyone's."""
    return _active(user) and (user.is_staff or user.id == helper.id)


def role_choices(actor: Actor, target: User) -> list[str]:
    """The roles this actor may give this person (for the form)."""
    return [r.value for r in Role if r != target.role and can_change_role(actor, target, r)]
