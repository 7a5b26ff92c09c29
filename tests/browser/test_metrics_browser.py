"""The staff dashboard's charts are drawn on the server: they show with JavaScript off and
the strict CSP refuses nothing on the page."""

from __future__ import annotations

from forum import answers, ratings
from forum.models import Role
from tests.browser.conftest import ui_login
from tests.factories import make_answer, make_thread, make_user


def test_charts_render_without_javascript_under_the_csp(ctx, chromium, live_server):
    staff = make_user("chart_staff", Role.STAFF)
    asker = make_user("chart_asker")
    thread = make_thread(asker, title="Where is my USDT deposit?")
    answers.accept(
        staff,
        make_answer(thread, make_user("chart_vol", Role.VOLUNTEER), "Wait for 20 confirmations."),
    )
    ratings.rate(asker, thread, {"speed": 4, "professionalism": 5, "patience": 5}, solved=True)

    context = chromium.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    try:
        ui_login(page, "chart_staff")
        page.goto("/staff/metrics")
        charts = page.locator("figure.chart svg")
        assert charts.count() == 5
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 200 and box["height"] > 50
            assert charts.nth(i).get_attribute("role") == "img"
        assert page.locator("figure.chart polyline").count() >= 5
        # The points are drawn in colour from the stylesheet, not inline styles.
        stroke = page.eval_on_selector(
            "figure.chart .series-1 polyline", "e => getComputedStyle(e).stroke"
        )
        assert stroke not in ("none", "")
        assert page.locator("#table-weeks").is_visible()
        # Wide tables scroll inside their box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not refused, refused
    finally:
        context.close()
