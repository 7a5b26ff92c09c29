"""Threads: ask, reply, edit, delete, lock, pin, move, and the reads behind category and
thread pages. Imports permissions, posting, events, models."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, Select, bindparam, false, func, select, true
from sqlalchemy.orm import joinedload, selectinload

from . import category_counts, listing, permissions
from .errors import DomainError
from .events import audit, index_later
from .extensions import db
from .models import Category, Post, Thread, User
from .permissions import Actor
from .posting import (
    Question,
    Sent,
    Text,
    add_post,
    attach_images,
    check_body,
    check_title,
    guard,
    hold,
    once,
    rewrite_post,
    soft_delete,
    start_thread,
    vet,
)
from .replies import after_reply
from .screening import check_edit_limit, screen


class ListFilter(StrEnum):
    ALL = "all"
    SOLVED = "solved"
    UNSOLVED = "unsolved"
    UNANSWERED = "unanswered"


class AnswerOrder(StrEnum):
    BEST = "best"  # accepted first, then votes, then time
    OLDEST = "oldest"
    NEWEST = "newest"


# --- reading -----------------------------------------------------------------------------------

category_counts.install()  # every change to a thread keeps its category's counts (idempotent)


@cache
def _thread_by_id() -> Select:
    # Every thread page and action loads it: built once (issue 14); the accepter's name and role.
    return (
        select(Thread)
        .where(Thread.id == bindparam("thread_id", type_=Integer))
        .options(joinedload(Thread.category))
        .options(joinedload(Thread.accepted_by).load_only(User.username, User.role))
    )


def get_thread(actor: Actor, thread_id: int) -> Thread:
    """A thread the actor may see, or 404."""
    thread = db.session.scalar(_thread_by_id(), {"thread_id": thread_id})
    thread = permissions.require_found(thread)
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    return thread


def get_post(actor: Actor, post_id: int) -> Post:
    """A post the actor may see, or 404."""
    post = permissions.require_found(
        db.session.get(Post, post_id, options=[joinedload(Post.thread)])
    )
    permissions.require_visible(permissions.can_view_post(actor, post))
    return post


def _where(filter_: ListFilter) -> list:
    """What a list shows: public threads, and the list's filter."""
    where = [permissions.public_threads()]
    if filter_ == ListFilter.SOLVED:
        where.append(Thread.accepted_post_id.is_not(None))
    elif filter_ == ListFilter.UNSOLVED:
        where.append(Thread.accepted_post_id.is_(None))
    elif filter_ == ListFilter.UNANSWERED:
        where.append(Thread.reply_count == listing.sql_number(0))
    return where


CATEGORY_ORDER = (Thread.is_pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
LATEST_ORDER = (Thread.last_activity_at.desc(), Thread.id.desc())


def category_page(
    category: Category | listing.CategoryInfo, page: int | listing.Place, filter_: ListFilter
) -> listing.RowsPage:
    """Public threads of a category by last activity (pinned first), paginated; the total comes
    from the category's kept counts, not a COUNT over its threads."""
    counts = [(category.thread_count, category.solved_count)]
    return _list_page(filter_, CATEGORY_ORDER, {"category_id": category.id}, page, counts)


@cache
def _latest(limit: int) -> Select:
    stmt = listing.rows_select().where(*_where(ListFilter.ALL))
    return stmt.order_by(*LATEST_ORDER).limit(listing.sql_number(limit))


def latest(limit: int) -> list[listing.ThreadRow]:
    """The most recently active public threads (no count: for the home page)."""
    return listing.rows(_latest(limit), built_once=True)


def latest_page(
    page: int | listing.Place,
    filter_: ListFilter,
    categories: list[listing.CategoryInfo] | None = None,
) -> listing.RowsPage:
    """Public threads of all categories by last activity, paginated (totals: kept counts, of
    the categories given or read here)."""
    if categories is None:
        categories = listing.categories()
    counts = [(c.thread_count, c.solved_count) for c in categories]
    return _list_page(filter_, LATEST_ORDER, {}, page, counts)


UNANSWERED_LOOKAHEAD = 10  # no kept count: pages counted this far ahead (the last link grows)


def _paginate(stmt: Select, page: int, per_page: int) -> Pagination:
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)


@cache
def _list_where(filter_: ListFilter, in_category: bool) -> tuple:
    """A list's conditions, built once (the category is a bound parameter)."""
    where = _where(filter_)
    if in_category:
        where.append(Thread.category_id == bindparam("category_id", type_=Integer))
    return tuple(where)


