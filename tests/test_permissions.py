"""The permission table: role x object state -> allowed, for every predicate in permissions.py.

Objects are built in memory: predicates are pure functions of (actor, object).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from forum import permissions as P
from forum.models import (
    Attachment,
    Category,
    Post,
    Role,
    Thread,
    Ticket,
    TicketNote,
    TicketStatus,
    User,
    utcnow,
)

ANON, MEMBER, ASKER, AUTHOR, VOLUNTEER, STAFF, ADMIN = (
    "anon", "member", "asker", "author", "volunteer", "staff", "admin"
)  # fmt: skip
ROLES = [ANON, MEMBER, ASKER, AUTHOR, VOLUNTEER, STAFF, ADMIN]
STATES = ["open", "locked", "solved", "private", "deleted", "held"]
IDS = {MEMBER: 1, ASKER: 2, AUTHOR: 3, VOLUNTEER: 4, STAFF: 5, ADMIN: 6}


def actor(who: str):
    if who == ANON:
        return P.Anonymous()
    role = {VOLUNTEER: Role.VOLUNTEER, STAFF: Role.STAFF, ADMIN: Role.ADMIN}.get(who, Role.MEMBER)
    return User(id=IDS[who], username=who, role=role, is_suspended=False)


def thread_in(state: str) -> Thread:
    thread = Thread(
        id=10, author_id=IDS[ASKER], is_locked=state == "locked", is_deleted=state == "deleted",
        is_private=state == "private", accepted_post_id=99 if state == "solved" else None,
        is_held=state == "held_thread",
    )  # fmt: skip
    thread.category = Category(id=1, slug="c", staff_only=False)
    if state == "private":
        thread.ticket = Ticket(status=TicketStatus.OPEN)
    return thread


def answer_in(state: str, *, outbound: bool = False, author: str = AUTHOR) -> Post:
    post = Post(id=20, author_id=IDS[author], is_question=False, is_deleted=False,
                has_outbound=outbound)  # fmt: skip
    post.thread = thread_in("open" if state == "held" else state)
    if state == "held":  # a new member's answer held for review
        post.held_at = datetime(2026, 1, 1)
    return post


Y, N = True, False
#                       anon member asker author volunteer staff admin
TABLE = {
    ("can_view_thread", "open"): [Y, Y, Y, Y, Y, Y, Y],
    ("can_view_thread", "locked"): [Y, Y, Y, Y, Y, Y, Y],
    ("can_view_thread", "solved"): [Y, Y, Y, Y, Y, Y, Y],
    ("can_view_thread", "private"): [N, N, Y, N, N, Y, Y],
    ("can_view_thread", "deleted"): [N, N, N, N, N, Y, Y],
    ("can_reply", "open"): [N, Y, Y, Y, Y, Y, Y],
    ("can_reply", "locked"): [N, N, N, N, N, Y, Y],
    ("can_reply", "solved"): [N, Y, Y, Y, Y, Y, Y],
    ("can_reply", "private"): [N, N, Y, N, N, Y, Y],
    ("can_reply", "deleted"): [N, N, N, N, N, N, N],
    ("can_rate", "open"): [N, N, N, N, N, N, N],
    ("can_rate", "solved"): [N, N, Y, N, N, N, N],
    ("can_rate", "private"): [N, N, N, N, N, N, N],
    ("can_rate", "deleted"): [N, N, N, N, N, N, N],
    ("can_watch", "open"): [N, Y, Y, Y, Y, Y, Y],
    ("can_watch", "locked"): [N, Y, Y, Y, Y, Y, Y],
    ("can_watch", "private"): [N, N, Y, N, N, Y, Y],
    ("can_watch", "deleted"): [N, N, N, N, N, Y, Y],
    ("can_accept", "open"): [N, N, N, N, Y, Y, Y],
    ("can_accept", "locked"): [N, N, N, N, N, Y, Y],
    ("can_accept", "solved"): [N, N, N, N, Y, Y, Y],
    ("can_accept", "private"): [N, N, N, N, N, N, N],
    ("can_accept", "deleted"): [N, N, N, N, N, N, N],
    ("can_confirm_solution", "open"): [N, N, Y, N, N, N, N],
    ("can_confirm_solution", "locked"): [N, N, N, N, N, N, N],
    ("can_confirm_solution", "solved"): [N, N, Y, N, N, N, N],
    ("can_confirm_solution", "private"): [N, N, N, N, N, N, N],
    ("can_claim", "open"): [N, N, N, N, Y, Y, Y],
    ("can_claim", "locked"): [N, N, N, N, N, N, N],
    ("can_claim", "solved"): [N, N, N, N, N, N, N],
    ("can_claim", "private"): [N, N, N, N, N, N, N],
    ("can_flag_for_staff", "open"): [N, N, N, N, Y, Y, Y],
    ("can_flag_for_staff", "private"): [N, N, N, N, N, N, N],
    ("can_escalate", "open"): [N, N, Y, N, N, Y, Y],
    ("can_escalate", "locked"): [N, N, Y, N, N, Y, Y],
    ("can_escalate", "solved"): [N, N, Y, N, N, Y, Y],
    ("can_escalate", "private"): [N, N, N, N, N, N, N],
    ("can_escalate", "deleted"): [N, N, N, N, N, N, N],
    ("can_manage_ticket", "open"): [N, N, N, N, N, N, N],
    ("can_manage_ticket", "private"): [N, N, N, N, N, Y, Y],
    ("can_view_notes", "private"): [N, N, N, N, N, Y, Y],
    ("can_view_notes", "open"): [N, N, N, N, N, N, N],
    ("can_make_public", "private"): [N, N, N, N, N, Y, Y],
    ("can_make_public", "open"): [N, N, N, N, N, N, N],
    # no proposal yet: nobody consents (the proposed case is tested below)
    ("can_consent_publication", "private"): [N, N, N, N, N, N, N],
    ("can_consent_publication", "open"): [N, N, N, N, N, N, N],
    # a thread whose question is held for review: its asker and reviewers only
    ("can_view_thread", "held_thread"): [N, N, Y, N, Y, Y, Y],
    ("can_reply", "held_thread"): [N, N, N, N, N, Y, Y],
    ("can_claim", "held_thread"): [N, N, N, N, Y, Y, Y],
}

POST_TABLE = {
    # answer by AUTHOR (no outbound link)
    ("can_vote", "open"): [N, Y, Y, N, Y, Y, Y],
    ("can_vote", "locked"): [N, N, N, N, N, N, N],
    ("can_vote", "solved"): [N, Y, Y, N, Y, Y, Y],
    ("can_vote", "private"): [N, N, N, N, N, N, N],
    ("can_accept_post", "open"): [N, N, N, N, Y, Y, Y],
    ("can_accept_post", "locked"): [N, N, N, N, N, Y, Y],
    ("can_accept_post", "solved"): [N, N, N, N, Y, Y, Y],
    ("can_accept_post", "private"): [N, N, N, N, N, N, N],
    ("can_edit_post", "open"): [N, N, N, Y, N, Y, Y],
    ("can_edit_post", "locked"): [N, N, N, N, N, Y, Y],
    ("can_edit_post", "private"): [N, N, N, N, N, Y, Y],
    ("can_delete_post", "open"): [N, N, N, Y, N, Y, Y],
    ("can_delete_post", "locked"): [N, N, N, N, N, Y, Y],
    ("can_flag", "open"): [N, Y, Y, N, Y, Y, Y],
    ("can_flag", "locked"): [N, Y, Y, N, Y, Y, Y],
    ("can_flag", "private"): [N, N, N, N, N, N, N],
    # an answer held for review: its author and reviewers see it, nobody acts on it
    ("can_view_post", "open"): [Y, Y, Y, Y, Y, Y, Y],
    ("can_view_post", "held"): [N, N, N, Y, Y, Y, Y],
    ("can_vote", "held"): [N, N, N, N, N, N, N],
    ("can_accept_post", "held"): [N, N, N, N, N, N, N],
    ("can_flag", "held"): [N, N, N, N, N, N, N],
    ("can_edit_post", "held"): [N, N, N, Y, N, Y, Y],
    ("can_delete_post", "held"): [N, N, N, Y, N, Y, Y],
}


def _cases(table) -> list:
    return [
        pytest.param(name, state, who, expected, id=f"{name}-{state}-{who}")
        for (name, state), row in table.items()
        for who, expected in zip(ROLES, row, strict=True)
    ]


@pytest.mark.parametrize(("name", "state", "who", "expected"), _cases(TABLE))
def test_thread_permissions(ctx, name, state, who, expected):
    assert P.PREDICATES[name](actor(who), thread_in(state)) is expected


@pytest.mark.parametrize(("name", "state", "who", "expected"), _cases(POST_TABLE))
def test_post_permissions(ctx, name, state, who, expected):
    assert P.PREDICATES[name](actor(who), answer_in(state)) is expected


@pytest.mark.parametrize(("who", "expected"), [(VOLUNTEER, False), (STAFF, True), (ADMIN, True)])
def test_answers_with_links_or_contacts_need_staff(ctx, who, expected):
    assert P.can_accept_post(actor(who), answer_in("open", outbound=True)) is expected


def test_volunteer_accepts_own_answer_only_after_asker_confirmed(ctx):
    volunteer = actor(VOLUNTEER)
    post = answer_in("open", author=VOLUNTEER)
    assert not P.can_accept_post(volunteer, post)
    post.thread.asker_confirmed_post_id = post.id
    assert P.can_accept_post(volunteer, post)
    assert P.can_accept_post(actor(STAFF), answer_in("open", author=STAFF))


def test_operator_may_let_askers_accept(app, ctx):
    post = answer_in("open")
    assert not P.can_accept_post(actor(ASKER), post)
    app.config["FORUM_ASKER_CAN_ACCEPT"] = True
    try:
        assert P.can_accept_post(actor(ASKER), post)
        assert not P.can_accept_post(actor(MEMBER), post)
        assert not P.can_accept_post(actor(ASKER), answer_in("locked"))
    finally:
        app.config["FORUM_ASKER_CAN_ACCEPT"] = False


def test_closed_ticket_takes_no_asker_reply(ctx):
    thread = thread_in("private")
    thread.ticket.status = TicketStatus.CLOSED
    assert not P.can_reply(actor(ASKER), thread)
    assert P.can_reply(actor(STAFF), thread)


def test_rating_only_by_asker_after_resolution(ctx):
    thread = thread_in("private")
    assert not P.can_rate(actor(ASKER), thread)
    thread.ticket.status = TicketStatus.RESOLVED
    assert P.can_rate(actor(ASKER), thread)
    assert not P.can_rate(actor(STAFF), thread)


def test_rating_a_public_question_once_it_is_solved(ctx):
    thread = thread_in("open")
    assert not P.can_rate(actor(ASKER), thread)
    thread.asker_confirmed_at = utcnow()
    assert P.can_rate(actor(ASKER), thread)
    thread.asker_confirmed_at = None
    thread.accepted_post_id = 1
    assert P.can_rate(actor(ASKER), thread)
    assert not P.can_rate(actor(VOLUNTEER), thread)


def test_suspended_people_change_nothing(ctx):
    member = actor(ASKER)
    member.is_suspended = True
    thread = thread_in("open")
    assert P.can_view_thread(member, thread)
    for name in ("can_reply", "can_escalate", "can_confirm_solution"):
        assert not P.PREDICATES[name](member, thread), name


@pytest.mark.parametrize(
    ("who", "target_role", "new_role", "expected"),
    [
        (ADMIN, Role.MEMBER, Role.STAFF, True),
        (ADMIN, Role.STAFF, Role.MEMBER, True),
        (STAFF, Role.MEMBER, Role.VOLUNTEER, True),
        (STAFF, Role.VOLUNTEER, Role.MEMBER, True),
        (STAFF, Role.MEMBER, Role.STAFF, False),
        (STAFF, Role.STAFF, Role.MEMBER, False),
        (VOLUNTEER, Role.MEMBER, Role.VOLUNTEER, False),
        (MEMBER, Role.MEMBER, Role.VOLUNTEER, False),
        (ADMIN, Role.MEMBER, "emperor", False),
    ],
)
def test_role_changes(ctx, who, target_role, new_role, expected):
    target = User(id=50, username="t", role=target_role, is_suspended=False)
    assert P.can_change_role(actor(who), target, new_role) is expected


def test_nobody_changes_their_own_role(ctx):
    admin = actor(ADMIN)
    assert not P.can_change_role(admin, admin, Role.MEMBER)


@pytest.mark.parametrize(
    ("who", "staff_only", "expected"),
    [(ANON, False, False), (MEMBER, False, True), (MEMBER, True, False),
     (VOLUNTEER, True, False), (STAFF, True, True)],
)  # fmt: skip
def test_starting_threads(ctx, who, staff_only, expected):
    category = Category(id=1, slug="c", staff_only=staff_only)
    assert P.can_start_thread(actor(who), category) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [(ANON, False), (MEMBER, False), (AUTHOR, True), (VOLUNTEER, False), (STAFF, True)],
)
def test_helpers_see_their_own_ratings_and_staff_everyones(ctx, who, expected):
    helper = actor(AUTHOR)
    assert P.can_view_ratings_of(actor(who), helper) is expected


def test_every_predicate_has_rows():
    covered = {name for name, _state in TABLE} | {name for name, _state in POST_TABLE}
    covered |= {name for name, _state in IMAGE_TABLE}
    covered |= {
        "can_view_post",
        "can_moderate",
        "can_work_queue",
        "can_open_private_question",
        "can_search_private",
        "can_edit_profile",
        "can_change_role",
        "can_suspend",
        "can_list_users",
        "can_manage_categories",
        "can_view_audit",
        "can_view_metrics",
        "can_edit_glossary",
        "can_view_ratings_of",
        "can_start_thread",
        "can_reset_two_factor",
        "can_review",
        "can_hide_by_report",
        "can_post_unreviewed",
        "can_report_count",
        "can_set_trust",
        "can_upload_image",
    }  # fmt: skip  (these have their own tests below or in test_http_*)
    assert set(P.PREDICATES) <= covered, set(P.PREDICATES) - covered


@pytest.mark.parametrize(
    ("name", "who", "expected"),
    [
        ("can_moderate", VOLUNTEER, False), ("can_moderate", STAFF, True),
        ("can_work_queue", MEMBER, False), ("can_work_queue", VOLUNTEER, True),
        ("can_search_private", VOLUNTEER, False), ("can_search_private", STAFF, True),
        ("can_list_users", VOLUNTEER, False), ("can_list_users", STAFF, True),
        ("can_manage_categories", STAFF, False), ("can_manage_categories", ADMIN, True),
        ("can_view_audit", VOLUNTEER, False), ("can_view_audit", STAFF, True),
        ("can_view_metrics", VOLUNTEER, False), ("can_view_metrics", STAFF, True),
        ("can_edit_glossary", ANON, False), ("can_edit_glossary", MEMBER, False),
        ("can_edit_glossary", VOLUNTEER, False), ("can_edit_glossary", STAFF, True),
        ("can_edit_glossary", ADMIN, True),
        ("can_open_private_question", ANON, False), ("can_open_private_question", MEMBER, True),
        ("can_review", ANON, False), ("can_review", MEMBER, False),
        ("can_review", VOLUNTEER, True), ("can_review", STAFF, True),
        ("can_hide_by_report", MEMBER, False), ("can_hide_by_report", VOLUNTEER, True),
        ("can_hide_by_report", STAFF, True),
        ("can_upload_image", ANON, False), ("can_upload_image", MEMBER, True),
    ],
)  # fmt: skip
def test_role_only_predicates(ctx, name, who, expected):
    assert P.PREDICATES[name](actor(who)) is expected


def test_profiles_and_suspension(ctx):
    member, other, staff, admin = actor(MEMBER), actor(ASKER), actor(STAFF), actor(ADMIN)
    assert P.can_edit_profile(member, member) and not P.can_edit_profile(member, other)
    assert P.can_edit_profile(admin, member)
    assert P.can_suspend(staff, member) and not P.can_suspend(staff, admin)
    assert not P.can_suspend(member, other)


def test_only_the_asker_consents_to_a_proposed_publication(ctx):
    from datetime import datetime

    thread = thread_in("private")
    thread.ticket.publish_proposed_at = datetime(2026, 1, 1)
    allowed = {who: P.can_consent_publication(actor(who), thread) for who in ROLES}
    assert allowed == {who: who == ASKER for who in ROLES}


def test_only_admins_reset_someone_elses_two_factor(ctx):
    target = User(id=50, username="t", role=Role.STAFF, is_suspended=False)
    assert P.can_reset_two_factor(actor(ADMIN), target)
    assert not P.can_reset_two_factor(actor(STAFF), target)
    assert not P.can_reset_two_factor(actor(ADMIN), actor(ADMIN))


def test_deleted_post_only_for_staff(ctx):
    post = answer_in("open")
    post.is_deleted = True
    assert not P.can_view_post(actor(MEMBER), post)
    assert not P.can_view_post(actor(AUTHOR), post)
    assert P.can_view_post(actor(STAFF), post)


@pytest.mark.parametrize(
    ("who", "level", "expected"),
    [(ANON, 0, False), (MEMBER, 0, False), (MEMBER, 1, True), (MEMBER, 2, True),
     (VOLUNTEER, 0, True), (STAFF, 0, True)],
)  # fmt: skip
def test_trust_levels_decide_review_and_report_weight(ctx, who, level, expected):
    person = actor(who)
    person.trust_level = level
    assert P.can_post_unreviewed(person) is expected
    assert P.can_report_count(person) is expected


@pytest.mark.parametrize(
    ("who", "target_role", "expected"),
    [(ADMIN, Role.MEMBER, True), (STAFF, Role.MEMBER, True), (STAFF, Role.VOLUNTEER, True),
     (STAFF, Role.STAFF, False), (VOLUNTEER, Role.MEMBER, False), (MEMBER, Role.MEMBER, False)],
)  # fmt: skip
def test_staff_set_trust_levels(ctx, who, target_role, expected):
    target = User(id=50, username="t", role=target_role, is_suspended=False)
    assert P.can_set_trust(actor(who), target) is expected
    assert not P.can_set_trust(actor(STAFF), actor(STAFF))


def image_in(state: str) -> Attachment:
    """An image by AUTHOR: in an answer ("open", "private", "deleted" post), held for review,
    removed, pending (not sent yet) or in a ticket's internal note."""
    attachment = Attachment(id=30, uploader_id=IDS[AUTHOR], held=state == "held")
    if state == "removed":
        attachment.removed_at = utcnow()
    if state == "note":
        attachment.note = TicketNote(id=40, thread=thread_in("private"), author_id=IDS[STAFF])
    elif state != "pending":
        attachment.post = answer_in("private" if state == "private" else "open")
        attachment.post.is_deleted = state == "deleted"
    return attachment


