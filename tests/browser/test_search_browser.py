"""Search in the browser: a Chinese query from the header box, and similar questions shown
while a title is typed on the ask page."""

from __future__ import annotations

from forum import answers
from forum.models import Role
from forum.search import outbox as search_outbox
from tests.browser.conftest import ui_login
from tests.factories import default_categories, make_answer, make_thread, make_user


def _corpus():
    cats = default_categories()
    volunteer = make_user("search_vol", Role.VOLUNTEER)
    solved = make_thread(
        make_user(), cats[1], title="USDT 转账一直显示等待确认",
        body="从交易所提币到钱包，两个小时还没到账，怎么办？",
    )  # fmt: skip
    answer = make_answer(solved, make_user(), "TRC20 转账需要 TRX 支付能量和带宽。")
    answers.accept(volunteer, answer)
    make_thread(make_user(), cats[2], title="App crashes after update on iOS 17",
                body="The app crashes on launch since the update.")  # fmt: skip
    search_outbox.sync()
    return solved


def test_chinese_search_from_the_header(ctx, page):
    solved = _corpus()
    page.goto("/")
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill("为什么我的转账一直在等待确认")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("ol.results li")
    assert results.count() >= 1
    first = results.first
    assert "USDT 转账一直显示等待确认" in first.inner_text()
    assert first.locator(".solved").is_visible()
    assert first.locator("mark").count() >= 1
    # the link records which result the search led to (analytics), then opens the thread
    assert first.locator("a.title").get_attribute("href").startswith("/search/open/")
    first.locator("a.title").click()
    page.wait_for_url(f"**/t/{solved.id}*")


def test_similar_questions_appear_while_typing_a_title(ctx, page):
    _corpus()
    make_user("new_asker")
    ui_login(page, "new_asker")
    page.goto("/ask")
    similar = page.locator("#similar")
    assert similar.is_hidden()
    page.get_by_label("Title").press_sequentially("USDT转账没到账", delay=30)
    similar.locator("li").first.wait_for()
    assert "USDT 转账一直显示等待确认" in similar.inner_text()
    assert similar.locator(".solved").count() == 1


def test_without_javascript_similar_questions_show_on_a_preview_step(ctx, chromium, live_server):
    _corpus()
    make_user("no_js_asker")
    context = chromium.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        ui_login(page, "no_js_asker")
        page.goto("/ask")
        page.get_by_label("Category").select_option("transactions")  # the select asks first
        page.get_by_label("Title").fill("USDT 转账没有到账")
        page.get_by_label("Describe the problem").fill("两个小时了还没到账，请帮忙看看。")
        page.get_by_role("button", name="Post your question").click()
        page.wait_for_load_state()
        preview = page.locator("section.similar.preview")
        assert "USDT 转账一直显示等待确认" in preview.inner_text()
        page.get_by_role("button", name="Post my question anyway").click()
        page.wait_for_url("**/t/*")
        assert page.locator("h1").inner_text() == "USDT 转账没有到账"
    finally:
        context.close()
