"""Search as people meet it over HTTP: analytics for staff (stored without identity for
anonymous visitors, never with a secret), result clicks, and what an empty page offers."""

from __future__ import annotations

from mnemonic import Mnemonic
from sqlalchemy import select

from forum.extensions import db
from forum.models import Role, SearchQuery
from forum.search import outbox as search_outbox
from tests.factories import default_categories, make_thread, make_user

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


def _rows() -> list[SearchQuery]:
    db.session.expire_all()
    return list(db.session.scalars(select(SearchQuery).order_by(SearchQuery.id)))


def _indexed_thread(title: str, body: str):
    cats = default_categories()
    thread = make_thread(make_user(), cats[0], title=title, body=body)
    search_outbox.sync()
    return thread, cats


def test_anonymous_searches_are_stored_without_identity_members_with(app, ctx, client, login):
    _indexed_thread("USDT transfer pending for hours", "My transfer is stuck on pending.")
    assert client.get("/search?q=Transfer%20PENDING").status_code == 200
    member = make_user("searcher")
    login(member).get("/search?q=nothing%20matches%20xyzzy")
    rows = _rows()
    assert [(r.query, r.user_id) for r in rows] == [
        ("transfer pending", None),  # folded, and no identity for an anonymous visitor
        ("nothing matches xyzzy", member.id),
    ]
    assert rows[0].results == 1 and rows[1].results == 0
    client.get("/search?q=transfer%20pending&page=2")  # later pages are not new searches
    assert len(_rows()) == 2


def test_a_query_holding_a_secret_is_never_stored(app, ctx, client):
    _indexed_thread("Wallet question", "Some text.")
    client.get("/search", query_string={"q": PHRASE})
    client.get("/search", query_string={"q": f"restore {PHRASE} please"})
    assert _rows() == []


def test_opening_a_result_is_recorded_once_and_goes_to_the_thread(app, ctx, client):
    thread, _ = _indexed_thread("Swap failed with slippage error", "The swap fails every time.")
    page = client.get("/search?q=swap%20slippage").get_data(as_text=True)
    search_id = _rows()[0].id
    link = f"/search/open/{search_id}/{thread.id}"
    assert link in page
    resp = client.get(link)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/t/{thread.id}")
    client.get(f"/search/open/{search_id}/999")  # the first result opened is kept
    assert _rows()[0].opened_thread_id == thread.id
    # ids beyond the column's range are ignored, never a server error
    assert client.get(f"/search/open/{2**64}/{thread.id}").status_code == 404  # ids stop at 2^31
    assert client.get(f"/search/open/{search_id}/{2**64}").status_code == 404


def test_staff_see_weekly_analytics_members_do_not(app, ctx, client, login):
    _indexed_thread("Gas fee too high on Ethereum", "Fees are expensive.")
    for q in ("gas fee", "gas fee", "qwertyuiop", "ethereum"):
        client.get("/search", query_string={"q": q})
    first = _rows()[0]
    client.get(f"/search/open/{first.id}/{first.id}")  # one "gas fee" search opened a result
    staff = login(make_user("staffer", Role.STAFF))
    html = staff.get("/staff/search-analytics").get_data(as_text=True)
    top, no_results, not_opened = html.split("<h3>")[1:4]
    assert top.index("gas fee") < top.index("ethereum")
    assert "qwertyuiop" in no_results and "gas fee" not in no_results
    assert "ethereum" in not_opened and "gas fee" in not_opened  # the second search opened none
    assert login(make_user("plain")).get("/staff/search-analytics").status_code in (403, 404)


def test_an_empty_page_offers_next_steps(app, ctx, client):
    _thread, cats = _indexed_thread("Energy shortage when sending USDT", "Not enough energy.")
    html = client.get(
        "/search", query_string={"q": '"energy shortage" -tron', "solved": "yes"}
    ).get_data(as_text=True)
    assert "Nothing found" in html
    assert "Search without the filters (1 thread)" in html
    assert "energy shortage</a>" in html  # the looser search, without quotes and exclusions
    assert f"/c/{cats[0].slug}" in html  # the category where these words come up
    assert "/ask?title=" in html and "category=" in html  # asking, with the text prefilled


def test_ask_form_is_prefilled_from_the_search(app, ctx, login):
    default_categories()
    page = login(make_user("asker")).get("/ask?title=Swap%20keeps%20failing").get_data(as_text=True)
    assert 'value="Swap keeps failing"' in page
