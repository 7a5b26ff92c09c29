"""Times as people read them: "3 hours ago", "just now", "until 14:05", in the page's language
and the viewer's time zone."""

from __future__ import annotations

from datetime import UTC, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta
from flask import g
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import gettext as _

from ..models import utcnow


def ago(moment: Any) -> str:
    """ "3 hours ago" in the page's language; anything under a minute either way is "just now"
    (never "in 0 seconds"), a later moment reads "in 2 hours". Babel's formatting is slow per
    call and a thread page shows dozens of times, so the text is memoised per language and age."""
    if moment is None:
        return ""
    age = _signed_age(utcnow(), moment)
    return _("just now") if age is None else _relative(_locale(), age)


def _locale() -> str:
    # Looked up once per request: a thread page shows dozens of times.
    if "forum_time_locale" not in g:
        g.forum_time_locale = str(get_locale())
    return g.forum_time_locale


def _local(moment: Any) -> Any:
    """A naive UTC moment in the viewer's time zone, with one zone object per request (the
    standard library's zoneinfo: a page converts dozens of times, and pytz's normalize per
    time cost more than the rest of the conversion)."""
    zone = g.get("forum_time_zone")
    if zone is None:
        zone = g.forum_time_zone = _zone(str(get_timezone()))
    return moment.replace(tzinfo=UTC).astimezone(zone)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def until(moment: Any) -> str:
    """When a later moment comes, for expiries: "until 14:05" today, else with its date."""
    if moment is None:
        return ""
    local = _local(moment)
    today = _local(utcnow()).date()
    if local.date() == today:
        return _("until %(time)s", time=local.strftime("%H:%M"))
    return _("until %(time)s", time=local.strftime("%Y-%m-%d %H:%M"))


def _signed_age(now: Any, moment: Any) -> int | None:
    """The age shown, rounded and negative for a later moment; None under a minute either way."""
    seconds = (now - moment).total_seconds()
    if abs(seconds) < 60:
        return None
    rounded = _round_age(abs(seconds))
    return rounded if seconds > 0 else -rounded


def _round_age(seconds: float) -> int:
    # Finer than Babel shows at each scale (it rounds to the largest unit, threshold 0.9),
    # never below a minute.
    step = 60 if seconds < 86400 else 3600 if seconds < 86400 * 60 else 86400
    return max(60, int(seconds // step * step))


@lru_cache(maxsize=4096)
def _relative(locale: str, seconds: int) -> str:
    return format_timedelta(
        timedelta(seconds=-seconds), add_direction=True, threshold=0.9, locale=locale
    )


def when(moment: Any, style: str = "short") -> str:
    """An exact time in the viewer's time zone, e.g. for a tooltip ("2026-11-24 21:05")."""
    if moment is None:
        return ""
    if style == "date":
        return format_date(moment, "medium")
    local = _local(moment)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


class Clock:
    """`ago` and `when` for the many moments of one page (a list's rows, a thread's posts),
    with the language, time zone and current time looked up once (the same text as the
    functions above)."""

    def __init__(self) -> None:
        self.now, self.locale, self.just_now = utcnow(), _locale(), _("just now")
        _local(self.now)  # the request's zone, looked up once
        self.utc = str(g.forum_time_zone) == "UTC"  # most visitors: no conversion

    def ago(self, moment: Any) -> str:
        age = _signed_age(self.now, moment)
        return self.just_now if age is None else _relative(self.locale, age)

    def when(self, moment: Any) -> str:
        if self.utc:
            return moment.strftime("%Y-%m-%d %H:%M UTC")
        return when(moment)
