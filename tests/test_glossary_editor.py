"""The glossary editor (issue 13): staff add, edit and delete synonym groups; every host's
indexes pick them up through a background rebuild into a new directory (glossary_builds)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from forum import synonyms
from forum.errors import DomainError
from forum.extensions import db
from forum.models import AuditEntry, GlossaryGroup, Role
from forum.search import analytics, close_all, glossary_builds
from forum.search import outbox as search_outbox
from forum.search.glossary import GLOSSARY_PATH, Glossary
from tests.factories import make_category, make_thread, make_user


def _reset(app) -> None:
    glossary_builds.wait(app.config)
    close_all()
    base = Path(app.config["FORUM_SEARCH_DIR"])
    for path in base.glob(f"{glossary_builds.PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    for name in (glossary_builds.ACTIVE_FILE, glossary_builds.STATUS_FILE):
        (base / name).unlink(missing_ok=True)
    glossary_builds.reload(app.config)


@pytest.fixture(autouse=True)
def _builds(app):
    """Each test starts and ends with the plain indexes, no build directory."""
    yield
    _reset(app)


@pytest.fixture
def staff(ctx):
    return make_user("glossary_staff", Role.STAFF)


def _audit() -> list[tuple[str, dict]]:
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(r.action, json.loads(r.detail)) for r in rows if r.action.startswith("glossary")]


# --- the domain ---------------------------------------------------------------------------------


def test_staff_add_edit_and_delete_groups_and_each_change_is_audited(staff):
    group = synonyms.add(staff, "到账 | 到帐 | arrived\nreceived")
    assert synonyms.entries_of(group) == ["到账", "到帐", "arrived", "received"]
    synonyms.edit(staff, group, "到账|arrived|credited")
    assert group.entries == "到账|arrived|credited"
    assert [g.entries for g in synonyms.overview(staff, "CREDITED").groups] == [group.entries]
    assert synonyms.overview(staff, "nothing like it").groups == []
    group_id = group.id
    synonyms.delete(staff, group)
    assert db.session.get(GlossaryGroup, group_id) is None
    assert _audit() == [
        ("glossary_add", {"entries": "到账|到帐|arrived|received"}),
        ("glossary_edit", {"before": "到账|到帐|arrived|received",
                           "entries": "到账|arrived|credited"}),
        ("glossary_delete", {"entries": "到账|arrived|credited"}),
    ]  # fmt: skip
    targets = db.session.scalars(
        select(AuditEntry.target_id).where(AuditEntry.actor_id == staff.id)
    )
    assert set(targets) == {group_id}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("到账", "at least two different entries"),
        ("到账|到帐", "at least two different entries"),  # one word once folded
        ("到账|" + "x" * 41, "too long: at most 40 characters"),
        ("到账|arrived #1", "cannot contain #"),
        ("到账|!!!", "no letters or characters"),
        ("|".join(f"word{i}" for i in range(21)), "at most 20 entries"),
    ],
)
def test_a_group_must_be_valid(staff, text, message):
    with pytest.raises(DomainError) as refused:
        synonyms.add(staff, text)
    assert message in str(refused.value.message) and refused.value.field == "entries"
    assert db.session.scalar(select(GlossaryGroup)) is None and _audit() == []


def test_a_duplicate_group_is_refused_whatever_the_order_case_or_width(staff):
    synonyms.add(staff, "到账|arrived|received")
    with pytest.raises(DomainError, match="already exists"):
        synonyms.add(staff, "RECEIVED|ａｒｒｉｖｅｄ|到賬")
    shipped = Glossary.load(GLOSSARY_PATH).groups[0]
    with pytest.raises(DomainError, match="shipped glossary already has"):
        synonyms.add(staff, "|".join(reversed(shipped)))
    other = synonyms.add(staff, "pending|stuck")
    with pytest.raises(DomainError, match="already exists"):
        synonyms.edit(staff, other, "received|arrived|到账")
    synonyms.edit(staff, other, "stuck|pending|卡住")  # its own entries are no duplicate


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VOLUNTEER])
def test_members_and_volunteers_cannot_edit_the_glossary(staff, role):
    group = synonyms.add(staff, "到账|arrived")
    other = make_user(f"not_staff_{role.value}", role)
    for call in (
        lambda: synonyms.overview(other),
        lambda: synonyms.add(other, "pending|stuck"),
        lambda: synonyms.edit(other, group, "到账|credited"),
        lambda: synonyms.delete(other, group),
        lambda: synonyms.get(other, group.id),
    ):
        with pytest.raises(Forbidden):
            call()
    assert group.entries == "到账|arrived" and len(_audit()) == 1


# --- the pages ----------------------------------------------------------------------------------


def test_the_editor_pages_for_staff_only(app, ctx, client, login):
    staff = login(make_user("page_staff", Role.STAFF))
    for role in (Role.MEMBER, Role.VOLUNTEER):
        other = login(make_user(f"page_{role.value}", role))
        for url in ("/staff/glossary", "/staff/glossary/new"):
            assert other.get(url).status_code == 403
    assert client.get("/staff/glossary").status_code == 302  # to the login page
    page = staff.get("/staff/glossary/new?entries=到帐|").get_data(as_text=True)
    assert "到帐|</textarea>" in page
    short = staff.post("/staff/glossary/new", {"entries": "到帐"}, page="/staff/glossary/new")
    assert short.status_code == 422 and "at least two different entries" in short.text
    saved = staff.post("/staff/glossary/new", {"entries": "到帐|arrived"}, page="/staff/glossary")
    assert saved.status_code == 302
    listing = staff.get("/staff/glossary").get_data(as_text=True)
    assert "到帐 · arrived" in listing and "Shipped glossary (read-only)" in listing
    assert "钱包" in listing  # the shipped groups are shown
    group_id = db.session.scalar(select(GlossaryGroup.id))
    again = staff.post("/staff/glossary/new", {"entries": "arrived|到帐"}, page="/staff/glossary")
    assert again.status_code == 422 and "already exists" in again.text
    edit_url = f"/staff/glossary/{group_id}/edit"
    assert staff.post(edit_url, {"entries": "到帐|credited"}, page=edit_url).status_code == 302
    confirm = staff.get(f"/staff/glossary/{group_id}/delete")
    assert confirm.status_code == 200 and "Delete this group?" in confirm.text
    assert "到帐 · credited" in confirm.text
    db.session.expire_all()
    assert db.session.get(GlossaryGroup, group_id) is not None  # asking deletes nothing
    assert client.post(f"/staff/glossary/{group_id}/delete").status_code in (302, 400)
    done = staff.post(f"/staff/glossary/{group_id}/delete", page="/staff/glossary")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(GlossaryGroup, group_id) is None
    assert staff.get(f"/staff/glossary/{group_id}/edit").status_code == 404
    zh = staff.get("/staff/glossary", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "搜索词库" in zh


def test_a_query_without_results_links_to_adding_a_synonym(app, ctx, login):
    analytics.record(None, "到帐了吗", 0)
    page = login(make_user("analyst", Role.STAFF)).get("/staff/search-analytics").text
    assert "/staff/glossary/new?entries=" in page and "Add a synonym" in page
    assert "/staff/glossary" in page  # the staff tabs link to the editor


# --- the pick-up: a new group reaches the index after a rebuild ----------------------------------


def _found(word: str) -> list[int]:
    return [h.thread_id for h in search_outbox.index().search(word).hits]


def test_a_new_group_makes_search_find_a_thread_after_the_rebuild(app, staff):
    thread = make_thread(make_user("asker"), make_category(), title="Zorblax wallet freezes")
    search_outbox.sync()
    assert _found("quuxly") == [] and _found("zorblax") == [thread.id]
    before = search_outbox.index()
    synonyms.add(staff, "zorblax|quuxly")
    assert not synonyms.overview(staff).status.applied
    assert _found("quuxly") == []  # the old index, with the old glossary, until the rebuild
    search_outbox.check_glossary()  # what each host's poller does
    glossary_builds.wait(app.config)
    assert synonyms.overview(staff).status.applied
    assert _found("quuxly") == [thread.id]
    after = search_outbox.index()
    assert after is not before and after.path.parent.name.startswith(glossary_builds.PREFIX)
    assert not after.needs_reindex
    # The new index is fed by the outbox like the old one.
    later = make_thread(make_user("asker2"), make_category(), title="Zorblax crashes again")
    search_outbox.sync()
    assert set(_found("quuxly")) == {thread.id, later.id}
    # Deleting the group is a new version: after its rebuild the synonym is gone.
    synonyms.delete(staff, db.session.scalar(select(GlossaryGroup)))
    search_outbox.check_glossary()
    glossary_builds.wait(app.config)
    assert _found("quuxly") == [] and set(_found("zorblax")) == {thread.id, later.id}


def test_the_editor_shows_a_rebuild_under_way(app, staff):
    synonyms.add(staff, "zorblax|quuxly")
    base = Path(app.config["FORUM_SEARCH_DIR"])
    fd = glossary_builds._try_lock(base)  # another process of this host is building
    assert fd is not None
    try:
        (base / glossary_builds.STATUS_FILE).write_text(json.dumps({"done": 3000, "total": 9000}))
        status = synonyms.overview(staff).status
        assert status.building and (status.done, status.total) == (3000, 9000)
        search_outbox.check_glossary()  # this process does not start a second build
        assert not any(base.glob(f"{glossary_builds.PREFIX}*"))
    finally:
        os.close(fd)
    assert not synonyms.overview(staff).status.building  # waiting for the next poll


@pytest.fixture
def second_host(second_host):
    """conftest's second host, its glossary builds removed afterwards: its poller stopped
    first, or a poll still writing into a build directory would find it removed."""
    yield second_host
    search_outbox.stop_poller(second_host)
    _reset(second_host)


def test_another_host_picks_the_group_up_by_itself(app, staff, second_host):
    category = make_category()
    thread = make_thread(make_user("asker"), category, title="Zorblax wallet freezes")
    # Other threads: in an index of one live post, a word also in a deleted copy of that post
    # (the outbox applies rows the build already saw again) scores below zero and is dropped.
    for i in range(3):
        make_thread(make_user(f"other{i}"), category, title=f"Gas fee question {i}")
    thread_id = thread.id  # read here: inside host B's context it would load through B's engine
    synonyms.add(staff, "zorblax|quuxly")
    deadline = time.monotonic() + 60
    while True:
        with second_host.app_context():
            if [h.thread_id for h in search_outbox.index().search("quuxly").hits] == [thread_id]:
                break
            state = glossary_builds.status(glossary_builds.staff_groups())
            files = sorted(p.name for p in Path(second_host.config["FORUM_SEARCH_DIR"]).iterdir())
        assert time.monotonic() < deadline, f"host B did not rebuild: {state} {files}"
        time.sleep(0.2)
    with second_host.app_context():
        root = search_outbox.index().path.parent
    assert root.name.startswith(glossary_builds.PREFIX)
    assert (root / glossary_builds.EXTRA_FILE).read_text(encoding="utf-8").strip() == (
        "zorblax|quuxly"
    )


def test_a_host_without_a_poller_applies_the_glossary_from_the_command_line(app, staff):
    thread = make_thread(make_user("asker"), make_category(), title="Zorblax wallet freezes")
    make_thread(make_user("asker2"), make_category(), title="Gas fee question")
    synonyms.add(staff, "zorblax|quuxly")
    search_outbox.sync()
    assert _found("quuxly") == []
    result = app.test_cli_runner().invoke(args=["forum", "glossary-apply"])
    assert result.exit_code == 0, result.output
    assert _found("quuxly") == [thread.id]
