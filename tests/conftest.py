"""Test fixtures: one app per session on a real database (SQLite file, or the PostgreSQL
server named by FORUM_TEST_DATABASE_URL), emptied after every test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from forum import create_app
from forum.extensions import db, limiter
from forum.search import close_all
from forum.search import outbox as search_outbox

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
        if has_app_context():
            db.session.expire_all()  # the test's own session sees what the request wrote
        return response


LOOSE_LIMITS = {
    "FORUM_ACCEPT_RATE_LIMIT": "10000 per minute",
    "FORUM_POST_RATE_LIMIT": "10000 per minute",
    "FORUM_LOGIN_RATE_LIMIT": "10000 per minute",
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
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()  # tests only; the real schema comes from migrations (test_migrations)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables (and, if it used the app, leaves them empty)."""
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        for name in (search_outbox.PUBLIC, search_outbox.PRIVATE):
            ix = search_outbox.index(name)
            if ix.load_progress().last_id or ix.doc_count():
                ix.clear()
        close_all()  # close searchers (their files) so no handle outlives the test
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
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
