"""Relative times read naturally in both languages: never "in 0 seconds", future times as such."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask_login import login_user

from forum.extensions import db
from forum.models import utcnow
from forum.views import ago, until, when
from tests.factories import make_user

MINUTE, HOUR, DAY = 60, 3600, 86400

# (age in seconds, English, Chinese)
AGES = [
    (0, "just now", "刚刚"),
    (1, "just now", "刚刚"),
    (44, "just now", "刚刚"),
    (45, "just now", "刚刚"),
    (59, "just now", "刚刚"),
    (60, "1 minute ago", "1分钟前"),
    (61, "1 minute ago", "1分钟前"),
    (5 * MINUTE + 30, "5 minutes ago", "5分钟前"),
    (50 * MINUTE, "50 minutes ago", "50分钟前"),
    (HOUR, "1 hour ago", "1小时前"),
    (3 * HOUR + 20 * MINUTE, "3 hours ago", "3小时前"),
    (20 * HOUR, "20 hours ago", "20小时前"),
    (DAY, "1 day ago", "1天前"),
    (6 * DAY, "6 days ago", "6天前"),
    (13 * DAY, "2 weeks ago", "2周前"),
    (40 * DAY, "1 month ago", "1个月前"),
    (200 * DAY, "7 months ago", "7个月前"),
    (365 * DAY, "1 year ago", "1年前"),
    (730 * DAY, "2 years ago", "2年前"),
]


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize(("seconds", "english", "chinese"), AGES)
def test_ages_read_naturally(app, locale, seconds, english, chinese):
    with app.test_request_context(headers={"Accept-Language": locale}):
        text = ago(utcnow() - timedelta(seconds=seconds))
    assert text == (english if locale == "en" else chinese)
    assert not text.startswith("in ") and "后" not in text


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_future_moments_read_as_future(app, locale):
    with app.test_request_context(headers={"Accept-Language": locale}):
        soon = ago(utcnow() + timedelta(seconds=30))
        later = ago(utcnow() + timedelta(hours=2, seconds=5))
    assert soon == ("just now" if locale == "en" else "刚刚")
    assert later == ("in 2 hours" if locale == "en" else "2小时后")


@pytest.mark.parametrize(("locale", "word"), [("en", "until"), ("zh", "至")])
def test_claim_expiry_reads_until_a_clock_time(app, locale, word):
    moment = utcnow().replace(hour=14, minute=5, second=0, microsecond=0)
    with app.test_request_context(headers={"Accept-Language": locale}):
        text = until(moment)
    assert word in text and "14:05" in text


@pytest.mark.parametrize(
    ("zone", "moment", "shown"),
    [
        (None, datetime(2026, 7, 1, 12, 30), "2026-07-01 12:30 UTC"),
        ("Asia/Shanghai", datetime(2026, 7, 1, 20, 5), "2026-07-02 04:05 CST"),
        ("America/New_York", datetime(2026, 7, 1, 12, 30), "2026-07-01 08:30 EDT"),
        ("America/New_York", datetime(2026, 1, 15, 12, 30), "2026-01-15 07:30 EST"),
        ("Asia/Kolkata", datetime(2026, 1, 15, 12, 0), "2026-01-15 17:30 IST"),
    ],
)
def test_exact_times_show_in_the_readers_zone_with_its_daylight_saving(app, zone, moment, shown):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        member = make_user()
        member.timezone = zone
        db.session.commit()
        login_user(member)
        assert when(moment) == shown
        assert until(moment) == f"until {shown[:16]}"
