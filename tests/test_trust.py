"""Trust levels and review: a new member's risky post is held (seen only by its author and
reviewers, counted and listed nowhere) until a volunteer or staff approves it; scam reports
hide posts; staff set levels; outbound links go through the interstitial."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from forum import discovery, faq, levels, metrics, moderation, notifications, search_outbox, threads
from forum import trust as trust_domain
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, Notification, Post, Role, Thread, ThreadVisit, utcnow
from forum.permissions import Anonymous
from forum.threads import AnswerOrder, ListFilter
from tests.factories import make_answer, make_category, make_thread, make_user

SCAM = "Hi, I fixed this for many people. DM me on Telegram @quokka_recovery and I'll help."


def _ids(page) -> list[int]:
    return [p.id for p in page.items]


@pytest.fixture
def scene(ctx):
    category = make_category()
    asker = make_user("asker")
    thread = make_thread(asker, category, title="Pending USDT transfer on TRON network")
    newbie = make_user("newbie", trust=0)
    held = make_answer(thread, newbie, SCAM)
    return {
        "thread": thread,
        "asker": asker,
        "newbie": newbie,
        "held": held,
        "other": make_user("other"),
        "volunteer": make_user("helper", Role.VOLUNTEER),
        "staff": make_user("boss", Role.STAFF),
    }


def test_a_new_members_contact_lure_is_held_and_hidden_everywhere(scene):
    thread, held, other = scene["thread"], scene["held"], scene["other"]
    assert held.held_at is not None and "contact" in held.held_reason
    assert db.session.get(Thread, thread.id).reply_count == 0
    for viewer in (other, Anonymous(), scene["asker"]):
        assert _ids(threads.answers_page(viewer, thread, 1, AnswerOrder.OLDEST)) == []
        with pytest.raises(NotFound):
            threads.get_post(viewer, held.id)
    assert threads.answers_by(scene["newbie"], 1).items == []
    assert metrics.person_stats(scene["newbie"]).answers == 0
    # the asker is not notified of a post they cannot see
    assert notifications.unread_count(scene["asker"]) == 0
    search_outbox.sync()
    assert discovery.search(Anonymous(), "quokka_recovery", discovery.Filters()).results == []


def test_the_author_and_reviewers_see_the_held_post(scene):
    thread, held = scene["thread"], scene["held"]
    for viewer in (scene["newbie"], scene["volunteer"], scene["staff"]):
        assert _ids(threads.answers_page(viewer, thread, 1, AnswerOrder.OLDEST)) == [held.id]
    assert _ids(trust_domain.review_queue(scene["volunteer"], page=1)) == [held.id]
    assert trust_domain.held_count(scene["volunteer"]) == 1
    assert trust_domain.held_count(scene["other"]) == 0
    with pytest.raises(Forbidden):
        trust_domain.review_queue(scene["other"], page=1)


def test_approve_makes_it_public_counted_and_notified(scene):
    thread, held, volunteer = scene["thread"], scene["held"], scene["volunteer"]
    trust_domain.approve(volunteer, trust_domain.get_held(volunteer, held.id))
    assert _ids(threads.answers_page(scene["other"], thread, 1, AnswerOrder.OLDEST)) == [held.id]
    assert db.session.get(Thread, thread.id).reply_count == 1
    kinds = {n.kind for n in db.session.scalars(select(Notification))}
    assert {"reply", "review_approved"} <= kinds
    assert db.session.scalar(select(AuditEntry.action)) == "review_approve"
    assert trust_domain.held_count(volunteer) == 0


def test_reject_and_suspend(scene):
    held, staff, newbie = scene["held"], scene["staff"], scene["newbie"]
    trust_domain.reject(staff, held, suspend=True)
    assert held.is_deleted and held.review_outcome == "rejected" and held.held_at is None
    assert newbie.is_suspended
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["review_reject", "suspend"]
    assert db.session.get(Thread, scene["thread"].id).reply_count == 0
    # the author is told, although the post itself is gone
    assert [n.kind for n in notifications.page_for(newbie, 1).items] == ["review_rejected"]
    assert levels.compute(newbie) == levels.NEW


def test_a_volunteer_cannot_suspend_staff_through_the_queue(ctx):
    thread = make_thread(make_user(), make_category())
    volunteer = make_user(role=Role.VOLUNTEER)
    post = threads.reply(
        make_user(trust=0), thread, "write me at helpdesk@care.example", personal_ok=True
    )
    with pytest.raises(Forbidden):
        trust_domain.reject(make_user(), post)
    trust_domain.reject(volunteer, post)
    assert post.is_deleted


def test_a_held_question_hides_its_thread_from_lists_feeds_and_search(ctx):
    category = make_category()
    newbie = make_user(trust=0)
    thread = make_thread(
        newbie, category, title="Zebrafinch support desk", body="加我微信 tpkefu2024 帮你处理"
    )
    assert thread.is_held
    other = make_user()
    assert threads.latest(10) == []
    assert threads.category_page(category, 1, ListFilter.ALL).items == []
    assert faq.feed_items(None) == []
    assert threads.threads_by(newbie, 1).items == []
    search_outbox.sync()
    assert discovery.search(other, "Zebrafinch", discovery.Filters()).results == []
    assert discovery.similar(other, "Zebrafinch support") == []
    with pytest.raises(NotFound):
        threads.get_thread(other, thread.id)
    assert threads.get_thread(newbie, thread.id) is thread
    volunteer = make_user(role=Role.VOLUNTEER)
    trust_domain.approve(volunteer, threads.question_of(thread))
    assert [t.id for t in threads.latest(10)] == [thread.id]


def test_ordinary_answers_by_new_members_are_public(ctx):
    thread = make_thread(make_user(), make_category())
    post = make_answer(
        thread,
        make_user(trust=0),
        "Check the hash on https://tronscan.org/#/transaction/abc; you need more TRX for energy.",
    )
    assert post.held_at is None
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_look_alike_domains_are_refused_for_new_members_and_held_for_others(ctx):
    thread = make_thread(make_user(), make_category())
    lure = "The fix is at https://tpwallet-support.example.com/fix"
    with pytest.raises(DomainError):
        make_answer(thread, make_user(trust=0), lure)
    post = make_answer(thread, make_user(trust=2), lure)
    assert post.held_reason == "brand_domain"
    official = make_answer(thread, make_user(trust=0), "See https://help.tokenpocket.pro/en/")
    assert official.held_at is None


def test_new_member_limits_are_counted_in_the_database(app, ctx):
    thread = make_thread(make_user(), make_category())
    newbie = make_user(trust=0)
    with pytest.raises(DomainError):
        make_answer(thread, newbie, "a https://a.com b https://b.net c https://c.org")
    app.config["FORUM_NEW_POSTS_PER_DAY"] = 2
    try:
        make_answer(thread, newbie, "first")
        make_answer(thread, newbie, "second")
        with pytest.raises(DomainError):
            make_answer(thread, newbie, "third")
    finally:
        app.config["FORUM_NEW_POSTS_PER_DAY"] = 10
    post = db.session.scalars(select(Post).where(Post.author_id == newbie.id)).first()
    for n in range(3):
        threads.edit_post(newbie, post, f"edit {n}")
    with pytest.raises(DomainError):
        threads.edit_post(newbie, post, "edit 4")


def test_an_edit_that_adds_a_contact_holds_a_public_answer(ctx):
    thread = make_thread(make_user(), make_category())
    newbie = make_user(trust=0)
    post = make_answer(thread, newbie, "Raise the slippage to 1%.")
    assert db.session.get(Thread, thread.id).reply_count == 1
    threads.edit_post(
        newbie, post, "Raise the slippage. Or WhatsApp me +1 415 555 0192", personal_ok=True
    )
    assert post.held_at is not None
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert threads.answers_page(make_user(), thread, 1, AnswerOrder.OLDEST).items == []


def test_a_second_distinct_trusted_report_hides_a_post(ctx):
    thread = make_thread(make_user(), make_category())
    post = make_answer(thread, make_user(trust=2), "Validate your wallet, then it will sync.")
    author = post.author
    moderation.flag(make_user(trust=0), post, "scam")  # a new member's report does not count
    moderation.flag(make_user(), post, "scam")
    assert post.held_at is None
    moderation.flag(make_user(), post, "scam")
    assert post.held_at is not None and post.held_reason == "reports"
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert threads.answers_page(Anonymous(), thread, 1, AnswerOrder.OLDEST).items == []
    assert [n.kind for n in notifications.page_for(author, 1).items] == ["post_hidden"]
    assert db.session.scalar(select(AuditEntry.action)) == "post_hidden_by_reports"


def test_one_volunteer_report_hides_a_post_and_a_dismissal_restores_it(ctx):
    thread = make_thread(make_user(), make_category())
    post = make_answer(thread, make_user(trust=2), "Text me, I know the trick.")
    volunteer = make_user(role=Role.VOLUNTEER)
    moderation.flag(volunteer, post, "scam")
    assert post.held_at is not None
    trust_domain.approve(make_user(role=Role.STAFF), post)
    assert post.held_at is None and db.session.get(Thread, thread.id).reply_count == 1


def test_dismissed_reports_cost_the_reporter_trust(app, ctx):
    reporter = make_user(trust=None)
    reporter.created_at = utcnow() - timedelta(days=3)
    for _ in range(5):
        db.session.add(ThreadVisit(user_id=reporter.id, thread_id=make_thread().id))
    db.session.commit()
    assert levels.refresh(reporter) == levels.BASIC
    staff = make_user(role=Role.STAFF)
    thread = make_thread(make_user(), make_category())
    for n in range(3):
        post = make_answer(thread, make_user(), f"An honest answer number {n}.")
        report = moderation.flag(reporter, post, "scam")
        moderation.resolve(staff, report, remove=False)
    assert reporter.trust_level == levels.NEW


def test_trust_grows_with_time_and_reading_and_staff_may_set_it(ctx):
    person = make_user(trust=None)
    assert levels.refresh(person) == levels.NEW
    person.created_at = utcnow() - timedelta(days=20)
    for _ in range(5):
        trust_domain.note_visit(person, make_thread())
    assert levels.refresh(person) == levels.BASIC
    staff = make_user(role=Role.STAFF)
    trust_domain.set_level(staff, person, 0)
    assert person.trust_level == 0 and person.trust_level_locked
    assert levels.refresh(person) == 0
    trust_domain.set_level(staff, person, None)
    assert person.trust_level == levels.BASIC and not person.trust_level_locked
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["trust_level"] * 2
    with pytest.raises(Forbidden):
        trust_domain.set_level(make_user(role=Role.VOLUNTEER), person, 2)


def test_review_queue_over_http(ctx, login, scene):
    held = scene["held"]
    member = login(scene["other"])
    assert member.get("/review").status_code == 403
    assert member.get(f"/t/{scene['thread'].id}").get_data(as_text=True).count(SCAM[:30]) == 0
    author_page = login(scene["newbie"]).get(f"/t/{scene['thread'].id}").get_data(as_text=True)
    assert "Held for review" in author_page and "private chat" in author_page
    volunteer = login(scene["volunteer"])
    page = volunteer.get("/review").get_data(as_text=True)
    assert "quokka_recovery" in page
    response = volunteer.post(f"/review/{held.id}", {"action": "approve"}, page="/review")
    assert response.status_code == 302
    assert "quokka_recovery" in member.get(f"/t/{scene['thread'].id}").get_data(as_text=True)


def test_posting_over_http_tells_the_new_member_why(ctx, login):
    thread = make_thread(make_user(), make_category())
    newbie = login(make_user(trust=0))
    url = f"/t/{thread.id}/reply"
    response = newbie.post(url, {"body": "加我微信 tpkefu2024"}, page=f"/t/{thread.id}",
                           follow_redirects=True)  # fmt: skip
    page = response.get_data(as_text=True)
    assert "held for review" in page and "private chat" in page


def test_the_interstitial_shows_the_real_domain(client):
    page = client.get("/out?u=https%3A%2F%2Fwww.tpwallet-support.example.co.uk%2Fx").get_data(
        as_text=True
    )
    assert "example.co.uk" in page and "imitates our name" in page
    assert "never ask for your recovery phrase" in page
    official = client.get("/out?u=https%3A%2F%2Fhelp.tokenpocket.pro%2Fen").get_data(as_text=True)
    assert "official site" in official
    assert client.get("/out?u=javascript%3Aalert(1)").status_code == 404
    assert client.get("/out").status_code == 404


def test_held_and_hidden_posts_stay_out_of_the_search_index(scene):
    """A held post is never indexed, not even when its thread is indexed again; a post hidden
    by reports leaves the index; approval brings it back."""
    thread, volunteer, staff = scene["thread"], scene["volunteer"], scene["staff"]
    public = search_outbox.index(search_outbox.PUBLIC)
    search_outbox.sync()
    assert public.search("quokka_recovery").total == 0
    answer = make_answer(thread, make_user("kind_helper"), "Raise the energy limit: zebrafeeplan.")
    search_outbox.sync()
    assert public.search("zebrafeeplan").total == 1
    threads.move(staff, thread, make_category())  # the whole thread is indexed again
    search_outbox.sync()
    assert public.search("quokka_recovery").total == 0
    moderation.flag(volunteer, answer, "scam", "")  # one report by a volunteer hides it
    search_outbox.sync()
    assert public.search("zebrafeeplan").total == 0
    trust_domain.approve(staff, db.session.get(Post, answer.id))
    search_outbox.sync()
    assert public.search("zebrafeeplan").total == 1
    search_outbox.rebuild(procs=1)
    assert public.search("quokka_recovery").total == 0
    report = search_outbox.drift()["public"]
    assert (report["missing"], report["extra"]) == (0, 0)


def test_a_thread_page_counts_a_visit_once_and_a_repeat_visit_writes_nothing(app, ctx, login):
    from tests.conftest import executed

    person = make_user(trust=None)
    thread = make_thread(make_user(), make_category())
    browser = login(person)
    first = executed(app, lambda: browser.get(f"/t/{thread.id}"))
    again = executed(app, lambda: browser.get(f"/t/{thread.id}"))
    assert any("INSERT INTO thread_visits" in sql for sql, _ in first)
    assert not any("thread_visits" in sql and "INSERT" in sql for sql, _ in again)
    visits = db.session.scalars(select(ThreadVisit).where(ThreadVisit.user_id == person.id))
    assert [v.thread_id for v in visits] == [thread.id]
