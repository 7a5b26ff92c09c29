"""The thread page's reply form is rendered once per language and kind of thread and filled in
per page (views/replyform.py): each page's form posts to its own thread with the visitor's
CSRF token and a fresh submission key, in the page's language, and it works."""

from __future__ import annotations

import re

from forum import tickets
from forum.extensions import db
from forum.models import Post, Role
from tests.factories import make_category, make_thread, make_user

FORM = re.compile(r'<form method="post" id="reply-form" action="([^"]+)".*?</form>', re.S)
DRAFT = re.compile(r'data-draft="([^"]+)"')
KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _form(page) -> tuple[str, str]:
    html = page.get_data(as_text=True)
    match = FORM.search(html)
    assert match, "no reply form on the page"
    return match.group(1), match.group(0)


def test_each_thread_page_gets_its_own_working_reply_form(ctx, app, login):
    category = make_category("wallets")
    first = make_thread(make_user("asker1"), category, title="First question about fees")
    second = make_thread(make_user("asker2"), category, title="Second question about swaps")
    db.session.commit()
    member = login(make_user("helper"))
    keys = set()
    for thread in (first, second, first):
        action, form = _form(member.get(f"/t/{thread.id}"))
        assert action == f"/t/{thread.id}/reply"
        assert DRAFT.search(form).group(1) == f"reply-{thread.id}"
        keys.add(KEY.search(form).group(1))
    assert len(keys) == 3  # a fresh submission key on every page
    # The form as shown is the form that posts: its token and key make the reply.
    action, form = _form(member.get(f"/t/{second.id}"))
    data = {
        "csrf_token": TOKEN.search(form).group(1),
        "submission_key": KEY.search(form).group(1),
        "body": "Swaps need the network fee in the native coin.",
    }
    assert member.client.post(action, data=data).status_code == 302
    bodies = [p.body_source for p in db.session.query(Post).filter_by(thread_id=second.id)]
    assert "Swaps need the network fee in the native coin." in bodies


def test_the_kept_form_follows_the_language_and_the_kind_of_thread(ctx, app, login):
    category = make_category("wallets")
    asker = make_user("asker")
    public = make_thread(make_user("other"), category, title="A public question on fees")
    ticket = make_thread(asker, category, title="My account needs checking")
    tickets.escalate(make_user("staffer", role=Role.STAFF), ticket, "account_data")
    db.session.commit()
    browser = login(asker)
    _, english = _form(browser.get(f"/t/{public.id}", headers={"Accept-Language": "en"}))
    _, private = _form(browser.get(f"/t/{ticket.id}", headers={"Accept-Language": "en"}))
    _, chinese = _form(browser.get(f"/t/{public.id}", headers={"Accept-Language": "zh"}))
    assert "Post your answer" in english and "Send" not in english
    assert "Send" in private and "Your reply" in private
    assert "Post your answer" not in chinese and "Markdown" in chinese
    assert english != chinese