def _list_page(filter_, order, params: dict, page, counts) -> listing.RowsPage:
    """A page of a thread list; totals: kept counts per category."""
    per_page = current_app.config["FORUM_THREADS_PER_PAGE"]
    where = _list_where(filter_, "category_id" in params)
    list_ = listing.ListOf((filter_, order is CATEGORY_ORDER), where, order, params)
    place = page if isinstance(page, listing.Place) else listing.Place(page)
    page = max(place.number, 1)
    threads, solved = sum(c[0] for c in counts), sum(c[1] for c in counts)
    if filter_ == ListFilter.UNANSWERED:
        look = per_page * (page + UNANSWERED_LOOKAHEAD)
        bound = select(Thread.id).where(*list_.where).limit(listing.sql_number(look))
        count = select(func.count()).select_from(bound.subquery())
        total = db.session.scalar(count, list_.params) or 0
    else:
        by_filter = {ListFilter.SOLVED: solved, ListFilter.UNSOLVED: threads - solved}
        total = by_filter.get(filter_, threads)
    return listing.page_of(list_, place, per_page, total)


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def get_category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    return permissions.require_found(category)


def question_of(thread: Thread) -> Post:
    return db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread.id, Post.is_question == true())
        .options(joinedload(Post.author), joinedload(Post.edited_by))
    ).one()


def accepted_answer(actor: Actor, thread: Thread) -> Post | None:
    """The accepted answer, if the actor may see it."""
    if thread.accepted_post_id is None:
        return None
    post = db.session.get(Post, thread.accepted_post_id, options=[joinedload(Post.author)])
    return post if post is not None and permissions.can_view_post(actor, post) else None


def answers_page(actor: Actor, thread: Thread, page: int, order: AnswerOrder) -> Pagination:
    """One page of a thread's answers in the chosen order, authors loaded (two queries).
    "Best" is accepted first (shown under the question), then votes, then time."""
    stmt = (
        select(Post)
        .where(Post.thread_id == thread.id, Post.is_question == false())
        .where(permissions.visible_posts(actor))
        .options(joinedload(Post.author), joinedload(Post.edited_by))
    )
    if order == AnswerOrder.BEST:
        # The accepted answer's place in this order is first, which is the box right under
        # the question: the list does not repeat it.
        if thread.accepted_post_id is not None:
            stmt = stmt.where(Post.id != thread.accepted_post_id)
        stmt = stmt.order_by(Post.vote_count.desc(), Post.created_at, Post.id)
    elif order == AnswerOrder.NEWEST:
        stmt = stmt.order_by(Post.created_at.desc(), Post.id.desc())
    else:
        stmt = stmt.order_by(Post.created_at, Post.id)
    return _paginate(stmt, page, current_app.config["FORUM_POSTS_PER_PAGE"])


def threads_by(author: User, page: int) -> Pagination:
    """A person's public questions, newest first (profiles never list tickets)."""
    stmt = (
        select(Thread)
        .where(permissions.public_threads(), Thread.author_id == author.id)
        .options(joinedload(Thread.category))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
    )
    return _paginate(stmt, page, current_app.config["FORUM_THREADS_PER_PAGE"])


