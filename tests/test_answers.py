"""Accepted answers, votes, the link/contact rule and the volunteer queue."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from forum import answers, threads
from forum.answers import QueueView
from forum.contacts import mentions_contact
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, Notification, Role, Thread, utcnow
from forum.threads import AnswerOrder, ListFilter
from tests.factories import make_answer, make_category, make_thread, make_user


@pytest.fixture
def world(ctx):
    category = make_category("transactions")
    asker = make_user("asker")
    thread = make_thread(asker, category)
    volunteer = make_user("vol", Role.VOLUNTEER)
    staff = make_user("staffer", Role.STAFF)
    return category, asker, thread, volunteer, staff


def test_accept_change_and_remove_are_audited(world):
    _cat, asker, thread, volunteer, staff = world
    first = make_answer(thread, make_user("a1"), "Try again later.")
    second = make_answer(thread, make_user("a2"), "Stake TRX for energy.")
    answers.accept(volunteer, first)
    assert thread.accepted_post_id == first.id and thread.accepted_by_id == volunteer.id
    answers.accept(staff, second)
    assert thread.accepted_post_id == second.id and thread.is_solved
    answers.unaccept(volunteer, thread)
    assert thread.accepted_post_id is None and not thread.is_solved
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor_id) for r in rows] == [
        ("accept", volunteer.id),
        ("accept", staff.id),
        ("unaccept", volunteer.id),
    ]
    assert json.loads(rows[1].detail) == {"post": second.id, "previous": first.id}
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (asker.id, "solved") in kinds and (first.author_id, "accepted") in kinds


def test_asker_and_members_cannot_accept_by_default(world):
    _cat, asker, thread, _vol, _staff = world
    post = make_answer(thread)
    with pytest.raises(Forbidden):
        answers.accept(asker, post)
    with pytest.raises(Forbidden):
        answers.accept(make_user(), post)


@pytest.mark.parametrize(
    "body",
    ["DM me on telegram, I can recover it", "Contact me on WhatsApp, I fix wallets",
     "message me: t.me/fast_recover_help", "https://wa.me/15550100 fast help",
     "telegram: @wallet_fixer", "add me on discord", "加微信 abc12345 帮你找回",
     "私聊我，我帮你处理", "联系客服请加我微信", "飞机号 @tp_helper_cn", "qq: 12345678 私信我",
     "See https://example.com/fix for the fix"],
)  # fmt: skip
def test_volunteers_cannot_accept_links_or_contacts(world, body):
    _cat, _asker, thread, volunteer, staff = world
    post = make_answer(thread, make_user(), body)
    assert post.has_outbound
    with pytest.raises(DomainError, match="Only staff"):
        answers.accept(volunteer, post)
    answers.accept(staff, post)
    assert thread.accepted_post_id == post.id


@pytest.mark.parametrize(
    "body",
    ["Open the app, go to Me → Settings → Network and switch node.",
     "请在钱包里下拉刷新，然后查看交易记录。", "Message shows 'insufficient energy': stake TRX.",
     "我已经联系了交易所，他们说已经发出。", "Never share your seed phrase with anyone.",
     "See the pinned thread /t/12 for details.", "The DM button in the DApp is broken."],
)  # fmt: skip
def test_ordinary_answers_are_not_flagged(world, body):
    _cat, _asker, thread, volunteer, _staff = world
    post = make_answer(thread, make_user(), body)
    assert not post.has_outbound, body
    answers.accept(volunteer, post)
    assert thread.accepted_post_id == post.id


def test_contact_detector_directly():
    assert mentions_contact("WeChat: wallet_help_88")
    assert mentions_contact("加v信 abc888 领取空投")
    assert not mentions_contact("I chatted with my bank yesterday")
    assert not mentions_contact("增加我的资产安全性")


def test_votes_once_not_own_and_withdraw(world):
    _cat, _asker, thread, _vol, _staff = world
    author = make_user("answerer")
    post = make_answer(thread, author)
    voter = make_user("voter")
    answers.vote(voter, post)
    answers.vote(voter, post)  # a double click changes nothing
    db.session.refresh(post)
    assert post.vote_count == 1
    with pytest.raises(Forbidden):
        answers.vote(author, post)
    answers.vote(voter, post, up=False)
    answers.vote(voter, post, up=False)
    db.session.refresh(post)
    assert post.vote_count == 0


def test_answer_order_best_oldest_newest(world):
    _cat, _asker, thread, volunteer, _staff = world
    t0 = utcnow() - timedelta(hours=5)
    posts = [make_answer(thread, make_user(), f"answer {i}") for i in range(4)]
    for i, post in enumerate(posts):
        post.created_at = t0 + timedelta(hours=i)
    posts[1].vote_count, posts[2].vote_count, posts[3].vote_count = 3, 5, 3
    db.session.commit()
    answers.accept(volunteer, posts[0])
    viewer = make_user()

    def order(kind):
        return [p.id for p in threads.answers_page(viewer, thread, 1, kind).items]

    # Best: the accepted answer sits under the question, then votes, then time.
    assert order(AnswerOrder.BEST) == [posts[2].id, posts[1].id, posts[3].id]
    assert order(AnswerOrder.OLDEST) == [p.id for p in posts]
    assert order(AnswerOrder.NEWEST) == [p.id for p in reversed(posts)]
    assert threads.accepted_answer(viewer, thread).id == posts[0].id


def test_list_filters_on_a_seeded_set(world):
    category, _asker, _thread, volunteer, _staff = world
    solved = make_thread(title="Solved one here")
    solved.category_id = category.id
    answers.accept(volunteer, make_answer(solved))
    answered = make_thread(make_user(), category, title="Answered not solved")
    make_answer(answered)

    # the fixture's thread is unanswered
    def titles(filter_):
        return {t.title for t in threads.category_page(category, 1, filter_).items}

    assert titles(ListFilter.SOLVED) == {"Solved one here"}
    assert titles(ListFilter.UNANSWERED) == {"USDT transfer stuck on pending"}
    assert titles(ListFilter.UNSOLVED) == {"USDT transfer stuck on pending", "Answered not solved"}
    assert len(titles(ListFilter.ALL)) == 3


def test_volunteer_queue_order_and_filters(world):
    category, _asker, first, volunteer, _staff = world
    other = make_category("technical")
    base = utcnow() - timedelta(days=3)
    answered_old = make_thread(make_user(), category, title="Answered oldest", device_os="ios")
    make_answer(answered_old)
    unanswered_new = make_thread(make_user(), other, title="Unanswered newest", device_os="ios")
    solved = make_thread(make_user(), category, title="Solved already")
    answers.accept(volunteer, make_answer(solved))
    for offset, thread in enumerate([answered_old, first, unanswered_new, solved]):
        thread.created_at = base + timedelta(hours=offset)
    db.session.commit()

    def queue(**kw):
        return [t.title for t in answers.queue(volunteer, QueueView.HELP, page=1, **kw).items]

    assert queue() == ["USDT transfer stuck on pending", "Unanswered newest", "Answered oldest"]
    assert queue(category_id=other.id) == ["Unanswered newest"]
    assert queue(device_os="ios") == ["Unanswered newest", "Answered oldest"]
    with pytest.raises(Forbidden):
        answers.queue(make_user(), QueueView.HELP, page=1)


def test_asker_confirmation_goes_to_the_confirm_list(world):
    _cat, asker, thread, volunteer, _staff = world
    post = make_answer(thread, make_user())
    answers.confirm_solution(asker, post)
    confirm = answers.queue(volunteer, QueueView.CONFIRM, page=1).items
    assert [t.id for t in confirm] == [thread.id]
    answers.accept(volunteer, post)
    assert answers.queue(volunteer, QueueView.CONFIRM, page=1).items == []


def test_claims_keep_volunteers_apart_and_expire(world):
    _cat, _asker, thread, volunteer, _staff = world
    other = make_user("vol2", Role.VOLUNTEER)
    answers.claim(volunteer, thread)
    with pytest.raises(DomainError, match="already on it"):
        answers.claim(other, thread)
    thread.claimed_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    answers.claim(other, thread)
    assert thread.claimed_by_id == other.id


def test_needs_staff_flag(world):
    _cat, _asker, thread, volunteer, staff = world
    answers.flag_for_staff(volunteer, thread)
    listed = answers.queue(staff, QueueView.STAFF, page=1).items
    assert [t.id for t in listed] == [thread.id]
    with pytest.raises(Forbidden):
        answers.flag_for_staff(volunteer, thread, on=False)
    answers.flag_for_staff(staff, thread, on=False)
    assert db.session.get(Thread, thread.id).needs_staff_at is None


def test_accepting_is_rate_limited_for_volunteers_not_staff(ctx, login, limits):
    category = make_category()
    thread = make_thread(make_user(), category)
    post = make_answer(thread, make_user())
    volunteer = make_user("fast_vol", Role.VOLUNTEER)
    staff = make_user("fast_staff", Role.STAFF)
    limits(FORUM_ACCEPT_RATE_LIMIT="3 per hour")
    vol_browser, staff_browser = login(volunteer), login(staff)
    codes = [vol_browser.post(f"/p/{post.id}/accept").status_code for _ in range(5)]
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429]
    codes = [staff_browser.post(f"/p/{post.id}/accept").status_code for _ in range(5)]
    assert codes == [302] * 5


def test_reply_to_solved_thread_shows_gentle_notice(world, login):
    _cat, _asker, thread, volunteer, _staff = world
    answers.accept(volunteer, make_answer(thread))
    page = login(make_user()).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This question was solved" in page
    assert 'id="reply-form"' in page


def test_helpers_hear_when_the_asker_adds_something(world):
    from forum import notifications

    _cat, asker, thread, volunteer, _staff = world
    make_answer(thread, volunteer, "Which network did you use?")
    other = make_user("second_helper")
    make_answer(thread, other, "Check the explorer.")
    make_answer(thread, asker, "TRON network, the explorer says success.")
    for helper in (volunteer, other):
        kinds = [n.kind for n in notifications.page_for(helper, 1).items]
        assert kinds == ["asker_reply"], helper.username
    assert [n.kind for n in notifications.page_for(asker, 1).items] == ["reply", "reply"]
