"""Notifications: one row per thread with a count, cleared when the thread is opened."""

from __future__ import annotations

from forum import notifications
from forum.models import Notification
from tests.factories import default_categories, make_answer, make_thread, make_user


def test_notifications_group_per_thread_and_clear_on_visit(ctx, login):
    cats = default_categories()
    asker = make_user("n_asker")
    busy = make_thread(asker, cats[1], title="Transfer stuck for two days now")
    quiet = make_thread(asker, cats[1], title="Where is the backup setting")
    for _ in range(3):
        make_answer(busy, make_user(), "Check the energy and bandwidth first.")
    make_answer(quiet, make_user(), "It is under Settings, Security.")
    assert notifications.unread_count(asker) == 4

    b = login(asker)
    html = b.get("/notifications").get_data(as_text=True)
    assert html.count('<li class="unread">') == 2  # one row per thread
    assert "3 updates" in html

    assert b.get(f"/t/{busy.id}").status_code == 200
    assert notifications.unread_count(asker) == 1
    html = b.get("/notifications").get_data(as_text=True)
    assert html.count('<li class="unread">') == 1
    assert Notification.query.filter_by(thread_id=quiet.id, read_at=None).count() == 1


def test_opening_a_thread_reads_only_ones_own_notifications(ctx, login):
    cats = default_categories()
    asker, other = make_user("n_a2"), make_user("n_o2")
    thread = make_thread(asker, cats[1], title="Swap failed but fee was taken")
    make_answer(thread, other, "Failed swaps still pay the network fee.")
    login(other).get(f"/t/{thread.id}")
    assert notifications.unread_count(asker) == 1
