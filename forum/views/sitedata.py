"""Rarely changing public data of the list pages and the search form (the categories with
their kept counts, the announcements), held per process and app and read again when the
content version changes: the same version the page cache uses (pagecache.VERSION), checked at
most every FORUM_PAGE_CACHE_RECHECK_MS and at once after this process's own changes, so it is
never staler than a cached page. Only data that is the same for every viewer is held here.
Without a version row (caching off) every request reads afresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask, current_app

from .. import faq, listing
from ..listing import CategoryInfo, ThreadRow
from ..permissions import require_found
from .pagecache import VERSION


class _Held:
    """What was read under one (version, generation) key."""

    def __init__(self, key: tuple[int, int] | None) -> None:
        self.key = key
        self.parts: dict[str, Any] = {}


# Per app: each has its own database, so its versions compare only with its own.
_HELD: WeakKeyDictionary[Flask, _Held] = WeakKeyDictionary()


def _held(name: str, load: Callable[[], Any]) -> Any:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    version = VERSION.current(app.config["FORUM_PAGE_CACHE_RECHECK_MS"] / 1000)
    if version is None:
        return load()
    key = (version, VERSION.generation)
    held = _HELD.get(app)
    if held is None or held.key != key:
        held = _HELD[app] = _Held(key)
    if name not in held.parts:
        held.parts[name] = load()
    return held.parts[name]


def categories() -> list[CategoryInfo]:
    """Every category in order with its public thread and solved counts."""
    return _held("categories", listing.categories)


def category(slug: str) -> CategoryInfo:
    """The category with this slug (404 when there is none)."""
    by_slug = _held("by_slug", lambda: {c.slug: c for c in categories()})
    return require_found(by_slug.get(slug))


def announcements() -> list[ThreadRow]:
    """The pinned public announcements (home page and Latest)."""
    return _held("announcements", faq.announcements)
