"""Plain functions that make test data through the real domain code where it matters."""

from __future__ import annotations

import itertools

from forum import categories, threads
from forum.accounts import HASHER, username_key
from forum.extensions import db
from forum.models import Category, Post, Role, Thread, User

PASSWORD = "correct horse battery"
_HASH = HASHER.hash(PASSWORD)  # hashed once: argon2 per user would slow the suite down
_counter = itertools.count(1)


def make_user(
    name: str | None = None, role: Role | str = Role.MEMBER, *, trust: int | None = 1
) -> User:
    """A person; members are basic members (trust 1, held there) unless `trust` says
    otherwise: 0 for a new member, None for a level computed from their history."""
    name = name or f"user{next(_counter)}"
    user = User(
        username=name, username_key=username_key(name), password_hash=_HASH, role=Role(role)
    )
    user.trust_level = trust or 0
    user.trust_level_locked = trust is not None
    db.session.add(user)
    db.session.commit()
    return user


def make_category(slug: str | None = None, *, staff_only: bool = False) -> Category:
    slug = slug or f"cat{next(_counter)}"
    category = Category(
        slug=slug, name_en=f"Category {slug}", name_zh=f"分类 {slug}", staff_only=staff_only
    )
    db.session.add(category)
    db.session.commit()
    return category


def default_categories() -> list[Category]:
    categories.ensure_defaults()
    return threads.all_categories()


def make_thread(
    author: User | None = None,
    category: Category | None = None,
    *,
    title: str = "USDT transfer stuck on pending",
    body: str = "My transfer has been pending for two hours. What can I do?",
    **fields,
) -> Thread:
    author = author or make_user()
    category = category or make_category()
    return threads.ask(author, category, title=title, body=body, **fields)


def make_answer(thread: Thread, author: User | None = None, body: str = "Check the fee.") -> Post:
    return threads.reply(author or make_user(), thread, body)
