"""Returning a ticket to public needs the asker's consent: nothing leaks before they agree,
they can withdraw their own replies, or staff publish only their answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from forum import publications, search_outbox, threads, tickets
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, Notification, Role
from tests.conftest import csrf_from
from tests.factories import make_category, make_thread, make_user
from tests.test_canary import MARKER, TITLE_MARKER, _pages, canary  # noqa: F401 (fixture)


@pytest.fixture
def ticket(ctx):
    asker = make_user("asker")
    staff = make_user("staff_a", Role.STAFF)
    thread = make_thread(asker, make_category("account"), title="Swap failed and fee lost",
                         body="My swap failed yesterday.")  # fmt: skip
    tickets.escalate(staff, thread, "account_data")
    private = threads.reply(asker, thread, "The transaction id is 0xprivatedetail, my email a@b.c")
    staff_answer = threads.reply(staff, thread, "Failed swaps still pay gas; the tokens stayed.")
    search_outbox.sync()
    return thread, asker, staff, private, staff_answer


def test_a_proposal_changes_nothing_until_the_asker_agrees(app, canary, login, client):  # noqa: F811
    thread, ids, people = canary
    publications.propose(people["staff"], thread)
    assert thread.is_private
    for who in ("anonymous", "member"):
        browser = client if who == "anonymous" else login(people[who]).client
        for url, response in _pages(app, browser, ids):
            body = response.get_data(as_text=True)
            assert MARKER not in body and TITLE_MARKER not in body, f"{who} saw it at {url}"
    assert search_outbox.index(search_outbox.PUBLIC).search(MARKER).total == 0


def test_the_asker_sees_exactly_what_would_be_public_and_withdraws_a_reply(ticket, login, client):
    thread, asker, staff, private, staff_answer = ticket
    publications.propose(staff, thread)
    assert db.session.scalar(select(Notification).where(Notification.kind == "publish_proposed"))
    b = login(asker)
    page = b.get(f"/t/{thread.id}/consent").get_data(as_text=True)
    assert "0xprivatedetail" in page and "Failed swaps still pay gas" in page
    assert f'name="withdraw" value="{private.id}"' in page
    assert f'name="withdraw" value="{staff_answer.id}"' not in page  # only their own
    response = b.client.post(
        f"/t/{thread.id}/consent",
        data={"csrf_token": csrf_from(page), "decision": "agree", "withdraw": str(private.id)},
    )
    assert response.status_code == 302
    public_page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Failed swaps still pay gas" in public_page
    assert "0xprivatedetail" not in public_page
    search_outbox.sync()
    assert search_outbox.index(search_outbox.PUBLIC).search("0xprivatedetail").total == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "make_public"))
    assert str(private.id) in entry.detail


def test_the_asker_can_decline(ticket, login, client):
    thread, asker, staff, _private, _answer = ticket
    publications.propose(staff, thread)
    b = login(asker)
    page = b.get(f"/t/{thread.id}/consent").get_data(as_text=True)
    b.client.post(f"/t/{thread.id}/consent", data={"csrf_token": csrf_from(page),
                                                    "decision": "decline"})  # fmt: skip
    db.session.refresh(thread.ticket)
    assert thread.is_private and thread.ticket.publish_proposed_at is None
    assert client.get(f"/t/{thread.id}").status_code == 404


def test_only_the_asker_consents_and_only_to_their_own_replies(ticket):
    thread, asker, staff, _private, staff_answer = ticket
    with pytest.raises(NotFound):  # no proposal yet
        publications.consent(asker, thread)
    publications.propose(staff, thread)
    with pytest.raises(NotFound):
        publications.consent(staff, thread)
    with pytest.raises(DomainError):
        publications.consent(asker, thread, [staff_answer.id])
    assert thread.is_private


def test_staff_publish_only_their_answer(ticket, client):
    thread, _asker, staff, _private, staff_answer = ticket
    public = publications.publish_answer(
        staff, thread, staff_answer, title="Does a failed swap cost a fee?",
        question="A swap failed. Was the fee lost?",
    )  # fmt: skip
    assert thread.is_private
    page = client.get(f"/t/{public.id}").get_data(as_text=True)
    assert "Failed swaps still pay gas" in page
    assert "0xprivatedetail" not in page and "My swap failed yesterday" not in page
    assert public.accepted_post_id is not None
    with pytest.raises(DomainError):
        publications.publish_answer(staff, thread, _private, title="Some title here", question="x")


def test_proposing_needs_a_recent_reauthentication(app, ticket, login):
    import time

    thread, _asker, staff, _private, _answer = ticket
    b = login(staff)
    with b.client.session_transaction() as s:
        s["reauth_at"] = time.time() - 3600
    response = b.get(f"/t/{thread.id}/publish")
    assert response.status_code == 302 and "/reauth" in response.location
    with b.client.session_transaction() as s:
        s["reauth_at"] = time.time()
    page = b.get(f"/t/{thread.id}/publish").get_data(as_text=True)
    b.client.post(f"/t/{thread.id}/publish", data={"csrf_token": csrf_from(page)})
    db.session.refresh(thread.ticket)
    assert thread.ticket.publish_proposed_at is not None and thread.is_private
