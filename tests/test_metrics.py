"""Support-quality definitions on hand-built histories, the expected wait told to askers, the
rating flow, and the staff dashboard (query count, CSV = page, drill-down, digest)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event
from werkzeug.exceptions import Forbidden

from forum import answers, metrics, ratings, tickets, trends
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Rating, RatingCredit, Role, utcnow
from tests.factories import make_answer, make_category, make_thread, make_user

PHRASE = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def ago(**kw):
    return utcnow() - timedelta(**kw)


def backdate(thread, *, asked, first=None, accepted=None, confirmed=None):
    thread.created_at = asked
    thread.first_response_at = first
    thread.accepted_at = accepted
    thread.asker_confirmed_at = confirmed
    db.session.commit()


# --- definitions ------------------------------------------------------------------------------


def test_censored_median_counts_questions_still_waiting():
    assert metrics.censored_median([10, 20, 30], []) == 20
    # Two still waiting after 100 s: the typical wait is longer than the replied ones suggest.
    assert metrics.censored_median([10, 20], [100, 100, 100]) is None
    assert metrics.censored_median([10, 20], [100, 100]) == 20  # exactly half by 20 s
    assert metrics.censored_median([10, 20, 30, 40], [100]) == 30
    assert metrics.censored_median([], []) is None


def test_first_response_excludes_the_askers_own_replies_and_staff_notes(ctx):
    asker, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(asker)
    make_answer(thread, asker, "Also: it happened twice.")
    assert thread.first_response_at is None
    tickets.escalate(staff, thread, "account_data")
    tickets.add_note(staff, thread, "Looking at it on chain.")
    assert thread.first_response_at is None
    make_answer(thread, staff, "We found your transfer.")
    assert thread.first_response_at is not None


def test_resolution_is_an_accepted_answer_or_the_askers_confirmation(ctx):
    staff = make_user(role=Role.STAFF)
    category = make_category()
    announcements = make_category(staff_only=True)
    accepted = make_thread(category=category, title="Accepted one here")
    confirmed = make_thread(category=category, title="Confirmed one here")
    make_thread(category=category, title="Open one here")
    make_thread(staff, announcements, title="Maintenance on Sunday")
    backdate(accepted, asked=ago(days=2), first=ago(days=2) + timedelta(hours=2),
             accepted=ago(days=1))  # fmt: skip
    backdate(confirmed, asked=ago(days=2), first=ago(days=2) + timedelta(hours=4),
             confirmed=ago(days=2) + timedelta(hours=5))  # fmt: skip
    board = trends.dashboard(staff, trends.period(ago(days=20).date()))
    total = board.total
    assert (total.asked, total.answered, total.resolved) == (3, 2, 2)  # no announcement
    assert total.resolution_rate == pytest.approx(2 / 3)
    assert total.first_response_median == pytest.approx(3.0)
    assert total.to_resolved_median == pytest.approx((24 + 5) / 2)
    by_cat = {c.id: f for c, f in board.categories}
    assert by_cat[announcements.id].asked == 0
    assert sum(f.asked for _w, f in board.weeks) == 3


def test_tickets_past_target_and_backlog(ctx, app):
    staff = make_user(role=Role.STAFF)
    late, quick, old = (make_thread(title=f"Ticket number {n}") for n in range(3))
    for thread in (late, quick, old):
        tickets.escalate(staff, thread, "account_data")
    late.ticket.opened_at = ago(days=3)  # never answered: past the 24 h target
    quick.ticket.opened_at = ago(days=3)
    quick.ticket.first_staff_reply_at = ago(days=3) + timedelta(hours=1)
    quick.ticket.resolved_at = ago(days=2)
    old.ticket.opened_at = ago(days=200)  # opened before the period, still open: backlog only
    db.session.commit()
    board = trends.dashboard(staff, trends.period(ago(days=30).date()))
    assert (board.total.tickets_opened, board.total.tickets_resolved) == (2, 1)
    assert board.total.tickets_past_target == 1
    assert board.total.backlog == 2  # late and old are open at the end
    assert board.weeks[0][1].backlog >= 1  # old was open all along


def test_helper_figures_and_drill_down(ctx):
    staff, volunteer = make_user(role=Role.STAFF), make_user("vol_wu", Role.VOLUNTEER)
    thread = make_thread(title="Swap failed on BSC")
    answer = make_answer(thread, volunteer, "Raise the slippage to 1%.")
    make_thread(title="Nobody answered this")
    answers.accept(staff, answer)
    chosen = trends.period(ago(days=7).date())
    board = trends.dashboard(staff, chosen)
    ((helper, figures),) = board.helpers
    assert helper.username == "vol_wu" and (figures.helped, figures.resolved) == (1, 1)
    behind = trends.threads_behind(staff, chosen, kind="unanswered")
    assert [t.title for t in behind] == ["Nobody answered this"]
    assert [t.id for t in trends.threads_behind(staff, chosen, helper_id=volunteer.id)] == [
        thread.id
    ]
    with pytest.raises(Forbidden):
        trends.dashboard(volunteer, chosen)


def test_period_is_whole_weeks_and_bounded():
    chosen = trends.period(date(2026, 11, 4), date(2026, 11, 12))
    assert chosen.start == date(2026, 11, 2) and chosen.end == date(2026, 11, 15)
    assert len(chosen.weeks) == 2
    huge = trends.period(date(1990, 1, 1))
    assert (huge.end - huge.start).days <= trends.MAX_DAYS + 14


# --- the expected wait ------------------------------------------------------------------------


def test_expected_wait_needs_enough_recent_questions(ctx, client):
    category = make_category("wallets")
    quiet = make_category("quiet")
    for hours in (1, 2, 3, 4, 5):
        thread = make_thread(category=category, title=f"Question after {hours} hours")
        backdate(thread, asked=ago(days=2), first=ago(days=2) + timedelta(hours=hours))
    wait = metrics.expected_wait(category.id)
    assert abs(wait.typical - timedelta(hours=3)) < timedelta(seconds=1) and wait.sample == 5
    assert metrics.expected_wait(quiet.id).typical is None
    page = client.get("/c/wallets").get_data(as_text=True)
    assert "Volunteers usually reply within about 3 hours in this category" in page
    assert "too few recent questions" in client.get("/c/quiet").get_data(as_text=True)


def test_the_asker_sees_where_an_unanswered_question_stands(ctx, login):
    category = make_category()
    for _ in range(5):
        thread = make_thread(category=category, title="Another question here")
        backdate(thread, asked=ago(days=3), first=ago(days=3) + timedelta(hours=5))
    asker = make_user("waiting_asker")
    mine = make_thread(asker, category, title="My own question waits")
    backdate(mine, asked=ago(hours=3))
    page = login(asker).get(f"/t/{mine.id}").get_data(as_text=True)
    assert "Waiting 3 hours so far" in page and "within 5 hours" in page
    other = login(make_user()).get(f"/t/{mine.id}").get_data(as_text=True)
    assert "Waiting 3 hours" not in other


def test_ask_page_tells_the_staff_wait_for_private_questions(ctx, login):
    page = login(make_user()).get("/ask").get_data(as_text=True)
    assert "Staff aim to reply to private questions within 24 hours" in page


# --- the rating flow --------------------------------------------------------------------------


def solved_thread():
    asker, helper, staff = (
        make_user("rating_asker"),
        make_user("rating_helper"),
        make_user(role=Role.STAFF),
    )
    thread = make_thread(asker, title="Fee too high on TRON")
    answers.accept(staff, make_answer(thread, helper, "Stake TRX for energy."))
    make_answer(thread, asker, "Thanks!")
    return thread, asker, helper, staff


def test_the_asker_is_invited_once_with_nothing_preselected(ctx, login):
    thread, asker, helper, _staff = solved_thread()
    browser = login(asker)
    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)
    invite = page[page.index('class="rating-invite"') :]
    invite = invite[: invite.index("</section>")]
    assert "checked" not in invite
    for name in ("speed", "professionalism", "patience", "solved"):
        assert f'name="{name}"' in invite
    assert 'class="rating-invite"' not in login(helper).get(f"/t/{thread.id}").get_data(
        as_text=True
    )

    missing = browser.post(f"/t/{thread.id}/rating", {"speed": "4"}, page=f"/t/{thread.id}")
    assert missing.status_code == 422 and "Please choose 1 to 5." in missing.get_data(as_text=True)
    sent = browser.post(
        f"/t/{thread.id}/rating",
        {"speed": "4", "professionalism": "5", "patience": "3", "solved": "yes", "comment": "Kind"},
        page=f"/t/{thread.id}",
    )
    assert sent.status_code == 302
    rating = db.session.query(Rating).one()
    assert (rating.speed, rating.professionalism, rating.patience, rating.solved) == (4, 5, 3, True)
    credited = {c.user_id for c in db.session.query(RatingCredit)}
    assert credited == {helper.id}  # the asker's own "Thanks!" earns them nothing
    assert 'class="rating-invite"' not in browser.get(f"/t/{thread.id}").get_data(as_text=True)
    with pytest.raises(DomainError):
        ratings.rate(asker, thread, {"speed": 1, "professionalism": 1, "patience": 1}, solved=False)


def test_dismissing_the_invitation_is_for_good(ctx, login):
    thread, asker, _helper, _staff = solved_thread()
    browser = login(asker)
    assert browser.post(f"/t/{thread.id}/rating/dismiss", page=f"/t/{thread.id}").status_code == 302
    assert 'class="rating-invite"' not in browser.get(f"/t/{thread.id}").get_data(as_text=True)
    assert not ratings.invited(asker, thread)


def test_a_rating_comment_goes_through_the_secret_guard(ctx):
    thread, asker, _helper, _staff = solved_thread()
    scores = {"speed": 5, "professionalism": 5, "patience": 5}
    with pytest.raises(DomainError):
        ratings.rate(asker, thread, scores, solved=True, comment=f"my words: {PHRASE}")
    db.session.rollback()
    assert db.session.query(Rating).count() == 0


def test_a_helper_sees_their_own_averages_and_staff_see_everyones(ctx, login):
    thread, asker, helper, staff = solved_thread()
    ratings.rate(asker, thread, {"speed": 2, "professionalism": 4, "patience": 5}, solved=False)
    mine = ratings.averages_for(helper, helper)
    assert (mine.count, mine.speed, mine.solved_share) == (1, 2.0, 0.0)
    assert ratings.averages_for(staff, helper).professionalism == 4.0
    with pytest.raises(Forbidden):
        ratings.averages_for(asker, helper)
    assert "How askers rated" in login(helper).get("/u/rating_helper").get_data(as_text=True)
    assert "How askers rated" not in login(asker).get("/u/rating_helper").get_data(as_text=True)


def test_a_resolved_ticket_invites_a_rating(ctx, login):
    asker, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(asker, title="Account question in private")
    tickets.escalate(staff, thread, "account_data")
    make_answer(thread, staff, "Done on our side.")
    assert not ratings.invited(asker, thread)
    tickets.update(staff, thread, status="resolved")
    assert ratings.invited(asker, thread)


# --- the dashboard pages ----------------------------------------------------------------------


def _count_queries(app, call) -> int:
    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_dashboard_query_count_does_not_grow_with_the_range(ctx, app, login):
    staff = make_user(role=Role.STAFF)
    thread, asker, _helper, _staff = solved_thread()
    ratings.rate(asker, thread, {"speed": 3, "professionalism": 3, "patience": 3}, solved=True)
    browser = login(staff)
    today = utcnow().date()
    counts = [
        _count_queries(app, lambda d=days: browser.get(
            f"/staff/metrics?from={today - timedelta(days=d)}&to={today}"
        ))
        for days in (7, 90, 365)
    ]  # fmt: skip
    assert counts[0] == counts[1] == counts[2], counts


def _html_table(page: str, name: str) -> list[list[str]]:
    table = page[page.index(f'data-table="{name}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", c).strip().replace("—", "") for c in row] for row in cells]


@pytest.mark.parametrize("name", ["weeks", "categories", "helpers"])
def test_csv_export_matches_the_page(ctx, login, name):
    thread, asker, _helper, staff = solved_thread()
    ratings.rate(asker, thread, {"speed": 4, "professionalism": 4, "patience": 5}, solved=True)
    browser = login(staff)
    page = browser.get("/staff/metrics?helpers=all").get_data(as_text=True)
    exported = browser.get(f"/staff/metrics.csv?table={name}")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    shown = _html_table(page, name)
    assert rows == shown
    assert len(rows) > 1


def test_dashboard_pages_are_for_staff_only(ctx, login):
    member = login(make_user())
    for url in ("/staff/metrics", "/staff/metrics.csv", "/staff/metrics/threads", "/staff/digest"):
        assert member.get(url).status_code == 403
    assert login(make_user(role=Role.STAFF)).get("/staff/metrics.csv?table=nope").status_code == 404


def test_digest_lists_late_tickets_and_old_unanswered_questions(ctx, login):
    staff = make_user(role=Role.STAFF)
    late = make_thread(title="Ticket nobody answered")
    tickets.escalate(staff, late, "account_data")
    late.ticket.opened_at = ago(hours=30)
    old = make_thread(title="Old unanswered question")
    backdate(old, asked=ago(days=2))
    make_thread(title="Fresh unanswered question")
    page = login(staff).get("/staff/digest").get_data(as_text=True)
    assert "Ticket nobody answered" in page and "Old unanswered question" in page
    assert "Fresh unanswered question" not in page
    digest = trends.digest(staff)
    assert digest.this_week.asked == 2  # the escalated one is private now


def test_staff_digest_by_email_goes_to_staff_only(app, ctx, smtp):
    from forum import mail

    staff = make_user("digest_staff", Role.STAFF)
    volunteer = make_user("digest_volunteer", Role.VOLUNTEER)
    for person in (staff, volunteer):
        person.email, person.email_verified_at = f"{person.username}@example.com", utcnow()
    late = make_thread(title="Ticket nobody answered yet")
    tickets.escalate(staff, late, "account_data")
    late.ticket.opened_at = ago(hours=30)
    backdate(make_thread(title="Old unanswered question"), asked=ago(days=2))
    db.session.commit()
    assert trends.queue_staff_digests() == 1  # the volunteer gets none: it names tickets
    staff.role = Role.MEMBER  # demoted before delivery: the digest is not sent
    db.session.commit()
    assert mail.send_all().dropped == 1
    staff.role = Role.STAFF
    db.session.commit()
    trends.queue_staff_digests()
    mail.send_all()
    [message] = smtp.wait_for(1)
    assert message["To"].endswith("<digest_staff@example.com>")
    text = message.get_body(("plain",)).get_content()
    assert "Ticket nobody answered yet" in text and "Old unanswered question" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
