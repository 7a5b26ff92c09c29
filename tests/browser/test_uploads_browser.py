"""Pasting a screenshot into the answer box: it uploads with a progress bar, the thumbnail
shows before posting, and the posted answer shows it."""

from __future__ import annotations

from tests.browser.conftest import ui_login
from tests.factories import make_thread, make_user

PASTE_IMAGE = """async (selector) => {
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 180;
  const g = canvas.getContext("2d");
  g.fillStyle = "#2a6"; g.fillRect(0, 0, 320, 180);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  const data = new DataTransfer();
  data.items.add(new File([blob], "image.png", { type: "image/png" }));
  const box = document.querySelector(selector);
  box.focus();
  box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_pasted_image_shows_a_thumbnail_and_posts(ctx, page):
    make_user("screenshotter")
    thread = make_thread(title="Swap stuck on approving USDT")
    ui_login(page, "screenshotter")
    page.goto(f"/t/{thread.id}")
    page.locator("#reply-form textarea").fill("This is what the swap screen shows.")
    page.evaluate(PASTE_IMAGE, "#reply-form textarea")
    thumb = page.locator('#reply-form .image-list img[src^="/media/"]')
    thumb.wait_for()
    assert "/thumb." in thumb.get_attribute("src")
    assert page.locator('#reply-form input[name="attachment"]').count() == 1
    page.locator('#reply-form input[name^="alt_"]').fill("Swap screen")
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_load_state()
    posted = page.locator('.post-images img[alt="Swap screen"]')
    posted.wait_for()
    assert posted.evaluate("img => img.complete && img.naturalWidth > 0")
