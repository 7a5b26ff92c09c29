"""A staff member on a phone adds a synonym group from a query that found nothing, sees the
editor's refusal of a group of one, and deletes the group after confirming."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import GlossaryGroup, Role
from forum.search import analytics
from tests.browser.conftest import ui_login
from tests.factories import make_user


def test_staff_add_a_synonym_from_search_analytics_on_a_phone(ctx, chromium, live_server):
    make_user("glossary_phone", Role.STAFF)
    analytics.record(None, "币没到", 0)
    context = chromium.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        ui_login(page, "glossary_phone")
        page.goto("/staff/search-analytics")
        page.locator("a.add-synonym").first.click()
        entries = page.locator("#entries")
        assert entries.input_value() == "币没到|"
        page.locator("main form button[type=submit]").click()  # a group of one
        assert "at least two different entries" in page.locator(".field .error").inner_text()
        entries.fill("币没到|没到账|not arrived")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/staff/glossary")
        assert "币没到 · 没到账 · not arrived" in page.locator("#staff-groups").inner_text()
        assert page.locator("#glossary-status").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        db.session.expire_all()
        assert db.session.scalar(select(GlossaryGroup.entries)) == "币没到|没到账|not arrived"

        page.locator("#staff-groups a", has_text="Delete").click()
        assert "Delete this group?" in page.locator("main").inner_text()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/staff/glossary")
        assert "Staff have not added any group yet." in page.locator("main").inner_text()
    finally:
        context.close()
