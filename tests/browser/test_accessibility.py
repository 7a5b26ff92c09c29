"""axe-core (the engine behind Lighthouse's accessibility audit) on the main pages, in both
languages: no serious or critical violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from forum import answers, tickets
from forum.models import Role
from forum.search import outbox as search_outbox
from tests.browser.conftest import ui_login
from tests.factories import default_categories, make_answer, make_thread, make_user

AXE = Axe()


def _problems(page) -> list[str]:
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_main_pages_have_no_serious_accessibility_problems(ctx, chromium, live_server, locale):
    cats = default_categories()
    volunteer = make_user("a11y_vol", Role.VOLUNTEER)
    thread = make_thread(make_user("a11y_asker"), cats[1], title="USDT 转账一直显示等待确认",
                         device_os="android", app_version="2.9.1")  # fmt: skip
    answers.accept(volunteer, make_answer(thread, make_user(), "Stake TRX for **energy**."))
    make_user("a11y_member")
    staff = make_user("a11y_staff", Role.ADMIN)
    ticket = make_thread(make_user(), cats[0], title="My account shows a strange balance")
    tickets.escalate(staff, ticket, "account_data")
    tickets.add_note(staff, ticket, "Checked on chain.")
    search_outbox.sync()
    context = chromium.new_context(base_url=live_server, locale=locale)
    page = context.new_page()
    try:
        anonymous = ["/", "/latest", f"/c/{cats[1].slug}", f"/t/{thread.id}", "/search?q=转账",
                     "/login", "/register"]  # fmt: skip
        problems = {}
        for url in anonymous:
            page.goto(url)
            problems[url] = _problems(page)
        ui_login(page, "a11y_member")
        for url in ("/ask", f"/t/{thread.id}", "/settings", "/notifications", "/tickets/mine"):
            page.goto(url)
            problems["member " + url] = _problems(page)
        context.clear_cookies()
        ui_login(page, "a11y_staff")
        for url in (f"/t/{ticket.id}", "/tickets", "/queue", "/admin/users", "/admin/audit",
                    "/admin/categories", "/staff/metrics", "/staff/reports",
                    f"/t/{thread.id}/escalate"):  # fmt: skip
            page.goto(url)
            problems["staff " + url] = _problems(page)
        assert {url: p for url, p in problems.items() if p} == {}
    finally:
        context.close()
