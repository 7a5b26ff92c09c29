"""NUL and other C0 control characters (tab and newlines kept) are stripped from every text
input: forms, query arguments, URL paths, and the domain write path. PostgreSQL refuses NUL in
text, so before this a NUL answered 500 there."""

from __future__ import annotations

from sqlalchemy import select

from forum import accounts
from forum.extensions import db
from forum.models import Post, Thread, User
from tests.factories import make_category, make_thread, make_user

DIRTY = "Tried\x00 restarting\x07 the app\x1b[31m\tthen\r\nagain\x7f"
CLEAN = "Tried restarting the app[31m\tthen\r\nagain"


def test_forms_strip_control_characters(ctx, login):
    make_category("account")
    member = make_user()
    browser = login(member)
    data = {"category": "account", "title": "Balance\x00 wrong after update",
            "body": DIRTY, "app_version": "2.9\x00.1", "checked_similar": "1"}  # fmt: skip
    response = browser.post("/ask", data, page="/ask")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    thread = db.session.scalar(select(Thread))
    assert thread.title == "Balance wrong after update" and thread.app_version == "2.9.1"
    post = db.session.scalar(select(Post))
    assert post.body_source == CLEAN
    response = browser.post(f"/t/{thread.id}/reply", {"body": DIRTY}, page=f"/t/{thread.id}")
    assert response.status_code == 302
    assert browser.post("/settings", {"bio": DIRTY}, page="/settings").status_code == 302
    assert db.session.get(User, member.id).bio == CLEAN.strip()


def test_query_arguments_and_paths_strip_control_characters(ctx, login, client):
    thread = make_thread()
    assert client.get("/search?q=gas%00fee").status_code == 200
    assert client.get("/search?q=%00&category=%00&from=%00").status_code == 200
    assert client.get(f"/t/{thread.id}?sort=%00").status_code == 200
    assert client.get("/u/no%00body").status_code == 404
    staff = login(make_user(role="staff"))
    assert staff.get("/tickets?status=%00open").status_code == 200
    assert staff.get("/queue?os=%00").status_code == 200
    admin = login(make_user(role="admin"))
    assert admin.get("/admin/users?q=%00user").status_code == 200
    assert admin.get("/admin/audit?action=%00").status_code == 200


def test_domain_write_path_strips_control_characters(ctx):
    member = make_user()
    accounts.update_profile(member, member, bio=DIRTY, locale=None, timezone=None)
    db.session.expire_all()
    assert db.session.get(User, member.id).bio == CLEAN
