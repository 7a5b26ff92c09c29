"""Every page each role can reach, on a 390x844 phone, in both languages: nothing scrolls
sideways and axe-core finds no serious or critical problem. Screenshots of the main pages at
390x844 and 1280x800 go to tests/output/screens/ (ignored by git) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from forum import answers, moderation, search_outbox, threads, tickets
from forum.models import Role
from tests.browser.conftest import ui_login
from tests.factories import default_categories, make_answer, make_thread, make_user

AXE = Axe()
SCREENS = Path(__file__).resolve().parent.parent / "output" / "screens"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ADDRESS = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
TX_HASH = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
# Main pages photographed at both sizes (role, path key).
SHOTS = {"home", "latest", "faq", "thread", "search", "ask", "notifications", "queue",
         "tickets", "ticket", "audit", "users", "metrics", "reports"}  # fmt: skip


def _content():
    """A forum with long tokens everywhere a phone might overflow, and one of each page."""
    cats = default_categories()
    volunteer = make_user("ph_volunteer", Role.VOLUNTEER)
    member = make_user("ph_member")
    staff = make_user("ph_staff", Role.ADMIN)
    thread = make_thread(
        member, cats[1], title=f"USDT 转账一直显示等待确认 {TX_HASH}",
        body=f"I sent 20 USDT to {ADDRESS} and the hash is txid:{TX_HASH}.\n\n"
             f"```\ntxid:{TX_HASH} txid:{TX_HASH}\n```",
        device_os="android", app_version="2.9.1", key_choice="hash",
    )  # fmt: skip
    answer = make_answer(thread, volunteer, f"Look up txid:{TX_HASH}, then stake TRX.")
    answers.accept(staff, answer)
    open_q = make_thread(make_user(), cats[2], title="闪退怎么办 after the 2.9.1 update")
    reported = make_answer(open_q, member, f"Same here, my address is {ADDRESS}.")
    ann = make_thread(staff, cats[4], title="Scheduled maintenance on Friday 22:00 UTC")
    threads.set_pinned(staff, ann, True)
    threads.set_locked(staff, ann, True)
    ticket = make_thread(member, cats[0], title="My account shows a strange balance today")
    tickets.escalate(staff, ticket, "account_data")
    tickets.add_note(staff, ticket, f"Checked {ADDRESS} on chain.")
    moderation.flag(volunteer, reported, "spam")
    search_outbox.sync()
    return {"thread": thread, "answer": answer, "ticket": ticket, "cat": cats[1], "ann": ann}


def _pages(c) -> dict[str, list[tuple[str, str]]]:
    t, tk = c["thread"].id, c["ticket"].id
    return {
        "": [("home", "/"), ("latest", "/latest"), ("faq", "/faq"),
             ("category", f"/c/{c['cat'].slug}"), ("thread", f"/t/{t}"),
             ("announcement", f"/t/{c['ann'].id}"), ("search", f"/search?q={TX_HASH[:20]}"),
             ("search2", "/search?q=转账"), ("login", "/login"), ("register", "/register"),
             ("forgot", "/password/forgot"), ("profile", "/u/ph_member")],
        "ph_member": [("ask", "/ask"), ("member-thread", f"/t/{t}"), ("settings", "/settings"),
                      ("email", "/settings/email"), ("notifications", "/notifications"),
                      ("mine", "/tickets/mine"), ("my-ticket", f"/t/{tk}"),
                      ("report", f"/p/{c['answer'].id}/report"),
                      ("twofactor", "/account/two-factor")],
        "ph_volunteer": [("queue", "/queue"), ("queue-confirm", "/queue?view=confirm"),
                         ("review", "/review"), ("vol-thread", f"/t/{t}"),
                         ("edit", f"/p/{c['answer'].id}/edit")],
        "ph_staff": [("tickets", "/tickets"), ("ticket", f"/t/{tk}"), ("new-ticket", "/tickets/new"),
                     ("users", "/admin/users"), ("audit", "/admin/audit"),
                     ("categories", "/admin/categories"), ("category-new", "/admin/categories/new"),
                     ("metrics", "/staff/metrics"), ("digest", "/staff/digest"),
                     ("drill", "/staff/metrics/threads"), ("reports", "/staff/reports"),
                     ("staff-search", f"/staff/search?q={ADDRESS}"),
                     ("escalate", f"/t/{t}/escalate"), ("publish", f"/t/{tk}/publish")],
    }  # fmt: skip


def _problems(page) -> list[str]:
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _overflow(page) -> str | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return None
    culprits = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
             .slice(0, 4).map(e => e.tagName + '.' + e.className)"""
    )
    return f"{width}px wide: {culprits}"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_page_fits_a_phone_without_serious_accessibility_problems(
    ctx, chromium, live_server, locale
):
    content = _content()
    SCREENS.mkdir(parents=True, exist_ok=True)
    lang = locale[:2]
    problems: dict[str, list[str]] = {}
    for user, pages in _pages(content).items():
        context = chromium.new_context(base_url=live_server, locale=locale, viewport=PHONE)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            if user:
                ui_login(page, user)
            for name, url in pages:
                response = page.goto(url)
                key = f"{user or 'visitor'} {url}"
                found = [] if response.ok else [f"status {response.status}"]
                if (wide := _overflow(page)) is not None:
                    found.append(f"scrolls sideways: {wide}")
                found += _problems(page)
                if found:
                    problems[key] = found
                if name in SHOTS:
                    page.screenshot(path=SCREENS / f"{name}-{lang}-390.png", full_page=True)
                    page.set_viewport_size(DESKTOP)
                    page.screenshot(path=SCREENS / f"{name}-{lang}-1280.png", full_page=True)
                    page.set_viewport_size(PHONE)
        finally:
            context.close()
        assert not errors, f"JavaScript errors for {user or 'visitor'}: {errors}"
    report = "\n".join(f"{key}: {found}" for key, found in problems.items())
    assert problems == {}, report


