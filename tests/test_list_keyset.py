"""Thread lists past their numbered pages go on by keyset (listing.page_of): "Older threads"
from the last numbered page walks every remaining thread once, in order, with no OFFSET;
"Newer threads" walks back; a cursor that is not one shows the first page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from forum import listing, threads
from forum.extensions import db
from forum.models import Role, utcnow
from tests.conftest import executed
from tests.factories import make_category, make_thread, make_user

THREADS = 11  # 2 per page, 2 numbered pages: 4 by number, 7 by keyset


@pytest.fixture
def long_list(ctx, app, client, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    monkeypatch.setitem(app.config, "FORUM_THREADS_PER_PAGE", 2)
    monkeypatch.setattr(listing, "NUMBERED_PAGES", 2)
    author, category = make_user("asker"), make_category("wallets")
    made = [make_thread(author, category, title=f"Thread number {n:02d}") for n in range(THREADS)]
    start = utcnow() - timedelta(days=1)
    for n, thread in enumerate(made):  # thread 0 newest; 3 and 4 share a time (the id decides)
        thread.last_activity_at = start - timedelta(minutes=min(n, 3) if n < 5 else n)
    threads.set_pinned(make_user("staffer", Role.STAFF), made[7], True)  # pinned comes first
    db.session.commit()
    return client


def _titles(html: str) -> list[str]:
    return re.findall(r"Thread number (\d\d)", html)


def _link(html: str, label: str) -> str | None:
    found = re.search(r'href="([^"]+)">(?:← )?' + label, html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("path", ["/c/wallets", "/latest"])
def test_older_links_walk_every_thread_once_in_order_and_newer_links_walk_back(long_list, path):
    pages = [long_list.get(path).get_data(as_text=True)]
    assert _link(pages[0], "Older threads") is None  # page 1 of 2 numbered: "Next"
    pages.append(long_list.get(f"{path}?page=2").get_data(as_text=True))
    while (older := _link(pages[-1], "Older threads")) is not None:
        assert "older=" in older and "page=" not in older
        pages.append(long_list.get(older).get_data(as_text=True))
        assert len(pages) < 20
    seen = [title for page in pages for title in _titles(page)]
    expected = [f"{n:02d}" for n in (0, 1, 2, 4, 3, *range(5, THREADS))]  # a tie: newer id first
    if path == "/c/wallets":  # pinned first in a category; Latest goes by time alone
        expected = ["07", *[n for n in expected if n != "07"]]
    assert seen == expected
    assert 'class="current"' not in pages[-1]  # a keyset page has no number
    walked_back = []
    page = pages[-1]
    while (newer := _link(page, "Newer threads")) is not None:
        page = long_list.get(newer).get_data(as_text=True)
        walked_back = _titles(page) + walked_back
        assert len(walked_back) <= THREADS
    assert walked_back == seen[: len(walked_back)] and len(walked_back) >= THREADS - 2


def _offsets(app, client, url: str) -> list:
    """The OFFSET values of the list statements a page runs (PostgreSQL writes none without
    an offset; SQLite's compiler adds "OFFSET ?" with 0 to every LIMIT)."""
    statements = executed(app, lambda: client.get(url))
    listing_sql = [(sql, params) for sql, params in statements if "FROM threads" in sql]
    assert listing_sql
    return [params[-1] if "?" in sql else sql for sql, params in listing_sql if "OFFSET" in sql]


def test_a_keyset_page_costs_no_offset(long_list, app):
    html = long_list.get("/c/wallets?page=2").get_data(as_text=True)
    assert _offsets(app, long_list, "/c/wallets?page=2") not in ([], [0])  # numbered: OFFSET 2
    assert _offsets(app, long_list, _link(html, "Older threads")) in ([], [0])


@pytest.mark.parametrize(
    "cursor", ["nonsense", "1.2", "2.1.1", "1.99999999999999999999.1", "0.1.99999999999", "١.٢.٣"]
)
def test_a_cursor_that_is_not_one_shows_the_first_page(long_list, cursor):
    response = long_list.get(f"/c/wallets?older={cursor}")
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == ["07", "00"]


def test_a_list_statement_built_once_still_shows_each_category_its_own_threads(
    ctx, app, client, monkeypatch
):
    """Numbered pages reuse one statement per list and page (the category a bound parameter):
    the second category's page, read after the first's, shows only its own threads."""
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    author = make_user("asker")
    for slug in ("wallets", "exchanges"):
        category = make_category(slug)
        for n in range(3):
            make_thread(author, category, title=f"About {slug} number {n}")
    db.session.commit()
    for slug, other in (("wallets", "exchanges"), ("exchanges", "wallets"), ("wallets", "x")):
        page = client.get(f"/c/{slug}").get_data(as_text=True)
        assert page.count(f"About {slug} number") == 3
        assert f"About {other} number" not in page
