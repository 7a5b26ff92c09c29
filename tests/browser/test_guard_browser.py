"""Pasting a recovery phrase into the ask form: refused with the warning, the rest kept."""

from __future__ import annotations

from mnemonic import Mnemonic
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post
from tests.browser.conftest import ui_login
from tests.factories import default_categories, make_user


def test_recovery_phrase_in_ask_form_is_refused_and_the_rest_kept(ctx, page):
    default_categories()
    make_user("worried_user")
    phrase = Mnemonic("english").to_mnemonic(bytes(range(16)))
    assert len(phrase.split()) == 12
    ui_login(page, "worried_user")
    page.goto("/ask")
    page.get_by_label("Title").fill("Wallet shows zero balance after restoring")
    page.get_by_label("Describe the problem").fill(
        f"I restored my wallet on a new phone.\nMy words are: {phrase}\nNow the balance is zero."
    )
    page.get_by_label("Wallet app version").fill("2.9.1")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_load_state()

    warning = page.locator("#secret-warning")
    assert warning.is_visible()
    text = warning.inner_text()
    assert "move your funds to a new wallet now" in text
    assert "will never ask for your recovery phrase" in text
    assert "工作人员绝不会索要助记词或私钥" in text  # the warning in both languages
    body = page.get_by_label("Describe the problem").input_value()
    assert "I restored my wallet on a new phone." in body
    assert "Now the balance is zero." in body
    assert not any(word in body.split() for word in phrase.split()[2:])
    assert page.get_by_label("Title").input_value() == "Wallet shows zero balance after restoring"
    assert page.get_by_label("Wallet app version").input_value() == "2.9.1"
    db.session.remove()
    assert db.session.scalar(select(func.count(Post.id))) == 0
