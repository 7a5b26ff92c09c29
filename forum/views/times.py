"""Times as people read them: "3 hours ago", "just now", "until 14:05", in the page's language
and the viewer's time zone."""

from __future__ import annotations

from datetime import UTC, timedelta
from functools import lru_cache
from typing import Any

from babel.dates import format_timedelta
from flask_babel import format_date, get_locale, to_user_timezone
from flask_babel import gettext as _

from ..models import utcnow


def ago(moment: Any) -> str:
    """ "3 hours ago" in the page's language; anything under a minute either way is "just now"
    (never "in 0 seconds"), a later moment reads "in 2 hours". Babel's formatting is slow per
    call and a thread page shows dozens of times, so the text is memoised per language and age."""
    if moment is None:
        return ""
    seconds = (utcnow() - moment).total_seconds()
    if abs(seconds) < 60:
        return _("just now")
    rounded = _round_age(abs(seconds))
    return _relative(str(get_locale()), rounded if seconds > 0 else -rounded)


def until(moment: Any) -> str:
    """When a later moment comes, for expiries: "until 14:05" today, else with its date."""
    if moment is None:
        return ""
    local = to_user_timezone(moment.replace(tzinfo=UTC))
    today = to_user_timezone(utcnow().replace(tzinfo=UTC)).date()
    if local.date() == today:
        return _("until %(time)s", time=local.strftime("%H:%M"))
    return _("until %(time)s", time=local.strftime("%Y-%m-%d %H:%M"))


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
    local = to_user_timezone(moment.replace(tzinfo=UTC))
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")
