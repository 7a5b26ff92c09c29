"""Atom feeds: absolute links come from FORUM_BASE_URL (a forged Host header is refused and
cannot poison the page cache for others), and the feed query uses the posts index."""

from __future__ import annotations

import re

from sqlalchemy import event

from forum import faq
from forum.extensions import db
from forum.models import SiteState
from forum.views.pagecache import PAGES
from tests.factories import make_category, make_thread, make_user


def _with_version_row() -> None:
    db.session.add(SiteState(id=1, content_version=0))
    db.session.commit()
    PAGES.clear()


def test_feed_links_use_the_base_url_and_forged_hosts_are_refused(app, ctx, client):
    _with_version_row()
    category = make_category("wallets")
    thread = make_thread(make_user(), category, title="Feed question about gas")
    forged = client.get("/feed.atom", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    for url in ("/feed.atom", f"/c/{category.slug}/feed.atom"):
        body = client.get(url).get_data(as_text=True)
        assert "evil.example" not in body
        assert f"http://forum.test/t/{thread.id}" in body
        assert f"<id>http://forum.test{url}</id>" in body
    # A trusted but non-canonical host still gets canonical links, from a separate cache entry.
    other = client.get("/feed.atom", base_url="http://forum.test").get_data(as_text=True)
    assert "http://localhost" not in other


def test_forwarded_host_from_a_proxy_cannot_poison_the_cached_feed(app, ctx, client, monkeypatch):
    _with_version_row()
    make_thread(make_user(), make_category(), title="Feed question behind a proxy")
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_host=1, x_proto=1))
    forged = client.get("/feed.atom", headers={"X-Forwarded-Host": "evil.example"})
    assert forged.status_code == 400
    body = client.get("/feed.atom").get_data(as_text=True)
    assert "evil.example" not in body and "http://forum.test/t/" in body


def test_feed_join_uses_the_posts_index(app, ctx):
    category = make_category()
    for i in range(3):
        make_thread(make_user(), category, title=f"Indexed feed question {i}")
    statements: list[tuple[str, object]] = []
    engine = db.engine
    listener = lambda *args: statements.append((args[2], args[3]))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        items = faq.feed_items(None)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(items) == 3 and all(post.is_question for _thread, post in items)
    ((sql, params),) = statements
    on_clause = sql.split(" ON ", 1)[1].split(" WHERE ", 1)[0]
    # The thread match must be a plain conjunct (indexable), not inside "(a AND b) = true".
    assert re.search(r"posts\.thread_id = threads\.id AND posts\.is_question", on_clause), sql
    assert not re.search(r"\)\s*=\s*(true|1)\b", on_clause, re.IGNORECASE), on_clause
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        details = " | ".join(row[-1] for row in plan)
        assert "SCAN posts" not in details, details
