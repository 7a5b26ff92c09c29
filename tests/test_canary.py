"""The canary: once a thread is escalated, its text reaches nobody but the asker and staff,
through any page, list, search, suggestion, feed, notification or endpoint of the app."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from forum import answers, media, moderation, threads, tickets
from forum.attachments import Sent
from forum.models import Role
from forum.search import outbox as search_outbox
from tests.factories import default_categories, make_answer, make_thread, make_user

MARKER = "quokkavault"  # unique, alphabetic: the spelling suggester would consider it
TITLE_MARKER = "Zebrafinch"
TYPO = "quokkavalut"
# Queries use other letter cases (search folds case), so a page that merely echoes the query
# back does not look like a leak, while real content (lower case) would.
Q_MARKER, Q_TITLE, Q_TYPO = MARKER.upper(), TITLE_MARKER.upper(), TYPO.upper()


def _get_urls(app, ids: dict[str, object]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(r"<(?:[^:<>]+:)?" + arg + ">", str(ids[arg]), url)
        urls.append(url)
    return urls


QUERY_VARIANTS = [
    f"?q={Q_MARKER}", f"?q={Q_TYPO}", f"?title={Q_MARKER}", f"?q={Q_TITLE}", "?page=1",
    "?tab=answers", "?show=unsolved", "?show=all", "?view=help", "?view=confirm", "?view=staff",
    "?sort=newest", f"?title={Q_TITLE}%20{Q_MARKER}", f"?q={Q_MARKER}&sort=newest",
    f"?q={Q_MARKER}&solved=yes",
]  # fmt: skip


@pytest.fixture
def canary(ctx):
    cats = default_categories()
    asker = make_user("canary_asker")
    volunteer = make_user("canary_volunteer", Role.VOLUNTEER)
    member = make_user("canary_member")
    staff = make_user("canary_staff", Role.STAFF)
    thread = make_thread(
        asker, cats[0], title=f"{TITLE_MARKER} wallet shows wrong balance",
        body=f"My {MARKER} account balance is wrong after import.",
    )  # fmt: skip
    vol_post = make_answer(thread, volunteer, f"Check the {MARKER} network setting first.")
    make_answer(thread, member, f"Same {MARKER} problem here.")
    # A screenshot in the thread: after escalation it is the asker's and staff's only.
    shot = media.upload(asker, _png(), "my-balance.png")
    threads.reply(asker, thread, f"Here is my {MARKER} screen.", images=Sent((shot.id,)))
    answers.vote(member, vol_post)
    answers.confirm_solution(asker, vol_post)
    answers.accept(staff, vol_post)
    # Other public content, so lists and searches are not trivially empty.
    other = make_thread(make_user(), cats[0], title="Normal question about gas fees")
    make_answer(other, volunteer, "Gas fee depends on the network.")
    search_outbox.sync()
    public = search_outbox.index(search_outbox.PUBLIC)
    assert public.search(MARKER).total == 1, "the canary must be findable before escalation"
    tickets.escalate(staff, thread, "account_data")
    search_outbox.sync()
    ids = {"thread_id": thread.id, "post_id": vol_post.id, "user_id": asker.id,
           "slug": cats[0].slug, "username": asker.username, "filename": "css/forum.css",
           "token": "not-a-token",
           "attachment_id": shot.id, "ext": "png",
           "search_id": 1, "group_id": 1}  # fmt: skip
    return thread, ids, {"asker": asker, "volunteer": volunteer, "member": member, "staff": staff}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 90), (10, 200, 90)).save(out, "PNG")
    return out.getvalue()


def _pages(app, browser, ids):
    usernames = [ids["username"], "canary_volunteer", "canary_member"]
    for url in _get_urls(app, ids):
        variants = [url + q for q in QUERY_VARIANTS] + [url]
        if "/u/" in url:
            variants += [url.replace(ids["username"], name) + "?tab=answers" for name in usernames]
            variants += [url.replace(ids["username"], name) for name in usernames]
        for variant in variants:
            response = browser.get(variant)
            yield variant, response


@pytest.mark.parametrize("who", ["anonymous", "member", "volunteer"])
def test_canary_reaches_nobody_else(app, canary, login, client, who):
    thread, ids, people = canary
    person = None if who == "anonymous" else login(people[who])
    browser = client if person is None else person.client
    if person is not None:  # similar questions: a POST (the title is never in a URL)
        for title in (Q_TITLE, f"{Q_TITLE} {Q_MARKER}", Q_MARKER):
            response = person.post("/search/similar.json", {"title": title}, page="/ask")
            assert response.status_code == 200 and response.json == [], title
    checked = 0
    for url, response in _pages(app, browser, ids):
        body = response.get_data(as_text=True)
        assert MARKER not in body, f"{who} saw the marker at {url}"
        assert TITLE_MARKER not in body, f"{who} saw the title at {url}"
        assert response.status_code < 500, url
        checked += 1
    assert checked > 100
    assert browser.get(f"/t/{thread.id}").status_code == 404
    for url in (f"/media/{ids['attachment_id']}.png", f"/media/{ids['attachment_id']}/thumb.png"):
        assert browser.get(url).status_code == 404, url


def test_canary_gone_from_public_search_and_suggestions(app, canary):
    public = search_outbox.index(search_outbox.PUBLIC)
    for q in (MARKER, TYPO, TITLE_MARKER, f'"{MARKER} network"'):
        found = public.search(q)
        assert found.total == 0, q
        assert not found.suggestion or MARKER not in found.suggestion, q
    assert public.suggest(TYPO) is None
    assert public.similar(f"{TITLE_MARKER} wallet balance") == []


@pytest.mark.parametrize("who", ["asker", "staff"])
def test_asker_and_staff_still_see_everything(canary, login, who):
    thread, _ids, people = canary
    browser = login(people[who])
    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)
    assert MARKER in page and TITLE_MARKER in page
    assert "Check the" in page  # the volunteer's reply is part of the ticket
    image = browser.get(f"/media/{_ids['attachment_id']}.png")
    assert image.status_code == 200 and image.headers["Cache-Control"] == "private, no-store"


def test_staff_search_finds_the_ticket_privately(canary, login):
    _thread, _ids, people = canary
    staff_page = login(people["staff"]).get(f"/staff/search?q={Q_MARKER}").get_data(as_text=True)
    assert TITLE_MARKER in staff_page
    assert login(people["volunteer"]).get(f"/staff/search?q={MARKER}").status_code == 403


def test_canary_survives_a_failed_purge_too(app, ctx, monkeypatch, client, login):
    """Even if the public index still holds the text, the database re-check hides it."""
    cats = default_categories()
    staff = make_user("purge_staff", Role.STAFF)
    thread = make_thread(make_user(), cats[0], title=f"{TITLE_MARKER} again",
                         body=f"{MARKER} body text here")  # fmt: skip
    search_outbox.sync()

    def broken(*args, **kwargs):
        raise OSError("index is on fire")

    monkeypatch.setattr(search_outbox, "purge_thread", broken)
    tickets.escalate(staff, thread, "identity")
    monkeypatch.setattr(search_outbox.SearchIndex, "write_locked", broken)  # the outbox is stuck
    assert search_outbox.index(search_outbox.PUBLIC).search(MARKER).total == 1  # stale index
    for url in (f"/search?q={Q_MARKER}", f"/search?q={Q_TYPO}"):
        body = client.get(url).get_data(as_text=True)
        assert MARKER not in body and TITLE_MARKER not in body, url
    member = login(make_user("purge_member"))
    response = member.post("/search/similar.json", {"title": Q_TITLE}, page="/ask")
    assert response.status_code == 200 and response.json == []
    assert threads.get_thread(staff, thread.id).is_private


# --- held posts: a new member's scam reply and a reported post reach only author and reviewers

HELD_MARKER, HELD_TITLE, REPORTED_MARKER = "wombatlure", "Platypusdesk", "numbatbait"


@pytest.fixture
def held_canary(ctx):
    cats = default_categories()
    asker, member = make_user("held_asker"), make_user("held_member")
    scammer = make_user("held_scammer", trust=0)
    volunteer = make_user("held_volunteer", Role.VOLUNTEER)
    thread = make_thread(asker, cats[0], title="Normal question about a stuck swap")
    held = make_answer(thread, scammer, f"{HELD_MARKER}: DM me on Telegram @swap_fixer_desk")
    held_thread = make_thread(
        scammer, cats[0], title=f"{HELD_TITLE} official help", body="加我微信 tpkefu2024 帮你处理"
    )
    reported = make_answer(thread, make_user("held_poster"), f"The {REPORTED_MARKER} trick works.")
    search_outbox.sync()  # the reported post is indexed while it is public
    moderation.flag(volunteer, reported, "scam")
    search_outbox.sync()
    assert held.held_at is not None and held_thread.is_held and reported.held_at is not None
    ids = {"thread_id": thread.id, "post_id": held.id, "user_id": scammer.id,
           "slug": cats[0].slug, "username": scammer.username, "filename": "css/forum.css",
           "token": "not-a-token", "attachment_id": 1, "ext": "png", "search_id": 1,
           "group_id": 1}  # fmt: skip
    return ids, {"member": member, "asker": asker, "scammer": scammer, "volunteer": volunteer}


HELD_QUERIES = [f"?q={HELD_MARKER.upper()}", f"?q={REPORTED_MARKER.upper()}",
                f"?title={HELD_TITLE.upper()}", f"?q={HELD_TITLE.upper()}", "?tab=answers"]  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "member", "asker"])
def test_held_posts_reach_nobody_else(app, held_canary, login, client, who):
    ids, people = held_canary
    browser = client if who == "anonymous" else login(people[who]).client
    checked = 0
    for url in _get_urls(app, ids):
        for variant in [url, *(url + q for q in HELD_QUERIES)]:
            response = browser.get(variant)
            body = response.get_data(as_text=True)
            for marker in (HELD_MARKER, HELD_TITLE, REPORTED_MARKER):
                assert marker not in body, f"{who} saw {marker} at {variant}"
            assert response.status_code < 500, variant
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("who", ["scammer", "volunteer"])
def test_held_posts_reach_their_author_and_reviewers(held_canary, login, who):
    ids, people = held_canary
    page = login(people[who]).get(f"/t/{ids['thread_id']}").get_data(as_text=True)
    assert HELD_MARKER in page
    if who == "volunteer":
        queue = login(people[who]).get("/review").get_data(as_text=True)
        assert HELD_MARKER in queue and HELD_TITLE in queue and REPORTED_MARKER in queue
