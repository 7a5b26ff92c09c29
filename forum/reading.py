"""Lean reads for the page every visitor loads most, the thread page (design.md rule 13):
exactly the posts it shows, as light rows, in two statements (the question with the accepted
answer, then one page of answers with the viewer's votes and the count for the page links).
The ORM stays for writes and domain logic; visibility comes from permissions.visible_posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)

from . import connections, permissions
from .extensions import db
from .models import Attachment, Post, Thread, ThreadVisit, ThreadWatch, User, Vote
from .permissions import Actor, Viewer

MAX_PER_PAGE = 100


@dataclass(slots=True)
class PostRow:
    """What the thread page shows of a post (and what the post predicates read)."""

    thread: Thread
    id: int
    author_id: int
    username: str
    role: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    is_question: bool
    is_deleted: bool
    held_at: datetime | None
    held_reason: str | None
    vote_count: int
    has_outbound: bool
    has_images: bool
    voted: bool


@dataclass(slots=True)
class AnswersPage:
    """One page of answers; `page` and `pages` as the pagination macro expects."""

    items: list[PostRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.total else 0


@dataclass(slots=True)
class ThreadPosts:
    question: PostRow | None
    accepted: PostRow | None
    answers: AnswersPage
    watching: bool  # the viewer watches the thread (read with the question: no own query)
    visited: bool  # the viewer opened it before (a trust visit is on record: none to write)


# Whether a post has images (an index probe per post): the images query runs only for those.
HAS_IMAGES = (
    select(Attachment.id)
    .where(Attachment.post_id == Post.id, Attachment.removed_at.is_(None))
    .exists()
)
COLUMNS = (
    Post.id, Post.author_id, User.username, User.role, Post.body_html, Post.created_at,
    Post.edited_at, Post.is_question, Post.is_deleted, Post.held_at, Post.held_reason,
    Post.vote_count, Post.has_outbound, HAS_IMAGES,
)  # fmt: skip


# The statements are built once per shape (the kind of viewer, the order, whether the thread
# has an accepted answer) and run with this request's values (issue 14): building them again
# per request cost more Python than running them.
THREAD_ID = bindparam("thread_id", type_=Integer)
ACCEPTED_ID = bindparam("accepted_id", type_=Integer)


def _viewer_has(kind: Viewer, user_id, key, value):
    """Whether the viewer has a row (a vote, a watch, a visit) whose `key` is `value`;
    visitors have none."""
    if not kind.is_authenticated:
        return literal(False)
    return select(key).where(user_id == kind.id, key == value).exists()


def _voted(kind: Viewer):
    return _viewer_has(kind, Vote.user_id, Vote.post_id, Post.id)


def _watching(kind: Viewer):
    return _viewer_has(kind, ThreadWatch.user_id, ThreadWatch.thread_id, THREAD_ID)


def _visited(kind: Viewer):
    return _viewer_has(kind, ThreadVisit.user_id, ThreadVisit.thread_id, THREAD_ID)


def _head(kind: Viewer) -> Select:
    """The question, and the accepted answer if the viewer may see it, with the viewer's watch
    and visit flags (integers, as the answers' count and marks they union with)."""
    accepted = Post.id == ACCEPTED_ID
    flags = cast(_watching(kind), Integer), cast(_visited(kind), Integer)
    return (
        select(
            *COLUMNS, literal(False), *flags, literal(0).label("part"), literal(0).label("place")
        )
        .join(User, User.id == Post.author_id)
        .where(Post.thread_id == THREAD_ID)
        .where(or_(Post.is_question == true(), and_(accepted, permissions.visible_posts(kind))))
    )


def _answers_where(kind: Viewer, skip_accepted: bool) -> Select:
    stmt = select(*COLUMNS, _voted(kind), func.count().over()).join(User, User.id == Post.author_id)
    stmt = stmt.where(Post.thread_id == THREAD_ID, Post.is_question == false())
    stmt = stmt.where(permissions.visible_posts(kind))
    if skip_accepted:
        # The accepted answer shows in its box under the question: the list does not repeat it.
        stmt = stmt.where(Post.id != ACCEPTED_ID)
    return stmt


ORDERS = {
    "best": (Post.vote_count.desc(), Post.created_at, Post.id),
    "newest": (Post.created_at.desc(), Post.id.desc()),
    "oldest": (Post.created_at, Post.id),
}


@cache
def _page(kind: Viewer, order: str, skip_accepted: bool) -> CompoundSelect:
    """The question and accepted answer (part 0) and one page of answers (part 1, numbered by
    their place in the order) in one statement: one round trip for the thread page's posts."""
    by = ORDERS.get(order, ORDERS["oldest"])
    answers = _answers_where(kind, skip_accepted).add_columns(
        literal(0), literal(1), func.row_number().over(order_by=by).label("place")
    )
    # The LIMIT as a number in the SQL text, as for every list (listing.sql_number).
    limit = bindparam("limit", type_=Integer, literal_execute=True)
    offset = bindparam("offset", type_=Integer)
    page = answers.order_by(*by).limit(limit).offset(offset).subquery()
    both = union_all(_head(kind), select(page))
    return both.order_by(literal_column("part"), literal_column("place"))


def thread_posts(actor: Actor, thread: Thread, page: int, order: str) -> ThreadPosts:
    """The question, the accepted answer (if the actor may see it) and one page of answers
    the actor may see, in the chosen order (threads.AnswerOrder: "best" is votes, then time;
    "newest"; "oldest")."""
    per_page = min(current_app.config["FORUM_POSTS_PER_PAGE"], MAX_PER_PAGE)
    kind = permissions.viewer(actor)
    params = {
        **permissions.viewer_params(actor),
        "thread_id": thread.id,
        "accepted_id": thread.accepted_post_id,
        "limit": per_page,
        "offset": (page - 1) * per_page,
    }
    skip_accepted = order == "best" and thread.accepted_post_id is not None
    stmt = _page(kind, order, skip_accepted)
    head, items, watching, visited, total = [], [], 0, 0, None
    for row in connections.read(stmt, params):
        post = PostRow(thread, *row[: len(COLUMNS) + 1])
        if row[-2]:  # part 1: an answer of the page, with the count of all
            items.append(post)
            total = row[-4]
        else:
            head.append(post)
            watching, visited = row[-4], row[-3]
    question = next((p for p in head if p.is_question), None)
    best = next((p for p in head if not p.is_question), None)
    if total is None:  # past the last page: the links still need the count
        total = (page > 1 and _count(kind, skip_accepted, params)) or 0
    answers = AnswersPage(items, page, per_page, total)
    return ThreadPosts(question, best, answers, bool(watching), bool(visited))


def _count(kind: Viewer, skip_accepted: bool, params: dict) -> int:
    stmt = _answers_where(kind, skip_accepted)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()), params) or 0
