"""Defects from the outside review: requests that crashed the forum (500s), double submits,
actions that claimed success without doing anything."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from forum import create_app, moderation, threads, tickets
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Flag, FlagReason, Role, Thread, Ticket
from forum.views import MAX_ID
from tests.factories import make_answer, make_category, make_thread, make_user

HUGE = ("18446744073709551616", str(2**31), "-1", "0", "1e9", "x")


def test_ticket_controls_on_a_public_thread_are_refused_not_a_500(ctx, login):
    thread = make_thread(make_user(), make_category())
    for user in (make_user(), make_user(role=Role.STAFF)):
        response = login(user).post(f"/t/{thread.id}/ticket", {"status": "open"})
        assert response.status_code == 403


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "18446744073709551616", "0"])
def test_ids_beyond_the_database_range_are_not_found(ctx, client, login, value):
    staff = login(make_user(role=Role.ADMIN))
    assert client.get(f"/t/{value}").status_code == 404
    assert staff.post(f"/p/{value}/vote").status_code == 404
    assert staff.post(f"/admin/users/{value}/role", {"role": "member"}).status_code == 404
    assert staff.post(f"/staff/reports/{value}", {"action": "dismiss"}).status_code == 404


def test_out_of_range_query_numbers_do_not_crash(ctx, client, login):
    category = make_category("wallets")
    thread = make_thread(make_user(), category)
    staff = login(make_user(role=Role.STAFF))
    for value in HUGE:
        for url in ("/", "/latest", f"/c/{category.slug}", f"/t/{thread.id}"):
            assert client.get(f"{url}?page={value}").status_code == 200, (url, value)
        for name in ("assignee", "category", "older", "page"):
            assert staff.get(f"/tickets?{name}={value}").status_code == 200, (name, value)
        assert staff.get(f"/queue?category={value}&page={value}").status_code == 200
        assert staff.get(f"/staff/metrics?days={value}").status_code == 200


def test_an_uncaught_domain_refusal_shows_its_message(app, ctx):
    other = create_app({**app.config, "INSTANCE_PATH": app.instance_path})

    @other.get("/__refuse_for_test")
    def _refuse():
        raise DomainError("This was refused for a reason.")

    response = other.test_client().get("/__refuse_for_test")
    assert response.status_code == 422
    assert "This was refused for a reason." in response.get_data(as_text=True)


def test_a_double_submit_opens_one_ticket(ctx, login):
    category = make_category("account")
    member, staff = make_user("memb"), make_user("stf", Role.STAFF)
    browser = login(staff)
    page = browser.get("/tickets/new").get_data(as_text=True)
    assert 'name="submission_key"' in page
    form = {"username": "memb", "category": "account", "title": "About your email to us",
            "body": "We got your email; let's continue here.", "submission_key": "k" * 32}  # fmt: skip
    first = browser.post("/tickets/new", form, page="/tickets/new")
    second = browser.post("/tickets/new", form, page="/tickets/new")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
    again = tickets.open_for(staff, member, category, title="About your email to us",
                             body="Same form again", submission_key="k" * 32)  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1
    assert again.author_id == member.id


def test_unknown_moderation_actions_are_refused_with_a_message(ctx, login):
    thread = make_thread(make_user(), make_category())
    post = make_answer(thread, make_user(), "Send me your phrase in a private message.")
    staff = login(make_user(role=Role.STAFF))
    response = staff.post(f"/t/{thread.id}/moderate", {"action": "explode"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Unknown moderation action." in text and "Done." not in text
    response = staff.post(f"/t/{thread.id}/moderate", {"action": "move", "category": "nowhere"},
                          follow_redirects=True)  # fmt: skip
    assert "Done." not in response.get_data(as_text=True)
    assert staff.post(f"/t/{thread.id}/moderate", {"action": "lock"}).status_code == 302
    assert db.session.get(Thread, thread.id).is_locked

    moderation.flag(make_user(), post, FlagReason.SCAM)
    flag = db.session.scalar(select(Flag))
    response = staff.post(f"/staff/reports/{flag.id}", {"action": "nuke"}, follow_redirects=True)
    assert "Unknown moderation action." in response.get_data(as_text=True)
    assert db.session.get(Flag, flag.id).resolved_at is None


def test_edits_are_rate_limited_per_account(ctx, login, limits):
    author = make_user()
    thread = make_thread(author, make_category())
    post = make_answer(thread, author, "First version of the answer.")
    limits(FORUM_EDIT_RATE_LIMIT="2 per hour")
    browser = login(author)
    page = f"/p/{post.id}/edit"
    codes = [browser.post(page, {"body": f"Version {i} of the answer."}, page=page).status_code
             for i in range(3)]  # fmt: skip
    assert codes == [302, 302, 429]


def test_a_huge_table_is_refused_quickly_with_a_message(ctx, login):
    author = make_user()
    thread = make_thread(author, make_category())
    post = make_answer(thread, author, "A short answer.")
    columns = 1500
    table = "|a" * columns + "|\n" + "|-" * columns + "|\n" + "a\n" * 4000  # 20,004 chars
    started = time.perf_counter()
    browser = login(author)
    page = f"/p/{post.id}/edit"
    response = browser.post(page, {"body": table[:20000]}, page=page)
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 422
    assert "Tables are limited to 2000 cells" in response.get_data(as_text=True)
    with pytest.raises(DomainError, match="Tables are limited"):
        threads.reply(author, thread, table[:20000])
    fine = "| coin | fee |\n| --- | --- |\n" + "| USDT | 1 |\n" * 50
    assert "<table>" in threads.reply(author, thread, fine).body_html
