"""What a viewer may do on one thread page, worked out once per page from the predicates of
forum/permissions.py (the only policy): the thread-wide answers once, and per post only the
few kinds of post that differ for this viewer (design.md rule 13).

A post predicate reads only these facts of a post besides its thread: whether the viewer
wrote it, whether it is the question, deleted, held or has an outbound link, and whether it is
the thread's accepted or asker-confirmed answer. Posts alike in all of these get the same
answers, so each predicate runs once per kind of post, on the first post of that kind, and
tests/test_permissions.py checks the result against the predicate on every post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import permissions
from .models import Thread
from .permissions import Actor


@dataclass(frozen=True, slots=True)
class PostRights:
    """The buttons and links one post shows to this viewer."""

    vote: bool
    accept: bool
    edit: bool
    delete: bool
    flag: bool
    restore: bool


@dataclass(slots=True)
class ThreadRights:
    """The thread-wide answers for one viewer, and the per-post ones by kind of post."""

    actor: Actor
    actor_id: int | None
    thread: Thread
    reply: bool
    watch: bool
    accept: bool
    confirm: bool
    claim: bool
    flag_for_staff: bool
    moderate: bool
    escalate: bool
    _kinds: dict[tuple, PostRights] = field(default_factory=dict)

    def post(self, post: Any) -> PostRights:
        """The rights on a post (an ORM Post or a row with the same fields and `.thread`)."""
        key = (
            self.actor_id is not None and post.author_id == self.actor_id,
            post.is_question,
            post.is_deleted,
            post.held_at is not None,
            post.has_outbound,
            post.id == self.thread.accepted_post_id,
            post.id == self.thread.asker_confirmed_post_id,
        )
        rights = self._kinds.get(key)
        if rights is None:
            rights = self._kinds[key] = post_rights(self.actor, post, self.moderate)
        return rights


def post_rights(actor: Actor, post: Any, moderate: bool) -> PostRights:
    """The per-post predicates for one post, evaluated directly."""
    return PostRights(
        vote=permissions.can_vote(actor, post),
        accept=permissions.can_accept_post(actor, post),
        edit=permissions.can_edit_post(actor, post),
        delete=permissions.can_delete_post(actor, post),
        flag=permissions.can_flag(actor, post),
        restore=post.is_deleted and moderate,
    )


def thread_rights(actor: Actor, thread: Thread) -> ThreadRights:
    """Everything the thread page asks about this viewer and thread, once."""
    return ThreadRights(
        actor=actor,
        actor_id=actor.id,
        thread=thread,
        reply=permissions.can_reply(actor, thread),
        watch=permissions.can_watch(actor, thread),
        accept=permissions.can_accept(actor, thread),
        confirm=permissions.can_confirm_solution(actor, thread),
        claim=permissions.can_claim(actor, thread),
        flag_for_staff=permissions.can_flag_for_staff(actor, thread),
        moderate=permissions.can_moderate(actor),
        escalate=permissions.can_escalate(actor, thread),
    )
