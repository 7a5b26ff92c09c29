"""In the browser: a new member's scam reply is held (another member never sees it, a
volunteer finds it in the review queue), and a second scam report hides a post."""

from __future__ import annotations

from contextlib import contextmanager

from tests.browser.conftest import ui_login
from tests.factories import default_categories, make_answer, make_thread, make_user

LURE = "Same problem here, fixed it in 5 minutes. DM me on Telegram @wombat_fix_desk"


@contextmanager
def person(chromium, live_server, username: str):
    """A separate browser (own cookies) logged in as username."""
    context = chromium.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    ui_login(page, username)
    try:
        yield page
    finally:
        context.close()


def test_a_new_members_scam_reply_waits_in_the_review_queue(ctx, page, chromium, live_server):
    cats = default_categories()
    thread = make_thread(make_user("asker_wu"), cats[0], title="USDT stuck pending on TRON")
    make_user("fresh_account", trust=0)
    make_user("reader_li")
    make_user("vol_zhou", "volunteer")

    ui_login(page, "fresh_account")
    page.goto(f"/t/{thread.id}")
    page.locator("#reply-form textarea").fill(LURE)
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash", has_text="held for review").count() == 1
    held = page.locator("article.post.held")
    assert "wombat_fix_desk" in held.inner_text()
    assert "private chat" in held.locator(".held-notice").inner_text()

    with person(chromium, live_server, "reader_li") as reader:
        reader.goto(f"/t/{thread.id}")
        assert "wombat_fix_desk" not in reader.content()
    with person(chromium, live_server, "vol_zhou") as volunteer:
        volunteer.goto("/review")
        item = volunteer.locator(".review-queue li", has_text="wombat_fix_desk")
        assert item.count() == 1
        assert "invites people to a private chat" in item.inner_text()
        item.get_by_role("button", name="Reject", exact=True).click()
        volunteer.wait_for_load_state()
        assert volunteer.locator(".review-queue li", has_text="wombat_fix_desk").count() == 0


def test_a_second_scam_report_hides_a_post(ctx, page, chromium, live_server):
    cats = default_categories()
    thread = make_thread(make_user("asker_ma"), cats[0], title="Swap failed but fee was taken")
    post = make_answer(thread, make_user("smooth_talker"), "Validate your wallet and it syncs.")
    make_user("reporter_one")
    make_user("reporter_two")

    for name in ("reporter_one", "reporter_two"):
        with person(chromium, live_server, name) as reporter:
            reporter.goto(f"/t/{thread.id}")
            assert "Validate your wallet" in reporter.content()
            reporter.locator(f"#p{post.id} a.report").click()
            reporter.locator("input[value=scam]").check()
            reporter.get_by_role("button", name="Send report").click()
            reporter.wait_for_load_state()

    page.goto(f"/t/{thread.id}")  # anonymous
    assert "Validate your wallet" not in page.content()
    ui_login(page, "smooth_talker")
    page.goto(f"/t/{thread.id}")
    assert "members reported it as a scam" in page.locator(f"#p{post.id}").inner_text()
