"""Asking, answering, editing, deleting and listing threads."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden, NotFound

from forum import metrics, threads
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Post, Role, SearchOutbox, Thread
from forum.threads import AnswerOrder, ListFilter
from tests.conftest import executed
from tests.factories import make_answer, make_category, make_thread, make_user


def test_ask_stores_the_details_a_good_question_has(ctx):
    category = make_category()
    thread = make_thread(
        make_user(), category, title="  App crashes   on launch ", body="It crashes.",
        device_os="ios", app_version="2.9.1", happened_at=datetime(2026, 11, 20, 9, 30),
        contact_pref="notify",
    )  # fmt: skip
    assert thread.title == "App crashes on launch"
    assert (thread.device_os, thread.app_version, thread.contact_pref) == ("ios", "2.9.1", "notify")
    assert threads.question_of(thread).body_html == "<p>It crashes.</p>\n"
    assert threads.question_of(thread).body_text == "It crashes."  # search snippets read it
    kinds = {(r.kind, r.object_id) for r in db.session.scalars(select(SearchOutbox))}
    assert ("post", threads.question_of(thread).id) in kinds


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": "hi"}, "title"), ({"body": "   "}, "body"), ({"device_os": "nokia"}, None),
     ({"happened_at": datetime(2099, 1, 1)}, "happened_at")],
)  # fmt: skip
def test_bad_questions_are_refused_with_a_reason(ctx, fields, field):
    with pytest.raises(DomainError) as info:
        make_thread(make_user(), make_category(), **fields)
    assert info.value.field == field


def test_staff_only_categories(ctx):
    announcements = make_category(staff_only=True)
    with pytest.raises(Forbidden):
        make_thread(make_user(role=Role.VOLUNTEER), announcements)
    assert make_thread(make_user(role=Role.STAFF), announcements).id


def test_double_submit_makes_one_thread_and_one_reply(ctx):
    category, author = make_category(), make_user()
    first = threads.ask(
        author, category, title="Pending transfer", body="Help", submission_key="k1"
    )
    again = threads.ask(
        author, category, title="Pending transfer", body="Help", submission_key="k1"
    )
    assert first.id == again.id
    r1 = threads.reply(author, first, "more info", submission_key="k2")
    r2 = threads.reply(author, first, "more info", submission_key="k2")
    assert r1.id == r2.id
    assert db.session.scalar(select(func.count(Post.id))) == 2
    assert db.session.get(Thread, first.id).reply_count == 1


def test_reply_updates_counters_and_first_response(ctx):
    asker = make_user()
    thread = make_thread(asker)
    make_answer(thread, asker, "Some more details from me.")
    assert thread.first_response_at is None
    helper = make_user()
    post = make_answer(thread, helper)
    thread = db.session.get(Thread, thread.id)
    assert thread.reply_count == 2
    assert thread.first_response_at == post.created_at
    assert thread.last_poster_id == helper.id


def test_edit_marks_and_permissions(ctx):
    author, other, staff = make_user(), make_user(), make_user(role=Role.STAFF)
    thread = make_thread(author)
    question = threads.question_of(thread)
    threads.edit_post(author, question, "Updated body", title="Updated title here")
    assert question.edited_at is not None and question.edited_by_id == author.id
    assert thread.title == "Updated title here"
    with pytest.raises(Forbidden):
        threads.edit_post(other, question, "hijack")
    threads.edit_post(staff, question, "Tidied by staff")
    assert question.body_html == "<p>Tidied by staff</p>\n"
    assert question.body_text == "Tidied by staff"


def test_soft_delete_and_restore(ctx):
    author, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(author)
    answer = make_answer(thread)
    viewer = make_user()
    threads.delete_post(staff, answer)
    assert threads.answers_page(viewer, thread, 1, AnswerOrder.OLDEST).items == []
    assert [p.id for p in threads.answers_page(staff, thread, 1, AnswerOrder.OLDEST).items] == [
        answer.id
    ]
    threads.restore_post(staff, answer)
    threads.delete_post(staff, threads.question_of(thread))
    with pytest.raises(NotFound):
        threads.get_thread(viewer, thread.id)
    assert threads.get_thread(staff, thread.id).is_deleted
    assert threads.category_page(thread.category, 1, ListFilter.ALL).items == []


def test_locked_threads_take_no_member_replies(ctx):
    staff = make_user(role=Role.STAFF)
    thread = make_thread()
    threads.set_locked(staff, thread, True)
    with pytest.raises(Forbidden):
        threads.reply(make_user(), thread, "me too")
    assert threads.reply(staff, thread, "Locked: see announcement.").id


def test_category_pages_paginate_by_last_activity(app, ctx):
    category = make_category()
    made = [make_thread(make_user(), category, title=f"Question number {i}") for i in range(30)]
    make_answer(made[0])  # the oldest thread has the newest activity
    page1 = threads.category_page(category, 1, ListFilter.ALL)
    assert page1.total == 30 and len(page1.items) == app.config["FORUM_THREADS_PER_PAGE"]
    assert page1.items[0].id == made[0].id
    page2 = threads.category_page(category, 2, ListFilter.ALL)
    assert len(page2.items) == 30 - app.config["FORUM_THREADS_PER_PAGE"]


def test_list_pages_read_ids_first_and_keep_the_order(app, ctx):
    # listing.page_of: a page's ids from the thread columns alone, then their rows, in the
    # same order as one ORDER BY ... OFFSET over everything (pinned first, ties by id).
    category, other = make_category("wallet"), make_category("trading")
    made = [make_thread(make_user(), category, title=f"Question number {i}") for i in range(9)]
    make_thread(make_user(), other, title="Elsewhere entirely")
    made[4].is_pinned = True
    made[6].is_held = True  # held: on no list
    same_time = made[0].last_activity_at
    for thread in made[1:3]:
        thread.last_activity_at = same_time  # ties: newest id first
    db.session.commit()
    app.config["FORUM_THREADS_PER_PAGE"], per_page = 3, app.config["FORUM_THREADS_PER_PAGE"]
    try:
        shown = [
            t.id
            for page in (1, 2, 3)
            for t in threads.category_page(category, page, ListFilter.ALL).items
        ]
        latest = [
            t.id for page in (1, 2, 3, 4) for t in threads.latest_page(page, ListFilter.ALL).items
        ]
    finally:
        app.config["FORUM_THREADS_PER_PAGE"] = per_page
    listed = [t for t in made if not t.is_held]
    by_activity = sorted(listed, key=lambda t: (t.last_activity_at, t.id), reverse=True)
    assert shown == [t.id for t in sorted(by_activity, key=lambda t: not t.is_pinned)]
    assert [i for i in latest if i in shown] == [t.id for t in by_activity]
    assert len(latest) == 9


def _count_queries(app, fn) -> int:
    return len(executed(app, fn))


def test_query_count_is_constant_for_category_and_thread_pages(app, ctx, client, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)  # count the real render
    category = make_category()
    volunteer = make_user(role=Role.VOLUNTEER)

    def grow(n_threads: int, n_posts: int) -> Thread:
        thread = None
        for i in range(n_threads):
            thread = make_thread(make_user(), category, title=f"Thread {i} about fees")
        for _ in range(n_posts):
            make_answer(thread, make_user())
        return thread

    from forum import answers

    small = grow(2, 2)
    answers.accept(
        volunteer, threads.answers_page(volunteer, small, 1, AnswerOrder.OLDEST).items[1]
    )

    def category_page():
        metrics.forget_waits()  # the expected wait is computed once per process and 5 minutes
        return client.get(f"/c/{category.slug}")

    counts_small = (
        _count_queries(app, category_page),
        _count_queries(app, lambda: client.get(f"/t/{small.id}")),
    )
    big = grow(25, 28)
    answers.accept(volunteer, threads.answers_page(volunteer, big, 1, AnswerOrder.OLDEST).items[3])
    counts_big = (
        _count_queries(app, category_page),
        _count_queries(app, lambda: client.get(f"/t/{big.id}")),
    )
    assert counts_big == counts_small, (counts_small, counts_big)
    assert counts_big[0] <= 6 and counts_big[1] <= 8, counts_big


def test_pages_for_empty_forum(client, ctx):
    category = make_category()
    assert "No threads in this category yet" in client.get(f"/c/{category.slug}").get_data(True)
    assert "No questions yet" in client.get("/").get_data(as_text=True)


def test_ask_over_http_keeps_input_when_refused(login, ctx):
    category = make_category("account")
    browser = login(make_user())
    response = browser.post(
        "/ask",
        {"category": "account", "title": "x", "body": "My body text stays", "app_version": "2.9.1"},
        page="/ask",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "My body text stays" in html and 'value="2.9.1"' in html
    assert category.id


def test_posting_is_rate_limited_per_account_with_a_message(ctx, login, limits):
    thread = make_thread(make_user(), make_category())
    limits(FORUM_POST_RATE_LIMIT="2 per hour")
    first, second = login(make_user()), login(make_user())
    codes = [first.post(f"/t/{thread.id}/reply", {"body": f"reply {i}"}, page=f"/t/{thread.id}")
             .status_code for i in range(3)]  # fmt: skip
    assert codes == [302, 302, 429]
    limited = first.post(f"/t/{thread.id}/reply", {"body": "again"}, page=f"/t/{thread.id}")
    assert "Too many requests" in limited.get_data(as_text=True)
    # another account on the same address is not affected
    assert (
        second.post(f"/t/{thread.id}/reply", {"body": "mine"}, page=f"/t/{thread.id}").status_code
        == 302
    )


def test_concurrent_double_submits_store_one_post(app, ctx):
    """Two requests carrying the same form at the same moment: one post, same answer."""
    import threading

    thread = make_thread(make_user(), make_category())
    author = make_user()
    ids = (thread.id, author.id)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            with app.app_context():
                t, a = db.session.get(Thread, ids[0]), db.session.get(type(author), ids[1])
                barrier.wait()
                results.append(threads.reply(a, t, "same form twice", submission_key="dup").id)
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=submit) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    assert len(results) == 2 and results[0] == results[1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Post.id)).where(Post.submission_key == "dup")) == 1
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_ask_form_offers_only_categories_the_member_may_use(ctx, login):
    make_category("account")
    make_category("news", staff_only=True)
    page = login(make_user()).get("/ask").get_data(as_text=True)
    assert 'value="account"' in page and 'value="news"' not in page
    assert 'value="news"' in login(make_user(role=Role.STAFF)).get("/ask").get_data(as_text=True)


def test_rerender_refreshes_the_stored_plain_text(app, ctx):
    question = threads.question_of(make_thread(make_user(), body="Check **approvals** first."))
    question.body_text = "stale"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "rerender"])
    assert "Re-rendered 1 bodies." in result.output
    db.session.refresh(question)
    assert question.body_text == "Check approvals first."
