"""Admin and staff pages: categories (create, edit, reorder), people and roles, audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from forum import categories, threads
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, Role, User
from tests.factories import default_categories, make_user

NEW = {"slug": "nft", "name_en": "NFTs", "name_zh": "数字藏品", "description_en": "Collectibles",
       "description_zh": "数字藏品问题", "staff_only": False}  # fmt: skip


def test_admins_create_edit_and_reorder_categories(ctx):
    default_categories()
    admin = make_user("cat_admin", Role.ADMIN)
    created = categories.save(admin, None, **NEW)
    assert threads.all_categories()[-1].slug == "nft"
    categories.save(admin, created, **{**NEW, "name_en": "NFTs and collectibles"})
    assert created.name("en") == "NFTs and collectibles" and created.name("zh") == "数字藏品"
    categories.shift(admin, created, -1)
    assert [c.slug for c in threads.all_categories()][-2:] == ["nft", "announcements"]
    with pytest.raises(DomainError):
        categories.save(admin, None, **{**NEW, "slug": "Bad Slug!"})
    with pytest.raises(DomainError):
        categories.save(admin, None, **NEW)  # the address is taken
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["category_create", "category_edit", "category_move"]


def test_staff_cannot_manage_categories(ctx):
    with pytest.raises(Forbidden):
        categories.save(make_user(role=Role.STAFF), None, **NEW)


def test_admin_pages_over_http(ctx, login):
    default_categories()
    admin, member = make_user("page_admin", Role.ADMIN), make_user("page_member")
    browser = login(admin)
    assert "page_member" in browser.get("/admin/users?q=page_m").get_data(as_text=True)
    response = browser.post(f"/admin/users/{member.id}/role", {"role": "volunteer"},
                            page="/admin/users")  # fmt: skip
    assert response.status_code == 302
    assert db.session.get(User, member.id).role == Role.VOLUNTEER
    assert "role_change" in browser.get("/admin/audit").get_data(as_text=True)
    response = browser.post("/admin/categories/new", NEW, page="/admin/categories/new")
    assert response.status_code == 302
    assert "数字藏品" in browser.get("/admin/categories").get_data(as_text=True)
    for url in ("/admin/users", "/admin/audit", "/admin/categories", "/staff/metrics",
                "/staff/reports", "/tickets"):  # fmt: skip
        assert login(member).get(url).status_code == 403, url
        assert browser.get(url).status_code == 200, url