def test_the_phone_menu_opens_without_javascript(ctx, chromium, live_server):
    default_categories()
    context = chromium.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/latest")
        assert not page.locator(".main-nav").is_visible()
        assert not page.locator(".menu-nav a[href='/faq']").is_visible()
        page.locator("details.menu summary").click()
        assert page.locator(".menu-nav a[href='/faq']").is_visible()
        page.goto("/")
        assert page.locator("input[type=search]").count() == 1  # one search box at home
    finally:
        context.close()


def test_an_answer_typed_when_the_session_ended_comes_back_after_login(ctx, page):
    from forum.extensions import db

    cats = default_categories()
    thread = make_thread(make_user(), cats[1], title="Transfer pending for three hours")
    member = make_user("ph_lost")
    ui_login(page, "ph_lost")
    page.goto(f"/t/{thread.id}")
    text = "Raise the fee in Settings, then try again."
    page.locator("#reply-form textarea[name=body]").fill(text)
    member.session_version = (member.session_version or 0) + 1  # logged out on another device
    db.session.commit()
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" in url)
    assert "Your session ended" in page.locator(".flashes").inner_text()
    page.locator("#username").fill("ph_lost")
    page.locator("#password").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/t/{thread.id}")
    box = page.locator("#reply-form textarea[name=body]")
    assert box.input_value() == text  # the draft came back, no 405
    assert page.locator(".draft-note").is_visible()
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_url(f"**/t/{thread.id}#p*")
    assert text in page.locator("section.answers").inner_text()
    page.goto(f"/t/{thread.id}")
    assert page.locator("#reply-form textarea[name=body]").input_value() == ""  # draft dropped


def test_a_pasted_recovery_phrase_is_never_kept_as_a_draft(ctx, page):
    from mnemonic import Mnemonic

    cats = default_categories()
    thread = make_thread(make_user(), cats[1], title="Wallet empty after restoring")
    make_user("ph_draft")
    ui_login(page, "ph_draft")
    page.goto(f"/t/{thread.id}")
    box = page.locator("#reply-form textarea[name=body]")
    box.fill("Is this a good answer to keep?")
    box.dispatch_event("input")
    page.wait_for_timeout(600)  # drafts are saved 300 ms after the last keystroke
    kept = page.evaluate("() => JSON.stringify(Object.assign({}, window.localStorage))")
    assert "good answer to keep" in kept  # an ordinary draft is kept
    phrase = Mnemonic("english").to_mnemonic(bytes(range(16)))
    box.fill(f"My words were:\n{phrase}")
    box.dispatch_event("input")
    page.wait_for_timeout(600)  # drafts are saved 300 ms after the last keystroke
    kept = page.evaluate("() => JSON.stringify(Object.assign({}, window.localStorage))")
    assert phrase.split()[3] not in kept and "good answer to keep" not in kept
