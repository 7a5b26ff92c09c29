"""Typed text is not lost: a post sent after the session ended goes back to the form's page
after log-in (never a 405), with a message; a rate-limited post comes back with its text."""

from __future__ import annotations

import re

from forum.extensions import db
from tests.factories import default_categories, make_thread, make_user


def test_reply_after_session_ended_returns_to_the_thread_after_login(ctx, login):
    cats = default_categories()
    thread = make_thread(make_user(), cats[1], title="Stuck transfer since this morning")
    member = make_user("lw_member")
    b = login(member)
    token = b.token(f"/t/{thread.id}")
    member.session_version = (member.session_version or 0) + 1  # logged out elsewhere
    db.session.commit()

    sent = b.client.post(f"/t/{thread.id}/reply", data={"csrf_token": token, "body": "Try x"})
    assert sent.status_code == 302
    assert sent.location.endswith(f"/login?next=/t/{thread.id}")
    page = b.get(sent.location).get_data(as_text=True)
    assert "Your session ended" in page and "log in and send it again" in page

    back = b.post(sent.location, {"username": "lw_member", "password": "correct horse battery"},
                  page=sent.location)  # fmt: skip
    assert back.status_code == 302 and back.location == f"/t/{thread.id}"
    shown = b.get(back.location)
    assert shown.status_code == 200
    assert f'data-draft="reply-{thread.id}"' in shown.get_data(as_text=True)


def test_session_ended_on_the_ask_form_returns_to_the_ask_page(ctx, login):
    default_categories()
    member = make_user("lw_asker")
    b = login(member)
    token = b.token("/ask")
    member.session_version += 1
    db.session.commit()
    sent = b.client.post("/ask", data={"csrf_token": token, "title": "Lost"},
                         headers={"Referer": "http://localhost/ask"})  # fmt: skip
    assert sent.status_code == 302 and sent.location.endswith("/login?next=/ask")


def test_rate_limited_reply_shows_the_text_and_the_wait(ctx, login, limits):
    limits(FORUM_POST_RATE_LIMIT="1 per hour")
    cats = default_categories()
    thread = make_thread(make_user(), cats[1], title="Swap shows failed but fee taken")
    b = login(make_user("lw_busy"))
    first = b.post(f"/t/{thread.id}/reply", {"body": "Failed swaps still pay the gas fee."},
                   page=f"/t/{thread.id}")  # fmt: skip
    assert first.status_code == 302
    second = b.post(f"/t/{thread.id}/reply", {"body": "And check the slippage setting too."},
                    page=f"/t/{thread.id}")  # fmt: skip
    assert second.status_code == 429
    html = second.get_data(as_text=True)
    assert "And check the slippage setting too." in html
    assert re.search(r"wait (59|60) minutes|wait 1 hour", html), html
    assert f'action="/t/{thread.id}/reply"' in html


def test_rate_limited_text_with_a_recovery_phrase_is_not_echoed(ctx, login, limits):
    limits(FORUM_POST_RATE_LIMIT="1 per hour")
    cats = default_categories()
    thread = make_thread(make_user(), cats[1], title="Wallet shows zero after update")
    b = login(make_user("lw_phrase"))
    b.post(f"/t/{thread.id}/reply", {"body": "Reinstall the app."}, page=f"/t/{thread.id}")
    phrase = ("abandon ability able about above absent absorb abstract absurd abuse access "
              "accident")  # fmt: skip
    second = b.post(f"/t/{thread.id}/reply", {"body": f"my words: {phrase}"},
                    page=f"/t/{thread.id}")  # fmt: skip
    assert second.status_code == 429
    assert "absorb abstract" not in second.get_data(as_text=True)