def answers_by(author: User, page: int) -> Pagination:
    """A person's live answers in public threads, newest first."""
    stmt = (
        select(Post)
        .join(Post.thread)
        .where(permissions.public_threads(), Post.author_id == author.id)
        .where(Post.is_question == false(), permissions.public_posts())
        .options(selectinload(Post.thread))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return _paginate(stmt, page, current_app.config["FORUM_THREADS_PER_PAGE"])


# --- writing -----------------------------------------------------------------------------------


def ask(
    actor: User,
    category: Category,
    *,
    personal_ok: bool = False,
    key_choice: str = "",
    images: Sent | None = None,
    **question: Any,
) -> Thread:
    """Start a public thread with its question (fields of posting.Question) and images; a
    repeated submit returns the first thread."""
    permissions.require(permissions.can_start_thread(actor, category))
    return once(
        question.get("submission_key"),
        actor,
        lambda: start_thread(
            actor,
            category,
            Question(**question),
            personal_ok=personal_ok,
            key_choice=key_choice,
            images=images,
        ),
        lambda post: post.thread,
    )


def reply(
    actor: User,
    thread: Thread,
    body: str,
    *,
    submission_key: str | None = None,
    personal_ok: bool = False,
    key_choice: str = "",
    images: Sent | None = None,
) -> Post:
    """Answer a thread (with images); a repeated submit returns the first answer."""
    permissions.require_visible(permissions.can_view_thread(actor, thread))
    permissions.require(permissions.can_reply(actor, thread))

    def make() -> Post:
        text = check_body(body)
        held = vet(actor, [Text("body", text)], public=not thread.is_private,
                   personal_ok=personal_ok, key_choice=key_choice)  # fmt: skip
        post = add_post(actor, thread, text, submission_key=submission_key, held=held)
        attach_images(actor, images, public=not thread.is_private, personal_ok=personal_ok,
                      post_id=post.id)  # fmt: skip
        if not held:  # a held reply notifies and counts once approved
            after_reply(thread, post, actor)
        return post

    return once(submission_key, actor, make, lambda earlier: earlier)


def edit_post(
    actor: User,
    post: Post,
    body: str,
    *,
    title: str | None = None,
    personal_ok: bool = False,
    key_choice: str = "",
) -> None:
    """Change a post (and the title, for a question); the post shows an "edited" mark."""
    permissions.require_visible(permissions.can_view_post(actor, post))
    permissions.require(permissions.can_edit_post(actor, post))
    body = check_body(body)
    texts = [Text("body", body)]
    thread = post.thread
    if title is not None and post.is_question:
        title = check_title(title)
        texts.append(Text("title", title))
    guard(texts, public=not thread.is_private, personal_ok=personal_ok, key_choice=key_choice)
    held: list[str] = []
    if actor.id == post.author_id:  # a new member's edit is screened like a new post
        check_edit_limit(actor, post)
        held = screen(actor, [t.value for t in texts], public=not thread.is_private)
    if title is not None and post.is_question and title != thread.title:
        thread.title = title
        index_later("thread", thread.id)
    if body != post.body_source:
        rewrite_post(post, body, actor)
    if held:
        hold(post, held)
    if actor.id != post.author_id:
        audit(actor, "post_edit", post, thread=thread.id)
    db.session.commit()


def delete_post(actor: User, post: Post) -> None:
    """Soft-delete a post; deleting the question deletes the whole thread."""
    permissions.require_visible(permissions.can_view_post(actor, post))
    permissions.require(permissions.can_delete_post(actor, post))
    soft_delete(post, actor)
    audit(actor, "post_delete", post, thread=post.thread_id)
    db.session.commit()


def restore_post(actor: User, post: Post) -> None:
    """Undo a soft delete (staff)."""
    permissions.require(permissions.can_moderate(actor) and post.is_deleted)
    thread = post.thread
    post.is_deleted, post.deleted_at, post.deleted_by_id = False, None, None
    if post.is_question:
        thread.is_deleted, thread.deleted_at, thread.deleted_by_id = False, None, None
        index_later("thread", thread.id)
    else:
        thread.reply_count = Thread.reply_count + 1
        index_later("post", post.id)
    audit(actor, "post_restore", post, thread=thread.id)
    db.session.commit()


def set_locked(actor: User, thread: Thread, locked: bool) -> None:
    """Lock a thread against new replies, or open it again (staff)."""
    permissions.require(permissions.can_moderate(actor))
    thread.is_locked = locked
    audit(actor, "lock" if locked else "unlock", thread)
    db.session.commit()


def set_pinned(actor: User, thread: Thread, pinned: bool) -> None:
    """Keep a thread at the top of its category (staff)."""
    permissions.require(permissions.can_moderate(actor))
    thread.is_pinned = pinned
    audit(actor, "pin" if pinned else "unpin", thread)
    db.session.commit()


def move(actor: User, thread: Thread, category: Category) -> None:
    """Move a thread to another category (staff)."""
    permissions.require(permissions.can_moderate(actor))
    if category.id == thread.category_id:
        return
    old = thread.category_id
    thread.category_id = category.id
    index_later("thread", thread.id)
    audit(actor, "move", thread, old=old, new=category.id)
    db.session.commit()


def moderate(actor: User, thread: Thread, action: str, category: Category | None) -> None:
    """Lock, unlock, pin, unpin or move (to `category`) a thread (staff); nothing else."""
    permissions.require(permissions.can_moderate(actor))
    if action in ("lock", "unlock"):
        set_locked(actor, thread, action == "lock")
    elif action in ("pin", "unpin"):
        set_pinned(actor, thread, action == "pin")
    elif action == "move" and category is not None:
        move(actor, thread, category)
    elif action == "move":
        raise DomainError(_l("Please choose a category to move the thread to."))
    else:
        raise DomainError(_l("Unknown moderation action."))
