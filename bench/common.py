"""Shared helpers for the bench scripts (seed, web, load, multihost): defaults, starting and
stopping gunicorn on loopback, a tiny cookie-keeping HTTP client, form parsing, tables.

Imports only the standard library and SQLAlchemy, so any bench script can use it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"  # ignored by git
DEFAULT_DATABASE_URL = "postgresql+psycopg:///forum_bench"
DEFAULT_INSTANCE = OUT / "instance"
PASSWORD = "bench-password"  # noqa: S105 (every seeded bench user; loopback only)
# A fixed key so every server of a run accepts the same session cookies (never used for real).
SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789abcdef"  # noqa: S105
LOOPBACK_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}


# --- configuration -----------------------------------------------------------------------------


def require_loopback_database(url: str) -> None:
    """Refuse a database URL that points anywhere but this machine."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    host = parsed.host
    if parsed.get_backend_name() == "sqlite" or host in LOOPBACK_HOSTS or host.startswith("/"):
        return
    raise SystemExit(f"bench scripts only use a database on this machine, not {host!r}")


def forum_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment for an app server (or `flask --app wsgi`) on this database/instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUM_", "WEB_"))}
    env.update(
        FORUM_ENV="production",
        FORUM_SECRET_KEY=SECRET_KEY,
        FORUM_BASE_URL="http://127.0.0.1",
        FORUM_TRUSTED_HOSTS="127.0.0.1,localhost",
        FORUM_DATABASE_URL=database_url,
        FORUM_INSTANCE_PATH=str(instance),
        FORUM_SEARCH_DIR=str(instance / "search"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    """gunicorn with the project's gunicorn.conf.py, in its own process group, on loopback."""

    app: str  # "wsgi:app" or "hello:app"
    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    log: Path | None = None
    pythonpath: str | None = None
    proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/", timeout: float = 60) -> Server:
        env = {**self.env, "HOST": "127.0.0.1", "PORT": str(self.port),
               "WEB_CONCURRENCY": str(self.workers)}  # fmt: skip
        cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
        if self.pythonpath:
            cmd += ["--pythonpath", self.pythonpath]
        cmd.append(self.app)
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        if self.log:
            out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited early; see {self.log}")
            try:
                answered = request("GET", self.base + ready_path, timeout=5).status < 500
            except OSError:
                answered = False
            if answered and len(self.worker_pids()) >= self.workers:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app} did not answer within {timeout} s")

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid) if self.proc else []

    def stop(self) -> None:
        """TERM the process group (master and workers), KILL what is left after 20 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid  # start_new_session: the master leads its own group
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def children(pid: int) -> list[int]:
    """Child process ids of pid, read from /proc (gunicorn's workers of a master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    cookies: list[str] = field(default_factory=list)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


def request(
    method: str,
    url: str,
    *,
    data: dict[str, str] | None = None,
    cookie: str = "",
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Response:
    """One request on a fresh connection (gunicorn's sync workers close after each answer).
    Only http://127.0.0.1 or localhost URLs: the bench never leaves this machine."""
    rest = url.removeprefix("http://")
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    if host not in ("127.0.0.1", "localhost") or rest == url:
        raise ValueError(f"loopback http URLs only: {url}")
    body = urlencode(data).encode() if data is not None else None
    sent = {"Host": hostport, "Accept-Language": "en", **(headers or {})}
    if cookie:
        sent["Cookie"] = cookie
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        conn.request(method, "/" + path, body=body, headers=sent)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
    finally:
        conn.close()
    return Response(
        status=resp.status,
        headers={k.lower(): v for k, v in resp.getheaders()},
        body=text,
        seconds=time.perf_counter() - start,
        cookies=resp.headers.get_all("Set-Cookie") or [],
    )


class Session:
    """A browser-like client: keeps cookies (Secure ones too: this is loopback http with
    FORUM_ENV=production), reads CSRF tokens and hidden fields from the forms it GETs."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.jar.items())

    def _keep(self, resp: Response) -> Response:
        for raw in resp.cookies:
            pair = raw.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if "max-age=0" in raw.lower() or "expires=thu, 01 jan 1970" in raw.lower():
                self.jar.pop(name.strip(), None)
            else:
                self.jar[name.strip()] = value.strip()
        return resp

    def get(self, path: str, **kw) -> Response:
        return self._keep(request("GET", self.base + path, cookie=self.cookie, **kw))

    def post(self, path: str, data: dict[str, str], **kw) -> Response:
        return self._keep(request("POST", self.base + path, data=data, cookie=self.cookie, **kw))

    def login(self, username: str, password: str = PASSWORD) -> None:
        page = self.get("/login")
        fields = form_fields(page.body)
        fields.update(username=username, password=password)
        resp = self.post("/login", fields)
        if resp.status != 302:
            raise RuntimeError(f"login as {username} failed: HTTP {resp.status}")


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_INPUT = re.compile(r"<input\b([^>]*)>", re.I)
_ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The hidden inputs (csrf_token, submission_key, ...) of the form with this id (or the
    first form with a csrf_token), as a browser would send them."""
    for match in _FORM.finditer(html):
        attrs = dict(_ATTR.findall(match.group(1)))
        if form_id is not None and attrs.get("id") != form_id:
            continue
        fields = {}
        for inp in _INPUT.finditer(match.group(2)):
            a = {k: unescape(v) for k, v in _ATTR.findall(inp.group(1))}
            if a.get("type") == "hidden" and "name" in a:
                fields[a["name"]] = a.get("value", "")
        if form_id is not None or "csrf_token" in fields:
            return fields
    raise LookupError(f"no form {form_id or 'with a CSRF token'} on the page")


# --- figures -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table (also valid Markdown), columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def machine_note() -> str:
    """One line about where the figures come from."""
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs, load average {load[0]:.2f} at start, Python "
            f"{sys.version.split()[0]}; shared/noisy machine: compare ratios, not absolutes")  # fmt: skip


def arg_parser(doc: str, instance_help: str = "app instance dir with the seeded search index"):
    """The command line every bench script shares: its docstring as help, the database and
    the instance folder (each script adds its own options)."""
    import argparse

    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=doc.split("\n\n", 1)[1],
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="SQLAlchemy URL (default %(default)s; sqlite:///FILE works too)",
    )
    parser.add_argument("--instance", type=Path, default=DEFAULT_INSTANCE,
                        help=f"{instance_help} (default %(default)s)")  # fmt: skip
    return parser
