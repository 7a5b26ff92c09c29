"""HTTP-level guarantees: CSRF on every state change, login on every write, stale cookies,
safe redirects, security headers."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from forum.views.safe_next import safe_next
from tests.factories import default_categories, make_answer, make_thread, make_user

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# RFC 8058 one-click unsubscribe: mail clients POST without a session; the signed token in the
# URL is the only credential (tests/test_emails.py: a forged token answers 404).
NO_CSRF = {"emails.unsubscribe"}


def _url_for_rule(rule: Rule, ids: dict[str, object]) -> str:
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(r"<(?:[^:<>]+:)?" + arg + ">", str(ids[arg]), url)
    return url


def _world():
    cats = default_categories()
    admin = make_user("root_admin", "admin")
    member = make_user("member1")
    thread = make_thread(member, cats[0])
    post = make_answer(thread, make_user("helper1", "volunteer"))
    ids = {"thread_id": thread.id, "post_id": post.id, "user_id": member.id,
           "slug": cats[0].slug, "username": member.username, "filename": "css/forum.css",
           "flag_id": 1, "token": "not-a-valid-token",
           "attachment_id": 1, "ext": "png", "group_id": 1}  # fmt: skip
    return admin, ids


def _write_rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.methods & STATE_CHANGING]


def test_every_state_changing_route_needs_a_csrf_token(app, ctx, login):
    admin, ids = _world()
    rules = _write_rules(app)
    assert len(rules) >= 15, "the URL map lost its write routes?"
    browser = login(admin)
    for rule in rules:
        if rule.endpoint in NO_CSRF:
            continue
        url = _url_for_rule(rule, ids)
        response = browser.client.post(url, data={"body": "x" * 20, "role": "staff"})
        assert response.status_code == 400, f"{url} accepted a POST without CSRF token"
        assert "expired" in response.get_data(as_text=True)


def test_every_write_route_needs_login(app, ctx, client):
    _admin, ids = _world()
    app.config["WTF_CSRF_ENABLED"] = False  # isolate the login check from the CSRF check
    try:
        for rule in _write_rules(app):
            if rule.endpoint in {
                "auth.login",
                "auth.register",
                "main.switch_language",
                "emails.forgot_password",
                "emails.reset_password",
                *NO_CSRF,
            }:
                continue
            response = client.post(_url_for_rule(rule, ids), data={"body": "x" * 20})
            assert response.status_code in (302, 401), rule.rule
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], rule.rule
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_old_session_cookie_fails_after_logout(app, ctx, login):
    user = make_user("cookie_owner")
    browser = login(user)
    assert browser.get("/settings").status_code == 200
    stolen = browser.client.get_cookie("session").value
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_old_session_cookie_fails_after_password_change(app, ctx, login):
    user = make_user("pw_owner")
    browser = login(user)
    stolen = browser.client.get_cookie("session").value
    response = browser.post(
        "/settings/password",
        {"current": "correct horse battery", "password": "a new long passphrase 密码",
         "confirm": "a new long passphrase 密码"},
        page="/settings",
    )  # fmt: skip
    assert response.status_code == 302
    assert browser.get("/settings").status_code == 200, "the changer stays logged in"
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/settings").status_code == 302


@pytest.mark.parametrize(
    "target",
    ["//evil.com", "/\\evil.com", "\\\\evil.com", "https://evil.com", "javascript:alert(1)",
     "///evil.com", "/\t/evil.com", " /ok", "http:/evil.com", "", "evil.com", "/%0a/x\n",
     "/\\/evil.com", "\x00/x"],
)  # fmt: skip
def test_unsafe_next_is_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(
    "target", ["/", "/t/12", "/c/account?page=2", "/u/小林", "/search?q=%E8%BD%AC"]
)
def test_safe_next_is_kept(target):
    assert safe_next(target) == target


def test_login_redirects_only_on_site(app, ctx, browser):
    make_user("nexter")
    token = browser.token("/login")
    response = browser.client.post(
        "/login?next=//evil.com/x",
        data={"csrf_token": token, "username": "nexter", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_security_headers(client, ctx):
    default_categories()
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style_in_pages(client, ctx):
    cats = default_categories()
    thread = make_thread(make_user(), cats[0])
    for url in ("/", f"/t/{thread.id}", "/login", "/register", f"/c/{cats[0].slug}"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert " style=" not in html, url


def test_private_and_missing_things_answer_404(client, ctx):
    assert client.get("/t/999999").status_code == 404
    assert client.get("/u/nobody-here").status_code == 404
    assert client.get("/c/nope").status_code == 404
