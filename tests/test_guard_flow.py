"""What the guard does to posts over HTTP: personal data in public, secrets everywhere."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Thread
from tests.factories import make_category, make_thread, make_user

ASK = {"category": "account", "title": "Cannot log in to the wallet", "checked_similar": "1"}


def test_personal_data_in_a_public_question_offers_choices(ctx, login):
    make_category("account")
    browser = login(make_user())
    data = {**ASK, "body": "Write to me at lin.xiao@example.com or 13812345678"}
    response = browser.post("/ask", data, page="/ask")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "personal data" in html and "an email address" in html and "a phone number" in html
    assert "lin.xiao@example.com" in html  # nothing lost
    assert 'name="private" value="y"' in html and 'name="personal_ok" value="1"' in html
    assert db.session.scalar(select(func.count(Post.id))) == 0
    # Posting anyway stores it publicly...
    response = browser.post("/ask", {**data, "personal_ok": "1"}, page="/ask")
    assert response.status_code == 302
    assert not db.session.scalar(select(Thread)).is_private


def test_personal_data_can_go_to_staff_privately(ctx, login):
    make_category("account")
    browser = login(make_user())
    data = {**ASK, "body": "My ID is 11010519491231002X, please check my account"}
    response = browser.post("/ask", {**data, "private": "y"}, page="/ask")
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.is_private and thread.ticket is not None


def test_reply_with_personal_data_can_become_a_private_follow_up(ctx, login):
    thread = make_thread(make_user(), make_category("account"))
    member = make_user()
    browser = login(member)
    page = f"/t/{thread.id}"
    body = "Same here, my phone is +44 20 7946 0958"
    first = browser.post(f"/t/{thread.id}/reply", {"body": body}, page=page)
    assert first.status_code == 422 and "+44 20 7946 0958" in first.get_data(as_text=True)
    response = browser.post(f"/t/{thread.id}/reply", {"body": body, "private": "y"}, page=page)
    assert response.status_code == 302
    ticket = db.session.scalar(select(Thread).where(Thread.is_private.is_(True)))
    assert ticket.author_id == member.id and thread.title in ticket.title
    assert db.session.get(Thread, thread.id).reply_count == 0


def test_tx_hash_is_not_refused(ctx, login):
    make_category("transactions")
    browser = login(make_user())
    tx = "0x" + "5e1d3a" * 10 + "abcd"
    response = browser.post(
        "/ask",
        {**ASK, "category": "transactions", "title": "USDT not arrived after 2 hours",
         "body": f"tx hash: {tx}\nSent 200 USDT to my exchange, still pending."},
        page="/ask",
    )  # fmt: skip
    assert response.status_code == 302


def test_private_key_is_refused_and_not_logged(ctx, login, caplog):
    make_category("account")
    browser = login(make_user())
    key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    response = browser.post(
        "/ask", {**ASK, "body": f"my private key is {key} can you check"}, page="/ask"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "secret-warning" in html
    assert key not in html and "can you check" in html
    assert key not in caplog.text and "private_key" in caplog.text
    assert db.session.scalar(select(func.count(Post.id))) == 0


BARE = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def test_bare_0x_hex_in_a_question_asks_hash_or_key(ctx, login):
    make_category("account")
    browser = login(make_user())
    data = {**ASK, "body": f"It showed this after I tapped the button:\n{BARE}\nwhat now?"}
    response = browser.post("/ask", data, page="/ask")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "unclear-key-warning" in html
    assert 'name="key_choice" value="hash"' in html and 'name="key_choice" value="key"' in html
    assert BARE in html and "what now?" in html  # the form keeps all typed text
    assert db.session.scalar(select(func.count(Post.id))) == 0
    # "It's a transaction hash — post it"
    response = browser.post("/ask", {**data, "key_choice": "hash"}, page="/ask")
    assert response.status_code == 302
    assert BARE in db.session.scalar(select(Post)).body_source


def test_bare_0x_hex_marked_as_key_is_removed_and_not_stored(ctx, login, caplog):
    make_category("account")
    browser = login(make_user())
    data = {**ASK, "body": f"It showed this after I tapped the button:\n{BARE}\nwhat now?"}
    response = browser.post("/ask", {**data, "key_choice": "key"}, page="/ask")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "secret-warning" in html
    assert BARE not in html and BARE[2:] not in html and "what now?" in html
    assert BARE[2:] not in caplog.text
    assert db.session.scalar(select(func.count(Post.id))) == 0


def test_bare_0x_hex_in_an_answer_asks_then_posts(ctx, login):
    thread = make_thread(make_user(), make_category("transactions"))
    browser = login(make_user())
    page = f"/t/{thread.id}"
    body = f"Mine looks the same:\n{BARE}"
    first = browser.post(f"/t/{thread.id}/reply", {"body": body}, page=page)
    html = first.get_data(as_text=True)
    assert first.status_code == 422 and "unclear-key-warning" in html and BARE in html
    assert db.session.get(Thread, thread.id).reply_count == 0
    response = browser.post(
        f"/t/{thread.id}/reply", {"body": body, "key_choice": "hash"}, page=page
    )
    assert response.status_code == 302
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_bare_0x_hex_with_a_context_word_is_not_asked_about(ctx, login):
    make_category("transactions")
    browser = login(make_user())
    body = f"My transfer is stuck, tx {BARE}"
    response = browser.post("/ask", {**ASK, "category": "transactions", "body": body}, page="/ask")
    assert response.status_code == 302
