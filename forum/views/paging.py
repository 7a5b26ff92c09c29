"""Where a list's page starts: ?page= numbers, and the keyset cursors (?older=, ?newer=) the
thread lists go on with past their numbered pages (listing.Place); links to other pages."""

from __future__ import annotations

from typing import Any

from flask import g, request, url_for

from .. import listing

MAX_PAGE = 10_000


def page_arg() -> int:
    """The ?page= number, 1 to MAX_PAGE (past the last page shows an empty page)."""
    return min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)


def place_arg() -> listing.Place:
    """Where a thread list's page starts: ?older= or ?newer= a row's key (the keyset pages past
    the numbered ones), else ?page=."""
    for name in ("older", "newer"):
        if cursor := request.args.get(name, ""):
            return listing.Place(page_arg(), cursor[:100], newer=name == "newer")
    return listing.Place(page_arg())


def page_url(page: int) -> str:
    """The current URL with another page number (other arguments kept): built once per
    request around a mark where the number goes (a pagination shows a handful of links). The
    page argument comes last in the query string, so its mark is the last one."""
    parts = g.get("forum_page_url")
    if parts is None:
        head, _mark, tail = _list_url(page="{page}").rpartition("%7Bpage%7D")
        parts = g.forum_page_url = (head, tail)
    return f"{parts[0]}{page}{parts[1]}"


def cursor_url(name: str, cursor: str) -> str:
    """The current list's URL for the page older or newer than a row (other arguments kept)."""
    return _list_url(**{name: cursor})


def _list_url(**place: Any) -> str:
    args = {**(request.view_args or {}), **request.args.to_dict()}
    for name in ("page", "older", "newer"):
        args.pop(name, None)
    return url_for(request.endpoint or "main.index", **args, **place)
