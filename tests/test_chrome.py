"""Every page's header and footer are rendered once per language and kind of visitor and
filled in per page (views/chrome.py): each visitor sees their own name, links, counts and
CSRF token, and the page's own address, whoever the app served before them."""

from __future__ import annotations

import re

from forum.extensions import db
from forum.models import Role
from tests.factories import make_answer, make_category, make_thread, make_user

HEADER = re.compile(r'<header class="site">.*?</header>', re.S)
FOOTER = re.compile(r'<footer class="site">.*?</footer>', re.S)
LOGOUT_TOKEN = re.compile(
    r'action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
)
NEXT = re.compile(r'name="next" value="([^"]*)"')


def _part(pattern: re.Pattern, page) -> str:
    match = pattern.search(page.get_data(as_text=True))
    assert match, f"no {pattern.pattern[:20]} on the page"
    return match.group(0)


def test_each_visitor_sees_their_own_header_whoever_came_before(ctx, app, login, client):
    staff = login(make_user("staffer", role=Role.STAFF))
    volunteer = login(make_user("helper", role=Role.VOLUNTEER))
    member = login(make_user("member"))
    for _round in range(2):  # the second time from the kept header
        head = _part(HEADER, staff.get("/"))
        assert "/admin/users" in head and 'href="/u/staffer">staffer</a>' in head
        assert "/tickets/mine" not in head
        head = _part(HEADER, volunteer.get("/"))
        assert 'href="/u/helper">helper</a>' in head and 'href="/review"' in head
        assert "/admin/users" not in head
        head = _part(HEADER, member.get("/"))
        assert 'href="/u/member">member</a>' in head and "/tickets/mine" in head
        assert 'href="/review"' not in head and "/admin/users" not in head
        assert "staffer" not in head
        head = _part(HEADER, client.get("/"))
        assert "Log in" in head and "member" not in head and "Log out" not in head


def test_the_kept_header_carries_this_visitors_token_and_counts(ctx, app, login):
    asker, helper = make_user("asker"), make_user("helper")
    thread = make_thread(asker, make_category(), title="Where did my transfer go?")
    db.session.commit()
    first, second = login(asker), login(helper)
    make_answer(thread, helper, "Check the network's explorer for the hash.")
    db.session.commit()
    page = first.get("/", headers={"Accept-Language": "en"})
    assert 'aria-label="1 unread">1</span>' in _part(HEADER, page)
    assert 'class="count"' not in _part(HEADER, second.get("/"))
    zh = first.get("/", headers={"Accept-Language": "zh-CN"})
    assert 'aria-label="1 条未读">1</span>' in _part(HEADER, zh)
    # Each member's log-out form carries their own token, and it works.
    tokens = {
        b: LOGOUT_TOKEN.search(b.get("/").get_data(as_text=True)).group(1) for b in (first, second)
    }
    assert tokens[first] != tokens[second]
    done = second.client.post("/logout", data={"csrf_token": tokens[second]})
    assert done.status_code == 302
    assert "Log in" in _part(HEADER, second.get("/"))
    assert ">asker</a>" in _part(HEADER, first.get("/"))


def test_the_footer_and_log_in_link_come_back_to_this_page(ctx, app, client):
    for path, here, back in (
        ("/latest?sort=new&page=1", "/latest?sort=new&amp;page=1", "/latest?sort%3Dnew%26page%3D1"),
        ("/faq", "/faq?", "/faq?"),
    ):
        page = client.get(path)
        assert NEXT.search(_part(FOOTER, page)).group(1) == here
        assert f'href="/login?next={back}"' in _part(HEADER, page)
    english = _part(FOOTER, client.get("/", headers={"Accept-Language": "en"}))
    chinese = _part(FOOTER, client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert 'value="en" lang="en" aria-describedby="lang-label" aria-current="true"' in english
    assert 'value="zh" lang="zh-CN" aria-describedby="lang-label" aria-current="true"' in chinese
    assert "csrf_token" not in english  # a visitor's page sets no session


def test_the_search_box_shows_the_words_escaped(ctx, app, client):
    page = client.get("/search", query_string={"q": '"><b>转账'})
    head = _part(HEADER, page)
    assert 'value="&#34;&gt;&lt;b&gt;转账"' in head
    assert 'value=""' in _part(HEADER, client.get("/latest"))


def test_while_templates_reload_the_header_follows_the_template(ctx, app, client):
    app.extensions.pop("forum_stencils", None)
    app.jinja_env.auto_reload = True  # what `flask --debug run` sets
    try:
        assert "Log in" in _part(HEADER, client.get("/"))
        assert not app.extensions.get("forum_stencils")  # rendered afresh, nothing kept
    finally:
        app.jinja_env.auto_reload = False
    client.get("/")
    assert app.extensions["forum_stencils"]  # kept again
