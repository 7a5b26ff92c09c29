"""The SQL forms of the visibility predicates pick exactly what the predicates allow, whether
built for the actor or once for its kind of viewer (permissions.Viewer, issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum import permissions as P
from forum.extensions import db
from forum.models import Post, Role, Thread, User, utcnow
from tests.factories import make_answer, make_thread, make_user


@pytest.fixture
def world(ctx):
    asker, other = make_user("asker"), make_user("other")
    people = {
        "anonymous": P.Anonymous(),
        "asker": asker,
        "other": other,
        "volunteer": make_user("vol", Role.VOLUNTEER),
        "staff": make_user("staffer", Role.STAFF),
    }
    suspended = make_user("suspended")
    suspended.is_suspended = True
    people["suspended"] = suspended
    threads = []
    for state in ("open", "private", "deleted", "held"):
        thread = make_thread(asker, title=f"Transfer question, {state} thread")
        answers = [make_answer(thread, author) for author in (other, asker, other, other)]
        thread.is_private = state == "private"
        thread.is_deleted = state == "deleted"
        thread.is_held = state == "held"
        answers[0].is_deleted = True
        answers[1].held_at = utcnow()  # the asker's own held answer
        answers[2].held_at = utcnow()  # someone else's
        threads.append(thread)
    db.session.commit()
    return people, threads, db.session.scalars(select(Post)).all()


def _sql(stmt, actor, by_kind: bool) -> set[int]:
    if by_kind:
        return set(db.session.scalars(stmt(P.viewer(actor)), P.viewer_params(actor)))
    return set(db.session.scalars(stmt(actor)))


@pytest.mark.parametrize("by_kind", [False, True], ids=["per actor", "per kind of viewer"])
def test_visibility_filters_match_the_predicates(world, by_kind):
    people, threads, posts = world
    for name, actor in people.items():
        seen = _sql(lambda a: select(Thread.id).where(P.visible_threads(a)), actor, by_kind)
        assert seen == {t.id for t in threads if P.can_view_thread(actor, t)}, name
        read = _sql(
            lambda a: (
                select(Post.id)
                .join(Thread, Thread.id == Post.thread_id)
                .where(P.visible_threads(a), P.visible_posts(a))
            ),
            actor,
            by_kind,
        )
        assert read == {p.id for p in posts if P.can_view_post(actor, p)}, name
    assert P.viewer(people["asker"]) == P.viewer(people["other"])  # one statement for both


def test_a_statement_built_for_a_kind_of_viewer_names_no_one():
    member = P.viewer(User(id=7, username="u7", role=Role.MEMBER, is_suspended=False))
    sql = str(select(Thread.id).where(P.visible_threads(member)))
    assert ":viewer_id" in sql
    assert "7" not in sql
