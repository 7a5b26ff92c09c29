"""Round trips a page does not need (forum/connections.py): reads of a GET outside a
transaction until the first write, which is atomic as before; a dead pooled connection is
replaced before a request uses it."""

from __future__ import annotations

import time

from sqlalchemy import bindparam, func, select

from forum import connections, levels
from forum.extensions import db
from forum.models import Category, Thread, ThreadVisit, User
from tests.factories import make_thread, make_user


def _in_transaction(raw) -> bool:
    info = getattr(raw, "info", None)
    if info is not None and hasattr(info, "transaction_status"):  # psycopg
        return info.transaction_status.name != "IDLE"
    return raw.in_transaction  # sqlite3


def _category(slug: str) -> Category:
    return Category(slug=slug, name_en=slug, name_zh=slug)


def _raw():
    return db.session.connection().connection.dbapi_connection


def test_a_get_reads_outside_a_transaction_and_its_writes_stay_atomic(app):
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(User.id)).all()
        assert not _in_transaction(_raw())  # no BEGIN and no ROLLBACK for a page's reads
        db.session.add_all([_category("first-write"), _category("second-write")])
        db.session.flush()
        assert _in_transaction(_raw())  # the first write opened the transaction
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Category)) == 0
        db.session.add(_category("kept"))
        db.session.commit()
        db.session.remove()
    with app.app_context():
        assert db.session.scalars(select(Category.slug)).all() == ["kept"]


def test_a_whole_write_on_a_page_view_opens_no_transaction(app):
    with app.test_request_context("/", method="GET"):
        member_id, thread_id = make_user().id, make_thread().id
        db.session.remove()
        member, thread = db.session.get(User, member_id), db.session.get(Thread, thread_id)
        assert levels.note_visit(member, thread.id)  # INSERT ... ON CONFLICT DO NOTHING
        db.session.commit()  # as trust.note_visit does after a new visit
        assert not levels.note_visit(member, thread.id)  # a repeat visit: the usual page view
        if db.engine.dialect.name == "postgresql":  # sqlite3 begins before any INSERT
            assert not _in_transaction(_raw())
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ThreadVisit)) == 1


def test_a_post_keeps_its_transaction_from_the_first_statement(app):
    with app.test_request_context("/", method="POST"):
        db.session.execute(select(User.id)).all()
        raw = _raw()
        if db.engine.dialect.name == "postgresql":
            assert _in_transaction(raw)
        db.session.add(_category("posted"))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Category)) == 0
        db.session.remove()


def test_a_dead_idle_connection_is_replaced_before_a_request_uses_it(app, client):
    with app.app_context():
        db.engine.dispose()
        pooled = db.engine.raw_connection()
        driver_connection = pooled.dbapi_connection
        pooled.close()  # back to the pool: the only connection it holds
        driver_connection.close()  # as a database restart or a network cut would
    time.sleep(app.config["FORUM_DB_PING_AFTER_SECONDS"] + 0.05)
    assert client.get("/latest").status_code == 200


def test_a_core_read_sees_what_the_session_has_not_written_yet(app):
    """connections.read skips the ORM's result handling but not its autoflush: a page that
    changed something and then reads a list sees its own change."""
    with app.test_request_context("/", method="GET"):
        db.session.add(_category("pending-change"))
        slugs = [row[0] for row in connections.read(select(Category.slug))]
        assert slugs == ["pending-change"]
        rows = connections.read(
            select(Category.slug).where(Category.slug == bindparam("s")), {"s": "x"}
        )
        assert list(rows) == []
        db.session.rollback()
