"""Whole pages for anonymous visitors, cached per process and keyed by the content version
(events.content_version): every transaction that changes what public pages show bumps it,
so a cached page is served only while nothing it shows has changed. Privacy never waits on
an expiry: escalating a thread bumps the version in the escalation's own commit.

Only GETs of public pages by visitors without a session or remember cookie are cached;
entries also expire after a minute so relative times ("3 minutes ago") stay right.

A hit makes no database round trip (issue 14): each process reads the content version at most
once per FORUM_PAGE_CACHE_RECHECK_MS (default 250 ms) and at once after its own commits that
bump it. So a change made in this process is seen by its next request, and a change made by
another worker or host within that bound: for up to 250 ms after a commit elsewhere, this
process may still serve the page as it was (also a thread just escalated to a private ticket).
That is the staleness bound, chosen over LISTEN/NOTIFY (a listener thread and connection per
worker, PostgreSQL only, and still asynchronous): the check costs one short query per process
every 250 ms instead of one per hit. Set it to 0 to check on every hit, as before.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from itertools import chain

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..events import APP_SESSIONS, content_version
from ..models import SiteState

CACHEABLE = frozenset(
    {"main.index", "main.latest", "main.feed", "categories.show", "threads.show", "search.index"}
)
TTL_SECONDS = 60.0
MAX_ENTRIES = 500  # pages of 20-60 KB: at most some 30 MB per worker
MAX_BYTES = 256 * 1024


class _Pages:
    def __init__(self) -> None:
        self.entries: OrderedDict[tuple, tuple[float, bytes, int, str | None]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, int, str | None] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or time.monotonic() - entry[0] > TTL_SECONDS:
                return None
            self.entries.move_to_end(key)
            return entry[1:]

    def put(self, key: tuple, body: bytes, status: int, mimetype: str | None) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic(), body, status, mimetype)
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
        VERSION.forget()


class _Version:
    """This process's copy of the content version and when it was read (monotonic seconds)."""

    def __init__(self) -> None:
        self.value: int | None = None
        self.read_at = float("-inf")
        # Counts forget() calls: what is held per version (views/sitedata.py) is keyed by it
        # too, so a version number seen again after a reset never serves older data.
        self.generation = 0

    def current(self, max_age: float) -> int | None:
        now = time.monotonic()
        if now - self.read_at >= max_age:
            self.value, self.read_at = content_version(), now
        return self.value

    def forget(self) -> None:
        self.read_at = float("-inf")
        self.generation += 1


PAGES = _Pages()
VERSION = _Version()


@event.listens_for(APP_SESSIONS, "after_flush")
def _note_version_row(session: Session, _context) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, SiteState) for obj in changed):
        session.info["page_version_changed"] = True


@event.listens_for(APP_SESSIONS, "do_orm_execute")
def _note_version_bump(state) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is SiteState:
        state.session.info["page_version_changed"] = True


@event.listens_for(APP_SESSIONS, "after_commit")
def _reread_after_own_bump(session: Session) -> None:
    if session.info.pop("page_version_changed", False):
        VERSION.forget()


@event.listens_for(APP_SESSIONS, "after_rollback")
def _drop_note(session: Session) -> None:
    session.info.pop("page_version_changed", None)


def install(app: Flask, locale_of_request) -> None:
    """Serve and store cached pages around the views (when FORUM_PAGE_CACHE is on)."""

    @app.before_request
    def _serve_cached():
        if not _cacheable():
            return None
        version = VERSION.current(current_app.config["FORUM_PAGE_CACHE_RECHECK_MS"] / 1000)
        if version is None:  # no version row: caching off
            return None
        # The host is part of the key although untrusted hosts are refused (TRUSTED_HOSTS) and
        # absolute links come from FORUM_BASE_URL: one request must never shape another's page.
        g.page_cache_key = (request.host, request.full_path, str(locale_of_request()), version)
        hit = PAGES.get(g.page_cache_key)
        if hit is None:
            return None
        body, status, mimetype = hit
        g.page_cache_key = None
        response = Response(body, status=status, mimetype=mimetype)
        response.headers["X-Page-Cache"] = "hit"
        return response

    @app.after_request
    def _store(response: Response) -> Response:
        key = g.pop("page_cache_key", None)
        if key and response.status_code == 200 and "Set-Cookie" not in response.headers:
            body = response.get_data()
            if len(body) <= MAX_BYTES:
                PAGES.put(key, body, response.status_code, response.mimetype)
        return response


def _cacheable() -> bool:
    config = current_app.config
    cookies = request.cookies
    return (
        config["FORUM_PAGE_CACHE"]
        and request.method == "GET"
        and request.endpoint in CACHEABLE
        and config["SESSION_COOKIE_NAME"] not in cookies
        and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    )