#                              anon member asker author volunteer staff admin
IMAGE_TABLE = {
    ("can_view_attachment", "open"): [Y, Y, Y, Y, Y, Y, Y],
    ("can_view_attachment", "private"): [N, N, Y, N, N, Y, Y],
    ("can_view_attachment", "deleted"): [N, N, N, N, N, Y, Y],
    ("can_view_attachment", "held"): [N, N, N, Y, N, Y, Y],
    ("can_view_attachment", "removed"): [N, N, N, N, N, N, N],
    ("can_view_attachment", "pending"): [N, N, N, Y, N, N, N],
    ("can_view_attachment", "note"): [N, N, N, N, N, Y, Y],
    ("can_remove_attachment", "open"): [N, N, N, N, N, Y, Y],
    ("can_remove_attachment", "removed"): [N, N, N, N, N, N, N],
}


@pytest.mark.parametrize(("name", "state", "who", "expected"), _cases(IMAGE_TABLE))
def test_image_permissions(ctx, name, state, who, expected):
    assert P.PREDICATES[name](actor(who), image_in(state)) is expected


# --- the thread page's rights, worked out once per page (forum/rights.py) -------------------------

THREAD_RIGHTS = {
    "reply": P.can_reply, "watch": P.can_watch, "accept": P.can_accept,
    "confirm": P.can_confirm_solution, "claim": P.can_claim,
    "flag_for_staff": P.can_flag_for_staff, "escalate": P.can_escalate,
}  # fmt: skip
POST_RIGHTS = {
    "vote": P.can_vote, "accept": P.can_accept_post, "edit": P.can_edit_post,
    "delete": P.can_delete_post, "flag": P.can_flag,
}  # fmt: skip


