"""A volunteer accepts an answer in the browser: the thread shows as solved in the category
list and the accepted answer sits right under the question."""

from __future__ import annotations

from tests.browser.conftest import ui_login
from tests.factories import default_categories, make_answer, make_thread, make_user


def test_volunteer_accepts_answer(ctx, page):
    cats = default_categories()
    asker = make_user("asker_li")
    thread = make_thread(asker, cats[1], title="TRC20 USDT transfer failed: out of energy")
    make_answer(thread, make_user("random_member"), "Maybe restart the phone?")
    good = make_answer(
        thread, make_user("helper_vol", "volunteer"),
        "You need TRX for **energy**. Stake TRX or keep ~15 TRX for the fee, then retry.",
    )  # fmt: skip
    make_user("vol_anna", "volunteer")

    ui_login(page, "vol_anna")
    page.goto(f"/t/{thread.id}")
    answer = page.locator(f"#p{good.id}")
    answer.get_by_role("button", name="Accept as solution").click()
    page.wait_for_load_state()

    assert page.get_by_role("status").filter(has_text="accepted answer").count() == 1
    box = page.locator(".accepted-box")
    assert "Stake TRX" in box.inner_text()
    assert "vol_anna" in box.inner_text()
    # The accepted box comes right after the question, before the list of answers.
    order = page.evaluate(
        """() => [...document.querySelectorAll('.question-wrap, .accepted-box, .answers')]
                 .map(e => e.className)"""
    )
    assert order[:3] == ["question-wrap", "accepted-box", "answers"]

    page.goto(f"/c/{cats[1].slug}")
    row = page.locator(".thread-row", has_text="TRC20 USDT transfer failed")
    assert row.locator(".solved").is_visible()
    page.goto(f"/c/{cats[1].slug}?show=unsolved")
    assert page.locator(".thread-row", has_text="TRC20 USDT transfer failed").count() == 0
