"""The pages every visitor loads cost the database the same at any data size (issue 14): a few
statements whose number does not grow with the data, no COUNT or GROUP BY over threads or
posts, and (on SQLite, where the plan is easy to read) no full scan of threads or posts."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from tests.conftest import executed
from tests.factories import make_answer, make_category, make_thread, make_user

# A COUNT whose statement reads threads or posts, and is not a window over one thread's page.
COUNT = re.compile(r"\bcount\((?![^)]*\)\s+OVER)", re.IGNORECASE)
OVER_LISTS = re.compile(r"\bFROM (threads|posts)\b", re.IGNORECASE)
# SQLite's plan line for a table read without an index ("SCAN threads USING INDEX ..." is fine).
FULL_SCAN = re.compile(r"^SCAN (threads|posts)$")
MAX_STATEMENTS = {"anonymous": 3, "member": 5}
# A LIMIT the database sees as a parameter ("LIMIT ?", "LIMIT %(param_1)s"): PostgreSQL then
# plans the statement again on every page view (listing.sql_number).
BOUND_LIMIT = re.compile(r"\bLIMIT\s+(\?|%\(|\$|:)", re.IGNORECASE)


def _plan(statement: str, parameters) -> list[str]:
    raw = db.session.connection().connection.dbapi_connection
    rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return [row[-1] for row in rows]


def _grow(category, n: int, start: int) -> None:
    for i in range(start, start + n):
        thread = make_thread(make_user(f"asker{i}"), category, title=f"Question number {i}")
        make_answer(thread, make_user(f"helper{i}"), f"Try this, number {i}.")


@pytest.fixture
def site(ctx, app, login, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    monkeypatch.setitem(app.config, "FORUM_POSTS_PER_PAGE", 3)
    # The content version is read at most once per recheck interval per process (not per
    # page): out of the counts here, which compare single requests.
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 3_600_000)
    category = make_category("wallets")
    asker, member = make_user("asker"), make_user("member")
    thread = make_thread(asker, category, title="Transfer stuck on the network")
    for i in range(8):
        make_answer(thread, make_user(f"answerer{i}"), f"Answer number {i}.")
    _grow(category, 45, 0)
    db.session.commit()
    viewers = {"anonymous": app.test_client(), "member": login(member).client}
    paths = [
        "/", "/latest", "/latest?page=2", "/c/wallets", "/c/wallets?page=2",
        "/c/wallets?show=solved", f"/t/{thread.id}", f"/t/{thread.id}?sort=oldest&page=2",
    ]  # fmt: skip
    return category, viewers, paths


def _load(app, viewers, paths) -> dict[tuple[str, str], list[tuple[str, object]]]:
    seen = {}
    for who, client in viewers.items():
        for path in paths:
            client.get(path)  # a first visit may write (trust visit, notifications read)
            seen[who, path] = executed(app, lambda c=client, p=path: c.get(p))
    return seen


def test_page_sql_is_few_constant_and_never_counts_threads_or_posts(site, app):
    category, viewers, paths = site
    before = _load(app, viewers, paths)
    for (who, path), statements in before.items():
        assert len(statements) <= MAX_STATEMENTS[who], (who, path, [s for s, _ in statements])
        for statement, parameters in statements:
            flat = " ".join(statement.split())
            assert not (COUNT.search(flat) and OVER_LISTS.search(flat)), (path, flat)
            assert "GROUP BY" not in flat.upper(), (path, flat)
            assert not BOUND_LIMIT.search(flat), (path, flat)
            if db.engine.dialect.name == "sqlite":
                plan = _plan(statement, parameters)
                assert not any(FULL_SCAN.match(line) for line in plan), (path, flat, plan)
    _grow(category, 30, 100)  # more data: the same statements, as many
    db.session.commit()
    after = _load(app, viewers, paths)
    for key, statements in after.items():
        assert len(statements) == len(before[key]), key
