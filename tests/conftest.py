"""Test fixtures: one app per session on a real database (SQLite file, or the PostgreSQL
server named by FORUM_TEST_DATABASE_URL), emptied after every test."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

from forum import create_app, metrics
from forum.extensions import db, limiter
from forum.search import close_all
from forum.search import outbox as search_outbox
from forum.views.pagecache import VERSION

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (file per session)'}"


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production. Without this, a request made
    while a test holds an app context reuses it, sharing `g` (and Flask-Login's cached user)
    and the SQLAlchemy session between requests."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            # Read the body now and close it: a static file left open until garbage
            # collection warns (ResourceWarning) in whatever test runs then.
            response.get_data()
            response.close()
        if has_app_context():
            db.session.expire_all()  # the test's own session sees what the request wrote
        return response


LOOSE_LIMITS = {
    "FORUM_ACCEPT_RATE_LIMIT": "10000 per minute",
    "FORUM_POST_RATE_LIMIT": "10000 per minute",
    "FORUM_EDIT_RATE_LIMIT": "10000 per minute",
    "FORUM_LOGIN_RATE_LIMIT": "10000 per minute",
    "FORUM_UPLOAD_RATE_LIMIT": "10000 per minute",
}


@pytest.fixture
def limits(app):
    """Set some rate limits for one test; the counters start from zero and are reset after."""

    def _set(**values: str) -> None:
        app.config.update(values)
        limiter.reset()

    yield _set
    app.config.update(LOOSE_LIMITS)
    limiter.reset()


@pytest.fixture
def staff_2fa(app):
    """Require two-factor authentication of staff for one test, as in production."""
    app.config["FORUM_STAFF_2FA"] = True
    yield
    app.config["FORUM_STAFF_2FA"] = False


def _no_fsync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    url = PG_URL or f"sqlite:///{instance / 'test.db'}"
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            # The limiter runs for real; tests that check a limit lower it (see `limits`).
            **LOOSE_LIMITS,
            "FORUM_SEARCH_DIR": str(instance / "search"),
            "FORUM_SEARCH_POLL_SECONDS": 0,
            # Tests deliver mail explicitly (mail.send_all) so they can assert on it.
            "FORUM_MAIL_DELIVERY": "worker",
            "FORUM_BASE_URL": "http://forum.test",
            # Staff log in with a password only here; tests/test_twofactor.py turns the
            # two-factor requirement on (with the `staff_2fa` fixture) and tests it.
            "FORUM_STAFF_2FA": False,
            "TRUSTED_HOSTS": ["localhost", "127.0.0.1", "forum.test"],
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # A throwaway test database needs no fsync per commit (the suite's biggest wait).
            event.listen(db.engine, "connect", _no_fsync)
            db.engine.dispose()
        db.drop_all()
        db.create_all()  # tests only; the real schema comes from migrations (test_migrations)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _index_files(app: Flask) -> tuple:
    """What the search indexes look like on disk (names, sizes, times): a cheap test of
    whether a test wrote to them, since opening an index costs some 40 ms."""
    root = Path(app.config["FORUM_SEARCH_DIR"])
    return tuple(
        sorted(
            (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
        )
    )


_CLEAN_INDEX: dict[str, tuple] = {}


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables (and, if it used the app, leaves them empty).
    Only what a test touched is reset: the indexes if their files changed, the tables that
    have rows (one query finds them), in one transaction."""
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    metrics.forget_waits()
    VERSION.forget()  # the tables are emptied: a version number may come again, with other data
    with app.app_context():
        db.session.remove()
        close_all()  # close searchers (their files) so no handle outlives the test
        if _CLEAN_INDEX.get("files") != _index_files(app):
            for name in (search_outbox.PUBLIC, search_outbox.PRIVATE):
                ix = search_outbox.index(name)
                if ix.load_progress().last_id or ix.doc_count():
                    ix.clear()
            close_all()
            _CLEAN_INDEX["files"] = _index_files(app)
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        probe = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})"  # noqa: S608 (fixed names)
            for t in tables
        )
        with db.engine.begin() as conn:
            used = set(conn.scalars(text(probe)))
            if not used:
                return
            if conn.dialect.name == "postgresql":
                used_in_order = ", ".join(t for t in tables if t in used)
                conn.execute(text(f"TRUNCATE {used_in_order} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    if table in used:
                        conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (fixed names)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for calling domain functions directly."""
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client that logs in and submits forms with their CSRF token, like a person."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)

    def token(self, url: str = "/") -> str:
        return csrf_from(self.client.get(url).get_data(as_text=True))

    def post(self, url: str, data: dict | None = None, *, page: str = "/", **kw):
        data = {"csrf_token": self.token(page), **(data or {})}
        return self.client.post(url, data=data, **kw)

    def login(self, username: str, password: str = "correct horse battery"):
        response = self.post("/login", {"username": username, "password": password}, page="/login")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


@pytest.fixture
def login(app: Flask):
    """login(user) -> a Browser logged in as that user (fresh client each call)."""

    def _login(user) -> Browser:
        b = Browser(app.test_client())
        b.login(user.username)
        return b

    return _login


ROOT = Path(__file__).resolve().parent.parent


class SMTPSink:
    """What a real SMTP server (aiosmtpd, on loopback) received: parsed messages and the
    envelope recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.received.append((list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 OK"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [message for _rcpt, message in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app: Flask) -> Iterator[SMTPSink]:
    """A real SMTP server on loopback that the app sends to for one test."""
    from aiosmtpd.controller import Controller

    sink = SMTPSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("FORUM_MAIL_SERVER", "FORUM_MAIL_PORT")}
    app.config.update(FORUM_MAIL_SERVER="127.0.0.1", FORUM_MAIL_PORT=controller.port)
    try:
        yield sink
    finally:
        app.config.update(saved)
        controller.stop()


def executed(app: Flask, fn) -> list[tuple[str, object]]:
    """(statement, parameters) of every SQL statement the app's engine runs during fn()."""
    seen: list[tuple[str, object]] = []

    def before(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return seen


@pytest.fixture
def second_host(app, tmp_path):
    """Another app host on the same database, with its own instance and search indexes and a
    fast search poller."""
    from forum.search import glossary_builds

    other = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "host-b"),
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "FORUM_SEARCH_DIR": str(tmp_path / "host-b" / "search"),
            "FORUM_SEARCH_POLL_SECONDS": 0.2,
        }
    )
    yield other
    search_outbox.stop_poller(other)
    glossary_builds.wait(other.config)
    with other.app_context():
        db.engine.dispose()
