"""Accounts: registration rules, reserved names, argon2id passwords, roles and their audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from forum import accounts
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, Role
from tests.factories import make_user


@pytest.mark.parametrize(
    "name",
    ["admin", "Admin_2", "ＡＤＭＩＮ", "a.d.m.i.n", "Support-Team", "0fficial", "supp0rt",
     "TPWallet_help", "tp钱包小助手", "客服小美", "官方客服", "管理员", "moderator99", "аdmin",
     "TokenPocket", "the staff", "Off1cial"],
)  # fmt: skip
def test_names_that_imitate_staff_are_refused(ctx, name):
    with pytest.raises(DomainError) as info:
        accounts.register(name, "a long enough password")
    assert info.value.field == "username"


@pytest.mark.parametrize("name", ["小林", "链上老王", "Tom_K", "crypto.mei", "nova88", "张三丰"])
def test_ordinary_names_register(ctx, name):
    user = accounts.register(name, "a long enough password")
    assert user.role == Role.MEMBER
    assert accounts.find_by_name(name.upper()) == user


def test_operators_may_create_staff_with_reserved_names(ctx):
    user = accounts.register("官方客服", "a long enough password", role=Role.STAFF,
                             allow_reserved=True)  # fmt: skip
    assert user.role == Role.STAFF


def test_names_are_unique_ignoring_case_and_width(ctx):
    accounts.register("Tom_K", "a long enough password")
    with pytest.raises(DomainError, match="taken"):
        accounts.register("ｔｏｍ_ｋ", "a long enough password")


@pytest.mark.parametrize("bad", ["x", "has space", "a" * 33, "<script>", "名字!"])
def test_malformed_names(ctx, bad):
    with pytest.raises(DomainError):
        accounts.register(bad, "a long enough password")


def test_password_rules_and_argon2id(ctx):
    with pytest.raises(DomainError) as info:
        accounts.register("shorty", "123456789")
    assert info.value.field == "password"
    long_unicode = "我的钱包密码很长很长🔐" * 40
    user = accounts.register("unicode_pw", long_unicode)
    assert user.password_hash.startswith("$argon2id$")
    assert long_unicode not in user.password_hash
    assert accounts.authenticate("unicode_pw", long_unicode) == user
    assert accounts.authenticate("UNICODE_PW", long_unicode) == user
    assert accounts.authenticate("unicode_pw", long_unicode[:-1]) is None
    assert accounts.authenticate("nobody", long_unicode) is None


def test_role_changes_are_audited(ctx):
    admin = make_user("boss", Role.ADMIN)
    member = make_user("m1")
    accounts.set_role(admin, member, Role.VOLUNTEER)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.actor_id == admin.id and entry.target_id == member.id
    assert json.loads(entry.detail) == {"old": "member", "new": "volunteer"}


def test_staff_promote_volunteers_but_not_staff(ctx):
    staff = make_user("s1", Role.STAFF)
    member = make_user("m2")
    accounts.set_role(staff, member, Role.VOLUNTEER)
    assert member.role == Role.VOLUNTEER
    accounts.set_role(staff, member, Role.MEMBER)
    assert member.role == Role.MEMBER
    from werkzeug.exceptions import Forbidden

    with pytest.raises(Forbidden):
        accounts.set_role(staff, member, Role.STAFF)


def test_suspension_ends_sessions(ctx):
    staff = make_user("s2", Role.STAFF)
    member = make_user("m3")
    version = member.session_version
    accounts.set_suspended(staff, member, True)
    assert member.is_suspended and member.session_version == version + 1


def test_register_and_login_over_http(browser, ctx):
    token = browser.token("/register")
    response = browser.client.post("/register", data={
        "csrf_token": token, "username": "新用户", "email": "",
        "password": "long enough pw", "confirm": "long enough pw",
    })  # fmt: skip
    assert response.status_code == 302
    assert "新用户" in browser.get("/").get_data(as_text=True)


def test_rejected_registration_keeps_what_was_typed(browser, ctx):
    token = browser.token("/register")
    response = browser.client.post("/register", data={
        "csrf_token": token, "username": "官方客服", "email": "me@example.com",
        "password": "long enough pw", "confirm": "long enough pw",
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "looks like staff" in html
    assert 'value="官方客服"' in html and 'value="me@example.com"' in html
