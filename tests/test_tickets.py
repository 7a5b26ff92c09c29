"""Escalation to private tickets and the staff ticket workflow."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from forum import notifications, publications, threads, tickets
from forum.extensions import db
from forum.models import AuditEntry, Notification, Role, SearchOutbox, Thread, TicketStatus
from forum.posting import SecretRefused
from forum.search import outbox as search_outbox
from tests.factories import make_answer, make_category, make_thread, make_user


@pytest.fixture
def world(ctx):
    category = make_category("account")
    asker = make_user("asker")
    thread = make_thread(asker, category, title="My balance shows zero after import")
    replier = make_user("vol_replier", Role.VOLUNTEER)
    make_answer(thread, replier, "Check the network you imported on.")
    staff = make_user("staff_a", Role.STAFF)
    search_outbox.sync()
    return thread, asker, replier, staff


def test_staff_escalate_and_only_asker_and_staff_see_it(world, login):
    thread, asker, replier, staff = world
    tickets.escalate(staff, thread, "account_data")
    assert thread.is_private and thread.ticket.status == TicketStatus.OPEN
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "escalate"))
    assert entry.actor_id == staff.id and json.loads(entry.detail) == {"reason": "account_data"}
    with pytest.raises(NotFound):
        threads.get_thread(replier, thread.id)
    assert threads.get_thread(asker, thread.id) and threads.get_thread(staff, thread.id)
    for who, status in [(replier, 404), (make_user(), 404), (asker, 200), (staff, 200)]:
        response = login(who).get(f"/t/{thread.id}")
        assert response.status_code == status, who.username
        if status == 200:
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["Referrer-Policy"] == "no-referrer"
    # The asker is told (besides the earlier reply notification).
    kinds = [n.kind for n in notifications.page_for(asker, 1).items]
    assert kinds == ["escalated", "reply"]


def test_asker_escalates_own_thread_but_not_others(world):
    thread, asker, _replier, _staff = world
    other = make_thread(make_user(), thread.category)
    with pytest.raises(Forbidden):
        tickets.escalate(asker, other, "identity")
    tickets.escalate(asker, thread, "identity")
    assert thread.is_private


def test_volunteers_cannot_escalate(world):
    thread, _asker, replier, _staff = world
    with pytest.raises(Forbidden):
        tickets.escalate(replier, thread, "other")


def test_escalation_purges_the_public_index(world):
    thread, _asker, _replier, staff = world
    public = search_outbox.index(search_outbox.PUBLIC)
    assert public.search("balance").total == 1
    tickets.escalate(staff, thread, "account_data")
    assert public.search("balance").total == 0
    search_outbox.sync()
    private = search_outbox.index(search_outbox.PRIVATE)
    assert {h.thread_id for h in private.search("balance").hits} == {thread.id}


def test_escalation_fails_closed_when_index_removal_raises(world, monkeypatch, client):
    thread, _asker, _replier, staff = world

    def broken(thread_id):
        raise OSError("disk full")

    monkeypatch.setattr(search_outbox, "purge_thread", broken)
    tickets.escalate(staff, thread, "lost_funds")
    assert db.session.get(Thread, thread.id).is_private
    assert client.get(f"/t/{thread.id}").status_code == 404
    # The change waits in the outbox and is applied next time.
    assert db.session.scalar(
        select(SearchOutbox).where(
            SearchOutbox.kind == "thread", SearchOutbox.object_id == thread.id
        )
    )
    search_outbox.sync()
    assert search_outbox.index(search_outbox.PUBLIC).search("balance").total == 0


def test_ticket_workflow(world):
    thread, asker, _replier, staff = world
    other_staff = make_user("staff_b", Role.STAFF)
    tickets.escalate(staff, thread, "account_data")
    tickets.update(staff, thread, status="open", priority="high", assignee=other_staff)
    assert thread.ticket.assignee_id == other_staff.id and thread.ticket.priority == "high"
    waiting = tickets.queue(staff, page=1).items
    assert [t.id for t in waiting] == [thread.id]
    assert tickets.waiting_for_staff(thread.ticket) is not None
    threads.reply(other_staff, thread, "Please tell us the network and the token.")
    assert thread.ticket.status == TicketStatus.WAITING
    assert thread.ticket.first_staff_reply_at is not None
    assert tickets.waiting_for_staff(thread.ticket) is None
    threads.reply(asker, thread, "TRON, USDT. Address in my wallet: T...")
    assert thread.ticket.status == TicketStatus.OPEN
    tickets.update(other_staff, thread, status="resolved")
    assert thread.ticket.resolved_at is not None
    assert [t.id for t in tickets.queue(staff, page=1, status="resolved").items] == [thread.id]
    assert tickets.queue(staff, page=1, assignee_id=0).items == []
    with pytest.raises(Forbidden):
        tickets.queue(asker, page=1)


def test_internal_notes_are_staff_only(world, login):
    thread, asker, _replier, staff = world
    tickets.escalate(staff, thread, "account_data")
    tickets.add_note(staff, thread, "Checked on chain: funds arrived. NOTE-MARKER-7731")
    assert len(tickets.notes(staff, thread)) == 1
    assert tickets.notes(asker, thread) == []
    assert "NOTE-MARKER-7731" in login(staff).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "NOTE-MARKER-7731" not in login(asker).get(f"/t/{thread.id}").get_data(as_text=True)
    with pytest.raises(Forbidden):
        tickets.add_note(asker, thread, "let me write a note")


def test_secrets_are_refused_even_in_tickets(world):
    thread, asker, _replier, staff = world
    tickets.escalate(staff, thread, "account_data")
    phrase = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    with pytest.raises(SecretRefused) as info:
        threads.reply(asker, thread, f"Here is my phrase: {phrase}")
    assert "absurd" not in info.value.kept and "Here is my phrase" in info.value.kept
    with pytest.raises(SecretRefused):
        tickets.add_note(staff, thread, phrase)


def test_return_to_public(world, client):
    thread, asker, _replier, staff = world
    tickets.escalate(staff, thread, "account_data")
    with pytest.raises(Forbidden):
        publications.propose(asker, thread)
    publications.propose(staff, thread)
    assert thread.is_private  # nothing changes before the asker agrees
    publications.consent(asker, thread)
    assert not thread.is_private
    assert client.get(f"/t/{thread.id}").status_code == 200
    search_outbox.sync()
    assert search_outbox.index(search_outbox.PUBLIC).search("balance").total == 1
    actions = {e.action for e in db.session.scalars(select(AuditEntry))}
    assert {"escalate", "make_public"} <= actions


def test_private_question_from_the_ask_page(ctx, login):
    make_category("account")
    asker = make_user("private_asker")
    browser = login(asker)
    response = browser.post(
        "/ask",
        {"category": "account", "title": "My account shows a strange login",
         "body": "Email me at someone@example.com please", "contact_pref": "private",
         "private": "y"},
        page="/ask",
    )  # fmt: skip
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.is_private and thread.ticket is not None
    assert browser.get(response.headers["Location"]).status_code == 200
    assert login(make_user()).get(f"/t/{thread.id}").status_code == 404
    assert "My account shows a strange login" in browser.get("/tickets/mine").get_data(True)


def test_staff_open_a_ticket_for_a_member(ctx, login):
    category = make_category("account")
    member, staff = make_user("memb"), make_user("stf", Role.STAFF)
    thread = tickets.open_for(staff, member, category, title="About your email to us",
                              body="We got your email; let's continue here.")  # fmt: skip
    assert thread.is_private and thread.author_id == member.id
    assert login(member).get(f"/t/{thread.id}").status_code == 200
    assert db.session.scalar(select(Notification).where(Notification.user_id == member.id))


def test_escalate_over_http_needs_confirmation(world, login):
    thread, _asker, _replier, staff = world
    browser = login(staff)
    page = f"/t/{thread.id}/escalate"
    response = browser.post(page, {"reason": "account_data"}, page=page)
    assert response.status_code == 200 and "Please confirm" in response.get_data(as_text=True)
    assert not db.session.get(Thread, thread.id).is_private
    response = browser.post(page, {"reason": "account_data", "confirm": "y"}, page=page)
    assert response.status_code == 302
    assert db.session.get(Thread, thread.id).is_private
