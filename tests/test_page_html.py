"""The main pages look the same to every kind of visitor after the hot read paths were made
lean (design.md rule 13): their HTML, normalised (no CSRF tokens, exact times or whitespace),
is compared with a stored copy taken before the change, for an anonymous visitor, a member,
the asker, a volunteer and staff. UPDATE_PAGE_SNAPSHOTS=1 stores the current HTML instead (after
a deliberate wording or layout change)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, insert

from forum import answers, threads, tickets, trust
from forum.extensions import db
from forum.models import Attachment, MediaBlob, Role, utcnow
from forum.threads import AnswerOrder
from tests.conftest import executed
from tests.factories import make_answer, make_category, make_thread, make_user

PAGES = Path(__file__).parent / "data" / "pages"
UPDATE = os.environ.get("UPDATE_PAGE_SNAPSHOTS") == "1"

CSRF = re.compile(r'(name="(?:csrf_token|submission_key)"[^>]*value=")[^"]+"')
TIME = re.compile(r'<time datetime="[^"]*" title="[^"]*">')
TITLE_TIME = re.compile(r'title="\d{4}-\d\d-\d\d \d\d:\d\d [^"]*"')
SPACE = re.compile(r"\s+")
BETWEEN_TAGS = re.compile(r">\s+<")


def normalise(html: str) -> str:
    html = CSRF.sub(r'\1"', html)
    html = TIME.sub("<time>", html)
    html = TITLE_TIME.sub('title=""', html)
    html = BETWEEN_TAGS.sub("><", SPACE.sub(" ", html))
    return html.replace("><", ">\n<")  # one tag a line: readable diffs


def _images(uploader, post) -> None:
    """Two images on a post, one held for staff (rows written directly: the upload path is
    tested in test_media)."""
    blobs = [
        {"sha256": c * 64, "data": b"", "mime": "image/png", "size": 1, "width": w, "height": h}
        for c, w, h in (("a", 240, 120), ("b", 120, 60))
    ]
    db.session.execute(insert(MediaBlob), blobs)
    rows = [
        {"uploader_id": uploader.id, "post_id": post.id, "blob_sha256": "a" * 64,
         "thumb_sha256": "b" * 64, "alt": alt, "position": n, "held": held}
        for n, (alt, held) in enumerate((("My screen", False), ("", True)))
    ]  # fmt: skip
    db.session.execute(insert(Attachment), rows)
    db.session.commit()


def _back(thing, days: float) -> None:
    """Date a thread or post back by whole days (stable relative times)."""
    moment = utcnow() - timedelta(days=days)
    for name in ("created_at", "last_activity_at"):
        if hasattr(thing, name):
            setattr(thing, name, moment)


def forum_with_everything(login):
    """One thread showing every state the thread page knows, and its people."""
    asker = make_user("asker")
    member = make_user("member")
    helper = make_user("helper")
    newbie = make_user("newbie", trust=0)
    volunteer = make_user("volunteer", Role.VOLUNTEER)
    staff = make_user("staffer", Role.STAFF)
    category = make_category("wallets")
    other = make_category("fees")
    details = dict(device_os="android", app_version="5.2.1", contact_pref="forum")
    thread = make_thread(
        asker, category, title="Transfer stuck", body="It is **pending**.", **details
    )
    make_thread(make_user("someone"), other, title="Gas fees too high")
    first = make_answer(thread, helper, "Check the *fee* first.")
    second = make_answer(thread, volunteer, "Speed it up in the app.")
    edited = make_answer(thread, member, "Wait an hour.")
    threads.edit_post(member, edited, "Wait an hour or two.")
    gone = make_answer(thread, helper, "Spam spam.")
    threads.delete_post(staff, gone)
    held = make_answer(thread, newbie, "See https://example.com/help for a fix.")
    answers.vote(member, first)
    answers.vote(asker, second)
    answers.confirm_solution(asker, first)
    answers.accept(volunteer, first)
    answers.flag_for_staff(volunteer, thread)
    shot = threads.reply(member, thread, "Here is my screen.")
    _images(member, shot)
    for days, thing in enumerate([thread, first, second, edited, gone, held], start=1):
        _back(thing, 10 - days)
    ticket = tickets.ask_privately(asker, category, title="My account", body="Locked out.")
    threads.reply(staff, ticket, "We are looking into it.")
    tickets.add_note(staff, ticket, "Checked the logs.")
    db.session.commit()
    assert held.held_at is not None and trust.held_count(staff) == 1
    return (
        thread,
        ticket,
        {"member": member, "asker": asker, "volunteer": volunteer, "staffer": staff},
    )


@pytest.fixture
def forum(ctx, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE", False)
    thread, ticket, people = forum_with_everything(login)
    viewers = {"anonymous": app.test_client()}
    viewers |= {name: login(user).client for name, user in people.items()}
    monkeypatch.setitem(app.config, "FORUM_POSTS_PER_PAGE", 3)  # pages of answers too
    return thread, ticket, viewers


def _check(name: str, html: str) -> None:
    path = PAGES / f"{name}.html"
    got = normalise(html)
    if UPDATE or not path.exists():
        PAGES.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    assert got == path.read_text(encoding="utf-8"), f"{name}: the page changed"


VIEWERS = ["anonymous", "member", "asker", "volunteer", "staffer"]


def test_thread_page_html_is_unchanged(forum):
    thread, ticket, viewers = forum
    for who in VIEWERS:
        for sort in AnswerOrder:
            for page in (1, 2):
                response = viewers[who].get(f"/t/{thread.id}?sort={sort.value}&page={page}")
                assert response.status_code == 200
                _check(f"thread-{sort.value}-{page}-{who}", response.get_data(as_text=True))
        zh = viewers[who].get(f"/t/{thread.id}", headers={"Accept-Language": "zh-CN"})
        _check(f"thread-zh-{who}", zh.get_data(as_text=True))
    for who in ("asker", "staffer"):
        _check(f"ticket-{who}", viewers[who].get(f"/t/{ticket.id}").get_data(as_text=True))
    assert viewers["member"].get(f"/t/{ticket.id}").status_code == 404


def test_list_pages_html_is_unchanged(forum):
    _thread, _ticket, viewers = forum
    for who in ("anonymous", "member", "staffer"):
        for path, name in (("/", "home"), ("/c/wallets", "category"), ("/latest", "latest")):
            response = viewers[who].get(path)
            assert response.status_code == 200
            _check(f"{name}-{who}", response.get_data(as_text=True))


def _statements(app, fn) -> list[str]:
    return [" ".join(sql.split())[:120] for sql, _ in executed(app, fn)]


# Statements a thread page may make: the user (members), the thread, the question with the
# accepted answer (and whether the viewer watches the thread), the page of answers (votes and
# images flagged), the images when a post has some; then members' own bits: one statement that
# counts the unread notifications and those of this thread (marked read only when there are
# some); a member still earning trust notes the visit (no commit when it was noted before);
# reviewers the held count.
MAX_STATEMENTS = {"anonymous": 4, "member": 7, "asker": 7, "volunteer": 7, "staffer": 8}


def test_thread_page_statements_are_few_and_constant(forum, app):
    thread, _ticket, viewers = forum
    url = f"/t/{thread.id}?sort=oldest"

    def load(who: str) -> list[str]:
        return _statements(app, lambda: viewers[who].get(url))

    counts = {}
    for who in VIEWERS:
        viewers[who].get(url)
        seen = load(who)
        counts[who] = len(seen)
        assert counts[who] <= MAX_STATEMENTS[who], (who, seen)
    commits: list[object] = []

    def committed(conn) -> None:
        commits.append(conn)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", committed)
    try:
        for who in VIEWERS:
            viewers[who].get(url)
    finally:
        event.remove(engine, "commit", committed)
    assert not commits, "a repeat visit to a thread page committed"
    for i in range(12):
        make_answer(thread, make_user(f"later{i}"), f"Another idea number {i}.")
    for who in VIEWERS:
        viewers[who].get(url)  # the new answers' notifications are read once, as before
        assert len(load(who)) == counts[who], who
