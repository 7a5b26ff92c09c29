"""Access logs never hold query strings: what is typed into the search box (or any URL) does
not reach the log of the development server (werkzeug, `make run`) or of gunicorn."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine
from werkzeug.serving import make_server

from forum.extensions import db
from tests.conftest import ROOT

PHRASE = "legal winner thank year wave sausage worth useful legal winner thank yellow"


def _free_port() -> int:
    """A port nobody listens on (a fixed one let two suites on one machine share a server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (local test)
            response.read()  # the whole body, so the server closes what it sent
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_development_server_logs_paths_only(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            assert _get(f"{base}/search?q={quote(PHRASE)}") == 422  # refused, not run
            assert _get(f"{base}/search?q=gas+fee&sort=newest") == 200
            _get(f"{base}/static/css/forum.css?v=sausage")
    finally:
        server.shutdown()
        serving.join(timeout=10)
    ansi = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours error lines
    lines = [ansi.sub("", r.getMessage()) for r in caplog.records if r.name == "werkzeug"]
    assert sum('"GET /search HTTP/1.1"' in line for line in lines) == 2, lines
    assert any('"GET /static/css/forum.css HTTP/1.1"' in line for line in lines), lines
    assert not any("sausage" in line or "?" in line or "gas" in line for line in lines), lines


def test_gunicorn_access_log_has_paths_only(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'forum.db'}"
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()
    access = tmp_path / "access.log"
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port := _free_port()),
        "WEB_CONCURRENCY": "1",
        "FORUM_DATABASE_URL": url,
        "FORUM_SECRET_KEY": "gunicorn-test-secret-key-0123456789abcdef",
        "FORUM_INSTANCE_PATH": str(tmp_path),
        "FORUM_SEARCH_POLL_SECONDS": "0",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--access-logfile", str(access),
         "--error-logfile", str(tmp_path / "error.log"), "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/static/css/forum.css")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        assert _get(f"{base}/search?q={quote(PHRASE)}") == 422
        assert _get(f"{base}/search?q=gas+fee") == 200
        # The previous page's query string in a Referer is left out too.
        referred = {"Referer": f"{base}/search?q=sausage"}
        request = urllib.request.Request(f"{base}/static/css/forum.css", headers=referred)  # noqa: S310
        urllib.request.urlopen(request, timeout=20).close()  # noqa: S310 (local test)
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = access.read_text(encoding="utf-8")
    assert log.count('"GET /search HTTP/1.1" 422') == 1, log
    assert log.count('"GET /search HTTP/1.1" 200') == 1, log
    assert "sausage" not in log and "?" not in log and "gas" not in log, log


def test_the_gunicorn_config_serves_the_benchmark_ceiling_too(tmp_path):
    """bench/web.py serves bench/hello.py with the same gunicorn.conf.py: its preloading hooks
    warm and fork only the forum's app (they once crashed the master on any other app)."""
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "1"}  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--pythonpath", "bench",
         "--error-logfile", str(tmp_path / "error.log"), "hello:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get(f"http://127.0.0.1:{port}/") == 200
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
