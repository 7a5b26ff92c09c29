"""Members report bad posts; staff dismiss the report or remove the post (audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from forum import moderation, threads
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, Role, Thread
from forum.threads import AnswerOrder
from tests.factories import make_answer, make_category, make_thread, make_user


def test_report_and_remove_a_scam_answer(ctx, login):
    thread = make_thread(make_user(), make_category())
    scam = make_answer(thread, make_user("fast_recover"), "DM me on telegram, I recover funds")
    reporter, other, staff = make_user(), make_user(), make_user(role=Role.STAFF)
    first = moderation.flag(reporter, scam, "scam", "asks to move to Telegram")
    assert moderation.flag(reporter, scam, "scam").id == first.id  # no duplicate
    moderation.flag(other, scam, "spam")
    assert moderation.open_flag_count(staff) == 2
    assert moderation.open_flag_count(reporter) == 0
    with pytest.raises(Forbidden):
        moderation.resolve(reporter, first, remove=True)
    moderation.resolve(staff, first, remove=True)
    assert moderation.open_flag_count(staff) == 0
    assert threads.answers_page(make_user(), thread, 1, AnswerOrder.OLDEST).items == []
    assert db.session.get(Thread, thread.id).reply_count == 0
    actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    assert actions == ["flag_removed"]


def test_reports_are_only_for_others_public_posts(ctx):
    author = make_user()
    thread = make_thread(author, make_category())
    post = make_answer(thread, author)
    with pytest.raises(Forbidden):
        moderation.flag(author, post, "spam")
    with pytest.raises(DomainError):
        moderation.flag(make_user(), post, "because")


def test_report_over_http(ctx, login):
    thread = make_thread(make_user(), make_category())
    post = make_answer(thread, make_user())
    browser = login(make_user())
    url = f"/p/{post.id}/report"
    assert browser.post(url, {"reason": "scam"}, page=url).status_code == 302
    staff = login(make_user(role=Role.STAFF))
    page = staff.get("/staff/reports").get_data(as_text=True)
    assert "Scam" in page and thread.title in page
