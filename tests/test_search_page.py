"""The search page's lean read (issue 14): a few statements whatever the number of results,
light rows re-checked against the database in the same statement as the snippets' text, and
snippets from a per-process cache that can never show an old text."""

from __future__ import annotations

import pytest

from forum import threads
from forum.extensions import db
from forum.models import Post, SiteState
from forum.search import highlight
from forum.search import outbox as search_outbox
from tests.conftest import executed
from tests.factories import default_categories, make_thread, make_user

# the results' rows and text, the analytics row (then its commit); the filter's categories are
# held per process under the content version
ANONYMOUS_STATEMENTS = 2
MEMBER_EXTRA = 2  # the member, and the bell's unread count in base.html


def _threads(n: int, start: int = 0) -> None:
    category = default_categories()[0]
    for i in range(start, start + n):
        make_thread(make_user(f"asker{i}"), category, title=f"Quokka wallet question {i}",
                    body=f"The quokka transfer number {i} is pending.")  # fmt: skip
    search_outbox.sync()


@pytest.fixture
def no_page_cache(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    db.session.add(SiteState(id=1, content_version=0))  # the content version's row, as migrated
    db.session.commit()


def test_the_search_page_reads_a_few_statements_whatever_it_shows(
    app, ctx, client, login, no_page_cache, monkeypatch
):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 60_000)  # no version read
    _threads(3)
    member = login(make_user("member"))
    counts = {}
    for n_more in (0, 15):
        _threads(n_more, start=100)
        for who, viewer in (("anonymous", client), ("member", member)):
            viewer.get("/search?q=quokka")
            seen = executed(app, lambda v=viewer: v.get("/search?q=quokka"))
            counts[who, n_more] = len(seen)
    assert counts["anonymous", 0] == counts["anonymous", 15] == ANONYMOUS_STATEMENTS
    assert counts["member", 0] == counts["member", 15] <= ANONYMOUS_STATEMENTS + MEMBER_EXTRA
    page = client.get("/search?q=quokka").get_data(as_text=True)
    assert page.count('<li class="result') == 18


def test_a_renamed_category_shows_in_the_filter_at_once(app, ctx, client, no_page_cache):
    category = default_categories()[0]
    assert category.name_en in client.get("/search?q=quokka").get_data(as_text=True)
    category.name_en = "Quokka corner"
    db.session.commit()  # bumps the content version, which this process reads again
    assert "Quokka corner" in client.get("/search?q=quokka").get_data(as_text=True)


def test_a_held_post_or_a_private_thread_never_shows_even_from_the_index(
    app, ctx, client, no_page_cache, monkeypatch
):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 60_000)
    _threads(2)
    public, hidden = (db.session.scalars(db.select(Post).order_by(Post.id)).all())[:2]
    # the index still has both; the database now says one is private, one post is held
    hidden.thread.is_private = True
    db.session.commit()
    shown, kept = "wallet question 0</a>", "wallet question 1</a>"  # the titles, marked
    assert hidden.thread.title.endswith("1")
    page = client.get("/search?q=quokka").get_data(as_text=True)
    assert shown in page and kept not in page
    # the hit the database refused is not asked for again
    assert len(executed(app, lambda: client.get("/search?q=quokka"))) == ANONYMOUS_STATEMENTS
    public.held_at = public.created_at
    db.session.commit()
    page = client.get("/search?q=quokka").get_data(as_text=True)
    assert shown not in page and kept not in page


def test_snippets_follow_an_edit_at_once(app, ctx, client, no_page_cache):
    author = make_user("writer")
    thread = make_thread(author, default_categories()[0], title="Quokka swap question",
                         body="The quokka swap said slippage too high.")  # fmt: skip
    search_outbox.sync()
    assert "slippage too high" in client.get("/search?q=quokka").get_data(as_text=True)
    question = db.session.scalars(db.select(Post).where(Post.thread_id == thread.id)).first()
    # the index is not told yet: the text still comes from the database, the cache is keyed
    # by the text itself, so the edited words show on the very next search
    threads.edit_post(author, question, "The quokka swap now asks for a higher gas fee.")
    db.session.commit()
    page = client.get("/search?q=quokka").get_data(as_text=True)
    assert "higher gas fee" in page and "slippage too high" not in page


def test_cached_snippets_equal_fresh_ones_and_long_texts_skip_the_cache():
    terms = frozenset({"quokka"})
    short = ("Quokka title", "a quokka <b>here</b> " * 5)
    assert highlight.result_html(*short, terms) == highlight._result_html(*short, terms)
    assert highlight.result_html(*short, terms) == highlight.result_html(*short, terms)
    html = highlight.result_html(*short, terms)[1]
    assert "<mark>quokka</mark>" in html and "&lt;b&gt;" in html
    before = highlight._cached_result_html.cache_info().currsize
    long = ("Quokka", "quokka " * (highlight.CACHED_CHARS // 7 + 1))
    assert highlight.result_html(*long, terms) == highlight._result_html(*long, terms)
    assert highlight._cached_result_html.cache_info().currsize == before
