"""Two-factor authentication for staff: enrolment, the second log-in step, replay and
recovery codes, the enrolment gate, throttled codes and recent re-authentication."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pyotp
import pytest

from forum import twofactor
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Role, User
from tests.conftest import Browser, csrf_from
from tests.factories import PASSWORD, make_user

SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, inline, no script
    secret = SECRET_RE.search(page).group(1)
    response = client.post(
        "/account/two-factor",
        data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()},
    )
    html = response.get_data(as_text=True)
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", html)
    assert len(codes) == 10, html[:2000]
    return secret, codes


def test_staff_must_enrol_before_anything_else(app, ctx, staff_2fa):
    make_user("new_staff", Role.STAFF)
    b = Browser(app.test_client())
    b.login("new_staff")
    for url in ("/tickets", "/admin/users", "/"):
        response = b.get(url)
        assert response.status_code == 302 and "/account/two-factor" in response.location
    _enrol(b.client)
    assert b.get("/tickets").status_code == 200


def test_members_are_not_asked(app, ctx, staff_2fa):
    make_user("plain_member")
    b = Browser(app.test_client())
    b.login("plain_member")
    assert b.get("/").status_code == 200


def _login_with_second_step(app, name: str, code_for) -> Browser:
    b = Browser(app.test_client())
    response = b.post("/login", {"username": name, "password": PASSWORD}, page="/login")
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert b.get("/tickets").status_code == 302  # not logged in yet
    page = b.get("/login/code").get_data(as_text=True)
    response = b.client.post(
        "/login/code", data={"csrf_token": csrf_from(page), "code": code_for()}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return b


def test_log_in_with_a_code_then_replay_and_recovery_codes(app, ctx, staff_2fa):
    user = make_user("guarded", Role.STAFF)
    b = Browser(app.test_client())
    b.login("guarded")
    secret, codes = _enrol(b.client)
    totp = pyotp.TOTP(secret)
    # the enrolment used the current step: the same code cannot be used again (replay)
    b2 = Browser(app.test_client())
    b2.post("/login", {"username": "guarded", "password": PASSWORD}, page="/login")
    page = b2.get("/login/code").get_data(as_text=True)
    again = b2.client.post("/login/code", data={"csrf_token": csrf_from(page), "code": totp.now()})
    assert again.status_code == 200 and "not right" in again.get_data(as_text=True)
    # a code from a later time step works (simulated by moving the last used step back)
    user.totp_last_step = totp.timecode(datetime.now(UTC)) - 2
    db.session.commit()
    b3 = _login_with_second_step(app, "guarded", totp.now)
    assert b3.get("/tickets").status_code == 200
    # a recovery code works once
    _login_with_second_step(app, "guarded", lambda: codes[0])
    b5 = Browser(app.test_client())
    b5.post("/login", {"username": "guarded", "password": PASSWORD}, page="/login")
    page = b5.get("/login/code").get_data(as_text=True)
    reused = b5.client.post("/login/code", data={"csrf_token": csrf_from(page), "code": codes[0]})
    assert reused.status_code == 200
    assert twofactor.remaining_codes(user) == 9


def test_wrong_codes_are_throttled(app, ctx):
    user = make_user("guessed", Role.STAFF)
    twofactor.start_enrolment(user)
    twofactor.confirm_enrolment(user, pyotp.TOTP(user.totp_secret).now(), address="1.1.1.1")
    for _ in range(app.config["FORUM_LOGIN_PAIR_MAX"]):
        assert not twofactor.verify(user, "000000", address="6.6.6.6")
    with pytest.raises(DomainError):
        twofactor.verify(user, "000000", address="6.6.6.6")


def test_secrets_and_codes_are_stored_as_designed(app, ctx):
    from forum.models import RecoveryCode

    user = make_user("stored", Role.ADMIN)
    twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, pyotp.TOTP(user.totp_secret).now(), address="1.1.1.1")
    hashes = {row.code_hash for row in db.session.query(RecoveryCode)}
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & hashes


def test_role_changes_need_recent_reauthentication(app, ctx):
    admin = make_user("boss", Role.ADMIN)
    member = make_user("rising")
    b = Browser(app.test_client())
    b.login("boss")
    with b.client.session_transaction() as s:
        s["reauth_at"] = time.time() - app.config["FORUM_REAUTH_MINUTES"] * 60 - 1
    response = b.post(f"/admin/users/{member.id}/role", {"role": "volunteer"},
                      page="/admin/users", headers={"Referer": "http://localhost/admin/users"})  # fmt: skip
    assert response.status_code == 302 and "/reauth" in response.location

    def db_role():
        return db.session.get(User, member.id).role

    assert db_role() == Role.MEMBER
    page = b.get(response.location).get_data(as_text=True)
    wrong = b.client.post(response.location, data={"csrf_token": csrf_from(page), "secret": "no"})
    assert wrong.status_code == 200
    ok = b.client.post(response.location, data={"csrf_token": csrf_from(page), "secret": PASSWORD})
    assert ok.status_code == 302 and ok.location.endswith("/admin/users")
    b.post(f"/admin/users/{member.id}/role", {"role": "volunteer"}, page="/admin/users")
    assert db_role() == Role.VOLUNTEER
    assert admin.id


def test_admin_resets_a_lost_phone(app, ctx):
    admin = make_user("boss", Role.ADMIN)
    staff = make_user("lost_phone", Role.STAFF)
    twofactor.start_enrolment(staff)
    twofactor.confirm_enrolment(staff, pyotp.TOTP(staff.totp_secret).now(), address="1.1.1.1")
    twofactor.reset(admin, staff)
    assert not twofactor.is_enrolled(staff) and twofactor.remaining_codes(staff) == 0
