"""Anonymous pages are cached per content version: a hit costs no query, any change a page
could show (a reply, a vote, an escalation, a role change) made in this process is visible at
once, and one made by another process within FORUM_PAGE_CACHE_RECHECK_MS."""

from __future__ import annotations

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from forum import accounts, answers, tickets
from forum.extensions import db
from forum.models import Category, Role, SiteState, User
from forum.views.pagecache import PAGES, VERSION
from tests.factories import make_answer, make_category, make_thread, make_user


def _with_version_row() -> None:
    db.session.add(SiteState(id=1, content_version=0))
    db.session.commit()
    PAGES.clear()


def test_anonymous_pages_are_served_from_cache_until_content_changes(app, ctx, client, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 60_000)  # a slow first render
    _with_version_row()
    category = make_category("transactions")
    thread = make_thread(make_user(), category, title="Cached question about fees")
    url = f"/t/{thread.id}"
    first = client.get(url)
    assert first.status_code == 200 and "X-Page-Cache" not in first.headers
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        second = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert statements == []  # not even the content version: this process read it just now
    assert "Content-Security-Policy" in second.headers

    make_answer(thread, make_user(), "A fresh reply shows at once.")
    fresh = client.get(url)
    assert "X-Page-Cache" not in fresh.headers
    assert "A fresh reply shows at once." in fresh.get_data(as_text=True)


def test_votes_roles_and_escalation_invalidate(app, ctx, client):
    _with_version_row()
    thread = make_thread(make_user(), make_category(), title="Question that will go private")
    helper = make_user("helper_to_promote")
    post = make_answer(thread, helper, "Try switching the node.")
    url = f"/t/{thread.id}"
    client.get(url)
    answers.vote(make_user(), post)
    assert "X-Page-Cache" not in client.get(url).headers
    client.get(url)
    accounts.set_role(make_user(role=Role.ADMIN), helper, Role.VOLUNTEER)
    assert "Volunteer" in client.get(url).get_data(as_text=True)
    client.get(f"/c/{thread.category.slug}")
    tickets.escalate(make_user(role=Role.STAFF), thread, "account_data")
    assert client.get(url).status_code == 404
    assert "go private" not in client.get(f"/c/{thread.category.slug}").get_data(as_text=True)


def test_logged_in_visitors_are_never_served_cached_pages(ctx, client, login):
    _with_version_row()
    thread = make_thread(make_user(), make_category())
    client.get(f"/t/{thread.id}")
    member = login(make_user("logged_in_reader"))
    page = member.get(f"/t/{thread.id}")
    assert "X-Page-Cache" not in page.headers
    assert "logged_in_reader" in page.get_data(as_text=True)


def test_anonymous_pages_set_no_cookie(ctx, client):
    thread = make_thread(make_user(), make_category("account"), title="Cookie-free question")
    for url in ("/", "/latest", "/c/account", f"/t/{thread.id}", "/search?q=cookie", "/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url


def _version() -> int:
    db.session.expire_all()
    return db.session.get(SiteState, 1).content_version


def test_logout_and_language_choice_keep_the_cache(ctx, login):
    _with_version_row()
    member = make_user("quiet_member")
    browser = login(member)  # logging in changes nothing a public page shows
    before = _version()
    browser.post("/lang", {"lang": "zh", "next": "/"})
    assert db.session.get(User, member.id).locale == "zh"
    browser.post("/logout")
    assert _version() == before
    accounts.set_role(make_user(role=Role.ADMIN), member, Role.VOLUNTEER)  # public: the badge
    assert _version() > before


def test_other_sessions_do_not_bump_the_content_version(app, ctx):
    _with_version_row()
    with Session(db.engine) as other:  # a script's own session: not the app's listeners
        other.add(Category(slug="x-other", name_en="X", name_zh="X"))
        other.commit()
    assert _version() == 0


def test_another_workers_change_shows_within_the_recheck_bound(app, ctx, client, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 60_000)
    _with_version_row()
    thread = make_thread(make_user(), make_category(), title="Read by two workers")
    url = f"/t/{thread.id}"
    client.get(url)
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    with Session(db.engine) as other:  # another worker's commit: no listener of this process
        other.execute(update(SiteState).values(content_version=SiteState.content_version + 1))
        other.commit()
    assert client.get(url).headers["X-Page-Cache"] == "hit"  # within the bound: stale
    VERSION.read_at -= app.config["FORUM_PAGE_CACHE_RECHECK_MS"] / 1000  # the bound passed
    assert "X-Page-Cache" not in client.get(url).headers
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_RECHECK_MS", 0)  # check on every hit
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    with Session(db.engine) as other:
        other.execute(update(SiteState).values(content_version=SiteState.content_version + 1))
        other.commit()
    assert "X-Page-Cache" not in client.get(url).headers
