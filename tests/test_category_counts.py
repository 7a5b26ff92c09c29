"""The home, category and latest pages cost the same at any size (issue 14): each category keeps
its public and solved thread counts in the same transactions that change threads, and the
pages' SQL has no COUNT or GROUP BY over the threads table."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum import answers, category_counts, threads, tickets, trust
from forum.extensions import db
from forum.models import Category, Role, Thread
from forum.permissions import public_threads
from forum.threads import ListFilter
from tests.conftest import executed
from tests.factories import make_answer, make_category, make_thread, make_user


def _kept() -> dict[int, tuple[int, int]]:
    db.session.expire_all()
    return {c.id: (c.thread_count, c.solved_count) for c in db.session.scalars(select(Category))}


def _counted() -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Thread.category_id, func.count(Thread.id), func.count(Thread.accepted_post_id))
        .where(public_threads())
        .group_by(Thread.category_id)
    )
    counted = {c.id: (0, 0) for c in db.session.scalars(select(Category))}
    counted |= {cat: (n, solved) for cat, n, solved in rows}
    return counted


def test_counts_follow_every_change_to_a_thread(ctx):
    staff, volunteer = make_user(role=Role.STAFF), make_user(role=Role.VOLUNTEER)
    home, other = make_category("wallets"), make_category("fees")
    asked = [make_thread(make_user(), home, title=f"Question {i} about gas") for i in range(4)]
    assert _kept() == _counted() and _kept()[home.id] == (4, 0)
    answer = make_answer(asked[0], make_user())
    answers.accept(volunteer, answer)  # solved
    assert _kept()[home.id] == (4, 1)
    answers.unaccept(volunteer, asked[0])
    assert _kept()[home.id] == (4, 0)
    answers.accept(volunteer, answer)
    threads.move(staff, asked[0], other)  # the solved thread moves
    assert _kept() == _counted() and _kept()[other.id] == (1, 1)
    threads.delete_post(staff, threads.question_of(asked[1]))  # the whole thread goes
    assert _kept() == _counted()
    threads.restore_post(staff, threads.question_of(asked[1]))
    assert _kept() == _counted() and _kept()[home.id] == (3, 0)
    tickets.escalate(staff, asked[2], "account_data")  # private: no longer counted
    assert _kept() == _counted() and _kept()[home.id] == (2, 0)
    newbie = make_user(trust=0)
    held = make_thread(newbie, home, title="Wallet help", body="Go to https://example.com/fix")
    assert held.is_held and _kept() == _counted()
    trust.approve(volunteer, threads.question_of(held))
    assert _kept() == _counted() and _kept()[home.id] == (3, 0)


def test_recount_repairs_counts_after_bulk_writes(ctx):
    category = make_category()
    make_thread(make_user(), category)
    db.session.execute(Category.__table__.update().values(thread_count=99, solved_count=7))
    db.session.commit()
    category_counts.recount(db.session.connection())
    db.session.commit()
    assert _kept() == _counted()


COUNTING = re.compile(r"\bcount\s*\(|\bGROUP BY\b", re.I)


def _statements(app, fn) -> list[str]:
    return [" ".join(sql.split()) for sql, _ in executed(app, fn)]


def test_list_pages_do_not_count_threads(app, ctx, client, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    monkeypatch.setitem(app.config, "FORUM_THREADS_PER_PAGE", 2)
    category = make_category("wallets")
    for i in range(5):
        make_thread(make_user(), category, title=f"Transfer question {i}")
    paths = ["/", "/c/wallets", "/c/wallets?page=2", "/latest", "/latest?show=solved"]
    paths += ["/c/wallets?show=unsolved", "/latest?page=3"]
    for path in paths:
        client.get(path)  # warm (expected waits, etc.)
        sql = _statements(app, lambda path=path: client.get(path))
        over_threads = [s for s in sql if COUNTING.search(s) and "threads" in s]
        assert not over_threads, (path, over_threads)
    page = client.get("/c/wallets").get_data(as_text=True)
    assert 'href="/c/wallets?page=3"' in page  # 5 threads, 2 a page: the links still add up
    assert threads.category_page(category, 1, ListFilter.ALL).total == 5
    assert threads.latest_page(2, ListFilter.UNSOLVED).pages == 3


def test_unanswered_pages_count_a_bounded_number_of_rows(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_THREADS_PER_PAGE", 2)
    category = make_category()
    for i in range(30):
        make_thread(make_user(), category, title=f"Unanswered question {i}")
    first = threads.category_page(category, 1, ListFilter.UNANSWERED)
    assert first.total == 2 * (1 + threads.UNANSWERED_LOOKAHEAD)  # bounded: 22 of 30
    assert threads.category_page(category, 10, ListFilter.UNANSWERED).total == 30