def _posts_of(thread: Thread) -> list[Post]:
    """Every kind of post a thread page shows: each author, state, link and mark."""
    posts, ids = [], iter(range(100, 1000))
    for author in (ASKER, AUTHOR, MEMBER, VOLUNTEER, STAFF):
        for question in (False, True):
            for deleted, held, outbound in [(False, False, False), (True, False, False),
                                            (False, True, False), (False, False, True)]:  # fmt: skip
                post = Post(id=next(ids), author_id=IDS[author], is_question=question,
                            is_deleted=deleted, has_outbound=outbound)  # fmt: skip
                post.held_at = datetime(2026, 1, 1) if held else None
                post.thread = thread
                posts.append(post)
    thread.accepted_post_id = posts[2].id if thread.accepted_post_id else None
    thread.asker_confirmed_post_id = posts[6].id
    return posts


@pytest.mark.parametrize("state", [*STATES, "held_thread"])
@pytest.mark.parametrize("who", ROLES)
def test_thread_rights_are_the_predicates_evaluated_once(ctx, who, state):
    from forum import rights

    user, thread = actor(who), thread_in(state)
    posts = _posts_of(thread)
    page = rights.thread_rights(user, thread)
    for name, predicate in THREAD_RIGHTS.items():
        assert getattr(page, name) == predicate(user, thread), name
    assert page.moderate == P.can_moderate(user)
    for post in posts:
        got = page.post(post)  # memoised per kind of post
        for name, predicate in POST_RIGHTS.items():
            assert getattr(got, name) == predicate(user, post), (name, post.id)
        assert got.restore == (post.is_deleted and P.can_moderate(user))
    assert len(page._kinds) < len(posts)  # the predicates ran per kind, not per post
