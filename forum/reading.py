"""Lean reads for the page every visitor loads most, the thread page (design.md rule 13):
exactly the posts it shows, as light rows, in two statements (the question with the accepted
answer, then one page of answers with the viewer's votes and the count for the page links).
The ORM stays for writes and domain logic; visibility comes from permissions.visible_posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, and_, false, func, literal, or_, select, true

from . import permissions
from .extensions import db
from .models import Attachment, Post, Thread, ThreadWatch, User, Vote
from .permissions import Actor

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


def _rows(thread: Thread, stmt: Select) -> tuple[list[PostRow], int | None]:
    rows, total = [], None
    for row in db.session.execute(stmt):
        rows.append(PostRow(thread, *row[: len(COLUMNS) + 1]))
        total = row[-1]
    return rows, total


def _voted(actor: Actor):
    if not actor.is_authenticated:
        return literal(False)
    mine = select(Vote.post_id).where(Vote.user_id == actor.id, Vote.post_id == Post.id)
    return mine.exists()


def _watching(actor: Actor, thread: Thread):
    if not actor.is_authenticated:
        return literal(False)
    mine = select(ThreadWatch.user_id).where(
        ThreadWatch.user_id == actor.id, ThreadWatch.thread_id == thread.id
    )
    return mine.exists()


def _answers(thread: Thread, actor: Actor, order: str) -> Select:
    stmt = select(*COLUMNS, _voted(actor), func.count().over()).join(
        User, User.id == Post.author_id
    )
    stmt = stmt.where(Post.thread_id == thread.id, Post.is_question == false())
    stmt = stmt.where(permissions.visible_posts(actor))
    if order == "best":
        # The accepted answer shows in its box under the question: the list does not repeat it.
        if thread.accepted_post_id is not None:
            stmt = stmt.where(Post.id != thread.accepted_post_id)
        return stmt.order_by(Post.vote_count.desc(), Post.created_at, Post.id)
    if order == "newest":
        return stmt.order_by(Post.created_at.desc(), Post.id.desc())
    return stmt.order_by(Post.created_at, Post.id)


def thread_posts(actor: Actor, thread: Thread, page: int, order: str) -> ThreadPosts:
    """The question, the accepted answer (if the actor may see it) and one page of answers
    the actor may see, in the chosen order (threads.AnswerOrder: "best" is votes, then time;
    "newest"; "oldest")."""
    per_page = min(current_app.config["FORUM_POSTS_PER_PAGE"], MAX_PER_PAGE)
    accepted = Post.id == thread.accepted_post_id
    head = (
        select(*COLUMNS, literal(False), _watching(actor, thread))
        .join(User, User.id == Post.author_id)
        .where(Post.thread_id == thread.id)
        .where(or_(Post.is_question == true(), and_(accepted, permissions.visible_posts(actor))))
    )
    found, watching = _rows(thread, head)
    question = next((p for p in found if p.is_question), None)
    best = next((p for p in found if not p.is_question), None)
    stmt = _answers(thread, actor, order).limit(per_page).offset((page - 1) * per_page)
    items, total = _rows(thread, stmt)
    if total is None:  # past the last page: the links still need the count
        total = (page > 1 and _count(thread, actor, order)) or 0
    answers = AnswersPage(items, page, per_page, total)
    return ThreadPosts(question, best, answers, bool(watching))


def _count(thread: Thread, actor: Actor, order: str) -> int:
    stmt = _answers(thread, actor, order).order_by(None)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
