"""A staff member without two-factor is sent to enrol, scans (reads) the key, confirms a code
computed here with pyotp, keeps the recovery codes, then logs in with password and code."""

from __future__ import annotations

import time

import pyotp

from tests.browser.conftest import ui_login
from tests.factories import PASSWORD, make_user


def _fresh_code(totp: pyotp.TOTP, used: str) -> str:
    """A code of a later time step than the one just used (replays are refused)."""
    while (code := totp.now()) == used:
        time.sleep(1)
    return code


def test_totp_enrolment_and_log_in(ctx, page, app, staff_2fa):
    make_user("browser_staff", "staff")
    ui_login(page, "browser_staff")
    assert "/account/two-factor" in page.url  # staff pages wait until enrolled
    page.goto("/tickets")
    assert "/account/two-factor" in page.url
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # CSP allows it to render
    secret = page.locator("#totp-secret").inner_text()
    totp = pyotp.TOTP(secret)
    first = totp.now()
    page.get_by_label("Code").fill(first)
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.goto("/tickets")
    assert "/tickets" in page.url

    page.context.clear_cookies()
    page.goto("/login")
    page.locator("#username").fill("browser_staff")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/code")
    page.get_by_label("Code").fill(_fresh_code(totp, first))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/tickets")
    assert "/tickets" in page.url and page.get_by_role("heading", level=1).is_visible()
