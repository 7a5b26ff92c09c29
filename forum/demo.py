"""Demo content for a fresh forum (forum/data/demo.json), written through the domain functions
so that it passes the same guard, rendering and indexing as real posts.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from . import accounts, threads
from .events import index_later
from .extensions import db
from .models import Category, Role, Thread, User, Vote, utcnow

DEMO_FILE = Path(__file__).parent / "data" / "demo.json"


def load(password: str, path: Path = DEMO_FILE) -> list[tuple[str, str]]:
    """Load the demo into a forum without threads; returns (role, name) log-ins to print."""
    if db.session.scalar(select(func.count(Thread.id))):
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    people = {"admin": _user("admin", Role.ADMIN, password, "")}
    for spec in data["users"]:
        people[spec["name"]] = person = _user(
            spec["name"], Role(spec["role"]), password, spec["bio"]
        )
        # The demo's history has no record of threads read: fix each level (2, "member", unless
        # the file says otherwise; its scammer is new, so their reply waits in the review queue).
        person.trust_level, person.trust_level_locked = spec.get("trust", 2), True
    cats = {c.slug: c for c in db.session.scalars(select(Category))}
    for spec in data["threads"]:
        _thread(spec, people, cats)
    logins = [("admin", "admin")]
    for role in (Role.STAFF, Role.VOLUNTEER, Role.MEMBER):
        logins.append((role.value, next(u.username for u in people.values() if u.role == role)))
    return logins


def _user(name: str, role: Role, password: str, bio: str) -> User:
    existing = accounts.find_by_name(name)
    if existing is not None:
        return existing
    user = accounts.register(name, password, role=role, allow_reserved=True, demo=True)
    user.bio = bio
    user.created_at = utcnow() - timedelta(days=200)
    return user


def _thread(spec: dict[str, Any], people: dict[str, User], cats: dict[str, Category]) -> None:
    asked = utcnow() - timedelta(days=spec["days_ago"])
    happened = spec.get("happened_hours_before")
    thread = threads.ask(
        people[spec["author"]],
        cats[spec["category"]],
        title=spec["title"],
        body=spec["body"],
        device_os=spec.get("device_os"),
        app_version=spec.get("app_version"),
        happened_at=asked - timedelta(hours=happened) if happened is not None else None,
        contact_pref=spec.get("contact_pref"),
    )
    thread.created_at = thread.last_activity_at = asked
    threads.question_of(thread).created_at = asked
    posts = []
    for answer in spec.get("answers", []):
        post = threads.reply(people[answer["author"]], thread, answer["body"])
        post.created_at = asked + timedelta(hours=answer["hours_after"])
        for voter in answer.get("voters", []):
            db.session.add(Vote(user_id=people[voter].id, post_id=post.id))
        post.vote_count = len(answer.get("voters", []))
        posts.append(post)
    shown = [p for p in posts if p.held_at is None]
    if shown:
        thread.last_activity_at = shown[-1].created_at
        thread.last_poster_id = shown[-1].author_id
        others = [p.created_at for p in shown if p.author_id != thread.author_id]
        thread.first_response_at = min(others) if others else None
    _solution(spec, thread, posts, people)
    thread.is_pinned = bool(spec.get("pinned"))
    thread.is_locked = bool(spec.get("locked"))
    db.session.commit()


def _solution(spec: dict[str, Any], thread: Thread, posts: list, people: dict[str, User]) -> None:
    confirmed = spec.get("asker_confirmed")
    if confirmed is not None:
        thread.asker_confirmed_post_id = posts[confirmed].id
        thread.asker_confirmed_at = posts[confirmed].created_at + timedelta(hours=1)
    accepted = spec.get("accepted")
    if accepted is not None and spec.get("accepted_by"):
        thread.accepted_post_id = posts[accepted].id
        thread.accepted_by_id = people[spec["accepted_by"]].id
        thread.accepted_at = posts[accepted].created_at + timedelta(hours=2)
        index_later("thread", thread.id)
