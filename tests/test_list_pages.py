"""The thread lists (home, latest, category) after their rows were made in Python and their
categories and announcements held per process (views/listviews.py, views/sitedata.py): the
same HTML as the macros gave, for every pinned/locked/solved row and author badge, in both
languages, whether the data is read afresh or held; and held data follows every change."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product

import pytest
import pytz
from flask import g
from sqlalchemy import text

from forum import answers, threads
from forum.extensions import db
from forum.models import Role, SiteState, utcnow
from forum.views.times import Clock, ago, when
from tests.conftest import executed
from tests.factories import make_answer, make_category, make_thread, make_user
from tests.test_page_html import _back, _check

PAGES = (("/", "home"), ("/latest", "latest"), ("/c/wallets", "category"))


@pytest.fixture
def lists(ctx, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    staff, volunteer = make_user("staffer", Role.STAFF), make_user("helper", Role.VOLUNTEER)
    member = make_user("member")
    wallets, news = make_category("wallets"), make_category("news", staff_only=True)
    authors = {"member": member, "volunteer": volunteer, "staff": staff}
    for n, (pinned, locked, solved) in enumerate(product((False, True), repeat=3)):
        author = list(authors.values())[n % 3]
        thread = make_thread(author, wallets, title=f"Question <{n}> pinned={pinned}")
        if solved or n % 2:
            answer = make_answer(thread, make_user(f"answerer{n}"), "Try the fee setting.")
            if solved:
                answers.accept(volunteer, answer)
        if pinned:
            threads.set_pinned(staff, thread, True)
        thread.is_locked = locked
        _back(thread, n + 1)
    notice = make_thread(staff, news, title="Maintenance on Sunday & Monday")
    threads.set_pinned(staff, notice, True)
    _back(notice, 2)
    db.session.commit()
    viewers = {"anonymous": app.test_client(), "member": login(member).client}
    viewers["staffer"] = login(staff).client
    return viewers


def _pages(viewers) -> None:
    for (who, client), (path, name), lang in product(viewers.items(), PAGES, ("en", "zh-CN")):
        response = client.get(path, headers={"Accept-Language": lang})
        assert response.status_code == 200
        _check(f"rows-{name}-{lang}-{who}", response.get_data(as_text=True))


def test_list_rows_html_is_unchanged(lists):
    _pages(lists)  # read afresh (no content version row)


def test_held_list_data_gives_the_same_html(lists, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 60_000)
    db.session.add(SiteState(id=1, content_version=0))
    db.session.commit()
    _pages(lists)
    _pages(lists)  # the second time from what the process holds


def test_held_list_data_follows_changes(lists, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 60_000)
    db.session.add(SiteState(id=1, content_version=0))
    db.session.commit()
    client = lists["member"]
    client.get("/")
    first = executed(app, lambda: client.get("/"))
    assert not any("FROM categories" in sql for sql, _ in first)  # held: not read again

    # A change made in this process shows at once.
    make_thread(make_user("newcomer"), make_category("fees"), title="Fresh question on fees")
    home = client.get("/").get_data(as_text=True)
    assert "Category fees" in home and "Fresh question on fees" in home
    assert client.get("/c/fees").status_code == 200
    assert client.get("/c/nowhere").status_code == 404

    # One made by another process: seen once the version is read again.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE categories SET name_en = 'Renamed fees' WHERE slug = 'fees'"))
        conn.execute(text("UPDATE site_state SET content_version = content_version + 1"))
    listed = '<a class="title" href="/c/fees">Renamed fees</a>'  # the categories list
    assert listed not in client.get("/").get_data(as_text=True)  # within the bound
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 0)
    assert listed in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_the_list_clock_tells_times_as_the_filters_do(app, zone):
    now = utcnow()
    moments = [now - timedelta(seconds=s) for s in (5, 90, 4000, 90_000, 9_000_000)]
    moments += [datetime(2026, 3, 8, 6, 59), datetime(2026, 11, 1, 5, 30)]  # around DST
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        g.forum_time_zone = pytz.timezone(zone)
        clock = Clock()
        assert [clock.when(m) for m in moments] == [when(m) for m in moments]
        assert [clock.ago(m) for m in moments] == [ago(m) for m in moments]
