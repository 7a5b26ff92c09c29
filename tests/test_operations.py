"""Operator-facing pieces: health check, CLI commands, backup, config refusals, metrics."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from flask_login import login_user
from sqlalchemy import select

from forum import answers, create_app, metrics, threads
from forum.config import ConfigError
from forum.extensions import db
from forum.models import Post, Role, User
from forum.search import IndexBusy
from forum.search import outbox as search_outbox
from tests.conftest import PG_URL, ROOT
from tests.factories import default_categories, make_answer, make_thread, make_user


def test_production_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    monkeypatch.delenv("FORUM_BASE_URL", raising=False)
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_ENV": "production"})
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_ENV": "production",
                    "SECRET_KEY": "short"})  # fmt: skip
    with pytest.raises(ConfigError, match="FORUM_BASE_URL"):
        create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_ENV": "production",
                    "SECRET_KEY": "x" * 40})  # fmt: skip
    app = create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_ENV": "production",
                      "SECRET_KEY": "x" * 40, "FORUM_SEARCH_POLL_SECONDS": 0,
                      "FORUM_BASE_URL": "https://forum.example.com/"})  # fmt: skip
    assert app.config["FORUM_BASE_URL"] == "https://forum.example.com"
    assert app.config["TRUSTED_HOSTS"] == ["forum.example.com"]
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_forum_settings_are_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_EVN", "production")  # a typo must not run in development mode
    monkeypatch.setenv("FORUM_THREADS_PER_PAEG", "7")
    with pytest.raises(ConfigError, match="FORUM_EVN, FORUM_THREADS_PER_PAEG"):
        create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_SEARCH_POLL_SECONDS": 0})
    monkeypatch.delenv("FORUM_EVN")
    monkeypatch.delenv("FORUM_THREADS_PER_PAEG")
    monkeypatch.setenv("FORUM_ENV", "prod")
    with pytest.raises(ConfigError, match="FORUM_ENV"):
        create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_SEARCH_POLL_SECONDS": 0})


def test_base_url_must_be_an_origin(tmp_path):
    for bad in ("forum.example.com", "https://forum.example.com/sub", "ftp://x.org"):
        with pytest.raises(ConfigError, match="FORUM_BASE_URL"):
            create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_BASE_URL": bad})


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_THREADS_PER_PAGE", "7")
    monkeypatch.setenv("FORUM_ASKER_CAN_ACCEPT", "true")
    monkeypatch.setenv("FORUM_BRAND_NAMES", "acme, acme钱包")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "FORUM_SEARCH_POLL_SECONDS": 0})
    assert app.config["FORUM_THREADS_PER_PAGE"] == 7
    assert app.config["FORUM_ASKER_CAN_ACCEPT"] is True
    assert app.config["FORUM_BRAND_NAMES"] == ["acme", "acme钱包"]
    assert app.config["SECRET_KEY"]  # development: a random key kept in instance/


def test_healthz(client, ctx):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_create_user_reads_the_password_from_stdin(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "create-user", "官方客服", "--role", "staff"],
                           input="a long staff password\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "官方客服"))
    assert user.role == Role.STAFF
    assert "a long staff password" not in result.output
    short = runner.invoke(args=["forum", "create-user", "x_user"], input="short\n")
    assert short.exit_code != 0 and "10 characters" in short.output


def test_seed_demo_loads_once(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "volunteer" in result.output
    latest = threads.latest_page(1, threads.ListFilter.ALL)
    assert latest.total >= 40
    assert len(threads.all_categories()) >= 5
    # the demo's scammer is a new member: their "DM me on telegram" waits for review
    held = db.session.scalars(select(Post).where(Post.held_at.is_not(None))).all()
    assert [p.author.username for p in held] == ["quick_fix_99"]
    again = runner.invoke(args=["forum", "seed-demo"])
    assert "already has threads" in again.output
    assert threads.latest_page(1, threads.ListFilter.ALL).total == latest.total


def test_reindex_and_search_check(app, ctx):
    cats = default_categories()
    make_answer(make_thread(make_user(), cats[0], title="Index me please"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["forum", "reindex", "--procs", "1"]).exit_code == 0
    result = runner.invoke(args=["forum", "search-check"])
    assert result.exit_code == 0, result.output
    assert "public: 2 indexed, 0 missing, 0 extra" in result.output


def test_backup_copies_a_live_sqlite_database(app, ctx, tmp_path):
    make_thread(make_user(), default_categories()[0], title="Back me up please")
    target = tmp_path / "copy.db"
    result = app.test_cli_runner().invoke(args=["forum", "backup", str(target)])
    if PG_URL:  # PostgreSQL is backed up with pg_dump; the command says so
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as conn:
        titles = [row[0] for row in conn.execute("select title from threads")]
    assert titles == ["Back me up please"]


def test_person_stats(ctx):
    cats = default_categories()
    volunteer = make_user("fig_vol", Role.VOLUNTEER)
    staff = make_user("fig_staff", Role.STAFF)
    t1 = make_thread(make_user(), cats[0], title="Question one here")
    t2 = make_thread(make_user(), cats[1], title="Question two here")
    answers.accept(staff, make_answer(t1, volunteer))
    make_answer(t2, volunteer)
    stats = metrics.person_stats(volunteer)
    assert (stats.answers, stats.accepted) == (2, 1)
    assert stats.median_first_answer is not None


def test_outbox_recovers_after_an_index_failure(ctx, monkeypatch):
    """A failed index write loses nothing: the rows wait and are applied next time."""
    cats = default_categories()

    def locked(*args, **kwargs):
        raise IndexBusy("locked by another writer")

    monkeypatch.setattr(search_outbox.SearchIndex, "write_locked", locked)
    thread = make_thread(make_user(), cats[0], title="Pending outbox question")
    with pytest.raises(IndexBusy):
        search_outbox.sync()
    monkeypatch.undo()
    assert search_outbox.index().search("outbox").total == 0
    assert search_outbox.sync() >= 1
    hits = search_outbox.index().search("outbox").hits
    assert [h.thread_id for h in hits] == [thread.id]


def test_error_page_survives_a_failed_transaction(app, tmp_path):
    """A crash mid-transaction still gets the forum's 500 page, not the server's bare one."""
    other = create_app({
        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FORUM_SEARCH_POLL_SECONDS": 0,
    })  # fmt: skip

    with other.app_context():
        reader = User(username="err_reader", username_key="err_reader", password_hash="x")
        db.session.add(reader)
        db.session.commit()
        reader_id = reader.id

    @other.get("/boom")
    def boom():
        # a logged-in page: the error page's header queries the database (notifications)
        login_user(db.session.get(User, reader_id))
        db.session.add(User(username="dup", username_key="dup", password_hash="x"))
        db.session.add(User(username="dup", username_key="dup", password_hash="x"))
        db.session.flush()  # IntegrityError, transaction left failed

    response = other.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    with other.app_context():
        db.engine.dispose()


def test_operator_resets_a_password_from_stdin(app, ctx):
    user = make_user("forgetful")
    version = user.session_version
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["forum", "set-password", "forgetful"], input="a brand new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    from forum import accounts

    assert accounts.authenticate("forgetful", "a brand new passphrase") is not None
    assert db.session.get(User, user.id).session_version == version + 1


def _make_dry_run(target: str) -> str:
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True,
                            check=True)  # fmt: skip
    return result.stdout


def test_only_make_run_seeds_demo_accounts():
    assert "seed-demo" in _make_dry_run("run")
    serve = _make_dry_run("serve")
    assert "gunicorn" in serve and "seed-demo" not in serve and "ensure-categories" in serve


def test_a_preloading_master_starts_no_thread_and_each_worker_its_own(tmp_path, monkeypatch):
    """gunicorn.conf.py preloads the app: the master must start no search poller (a thread
    does not survive fork); after the fork a worker gets its own and a fresh pool."""
    import os
    import threading

    import forum
    from forum.search import outbox

    monkeypatch.setattr(outbox, "DEFER_POLLERS", True)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": url,
                      "FORUM_SEARCH_POLL_SECONDS": 30})  # fmt: skip
    forum.warm(app)
    pollers = [t for t in threading.enumerate() if t.name == "search-outbox"]
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            forum.after_fork(app)
            mine = [t for t in threading.enumerate() if t.name == "search-outbox"]
            code = 0 if len(mine) == 1 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert [t for t in threading.enumerate() if t.name == "search-outbox"] == pollers
