"""Web page throughput against a "hello world" ceiling, both served the same way in one run.

    .venv/bin/python bench/seed.py --reset      # once: the data set and its search index
    .venv/bin/python bench/web.py               # wrk -t2 -c16 -d15s --latency per page
    .venv/bin/python bench/web.py --duration 5 --profile   # quicker, plus an in-process profile

Two gunicorn servers start on loopback with the project's gunicorn.conf.py and 2 sync workers:
the forum (wsgi:app on the seeded database and instance) and bench/hello.py. wrk loads one URL
at a time, the ceiling before and after every page. Each page is reported as a share of the
mean requests/s of the two ceiling runs around it; the targets are category and thread
pages >= 25%, search >= 10%. --profile then runs every page in-process under cProfile with the
Flask test client and prints SQL statements per request and the hottest functions.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import (  # noqa: E402
    OUT,
    Server,
    Session,
    arg_parser,
    forum_env,
    machine_note,
    request,
    require_loopback_database,
    table,
)
from sqlalchemy import create_engine, text  # noqa: E402

CEILING = "hello (ceiling)"


@dataclass
class Page:
    name: str
    path: str
    target: float | None  # minimum share of the ceiling's requests/s
    expect: str  # a string the page must contain (sanity check before loading it)
    server: str = "forum"
    cookie: str = ""  # sent with every request (a member's session)


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx responses plus socket errors
    ratio: float = 0.0
    target: float | None = None


def pick_pages(database_url: str) -> list[Page]:
    """The pages to load, found in the seeded database: the busiest category and a public
    thread with 30-60 answers (its first page shows the question and 30 answers)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        slug = conn.scalar(text(
            "SELECT c.slug FROM categories c JOIN threads t ON t.category_id = c.id "
            "WHERE NOT t.is_private AND NOT t.is_deleted GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1"
        ))  # fmt: skip
        thread_id = conn.scalar(text(
            "SELECT id FROM threads WHERE NOT is_private AND NOT is_deleted "
            "AND reply_count BETWEEN 31 AND 60 AND accepted_post_id IS NOT NULL ORDER BY id LIMIT 1"
        ))  # fmt: skip
        long_id, long_count = conn.execute(text(
            "SELECT id, reply_count FROM threads WHERE NOT is_private AND NOT is_deleted "
            "AND NOT is_held ORDER BY reply_count DESC, id LIMIT 1"
        )).one()  # fmt: skip
    engine.dispose()
    if slug is None or thread_id is None:
        raise SystemExit("no data: run bench/seed.py first (same --database-url)")
    last = max(1, -(-long_count // 30))
    return [
        Page("home", "/", None, 'class="thread-row'),
        Page(f"category /c/{slug}", f"/c/{slug}", 0.25, 'class="thread-row'),
        Page("thread, 30 answers", f"/t/{thread_id}", 0.25, 'class="post'),
        Page(f"long thread, last page ({long_count} answers)",
             f"/t/{long_id}?sort=oldest&page={last}", 0.25, 'class="post'),
        # Issue 9: the feed join once scanned every post per thread on SQLite (37 s at 4,000
        # threads); both feeds are loaded on both databases.
        Page("feed /feed.atom", "/feed.atom", None, "<entry>"),
        Page(f"feed /c/{slug}/feed.atom", f"/c/{slug}/feed.atom", None, "<entry>"),
        Page("search 转账 (common)", "/search?q=" + quote("转账"), 0.10, 'class="result'),
        Page("search 闪退 (rarer)", "/search?q=" + quote("闪退"), 0.10, 'class="result'),
        Page("search 'pending transfer'", "/search?q=" + quote("pending transfer"), 0.10,
             'class="result'),
    ]  # fmt: skip


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def visitor_variants(pages: list[Page], forum: Server, username: str) -> list[Page]:
    """Each page as a logged-in member (the headline: never cached), as an anonymous visitor
    whose request bypasses the page cache (a cookie that is not a valid session, as a visitor
    who once opened a form has), and as a plain anonymous visitor (a cache hit)."""
    browser = Session(forum.base)
    browser.login(username)
    out = []
    for page in pages:
        if page.server != "forum" or "feed" in page.name:
            out.append(page)
            continue
        out += [
            replace(page, name=f"{page.name} [member]", cookie=browser.cookie),
            replace(page, name=f"{page.name} [anonymous, uncached]", cookie="session=none"),
            replace(page, name=f"{page.name} [anonymous, cached]"),
        ]
    return out


def run_wrk(url: str, args, cookie: str = "") -> tuple[float, float, float, int, int]:
    """requests/s, p50 ms, p99 ms, requests, bad responses of one wrk run."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "--timeout", "10s", "--latency", *headers, url]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        bad += int(m.group(1)) + int(m.group(3)) + int(m.group(4))  # read errors: closed sockets
    return rps, p50, p99, total, bad


def drain(server: Server, quiet_ms: float = 50, limit: float = 60) -> None:
    """Wait until the server has worked off the requests wrk left queued when it stopped,
    so that they do not slow down the next page's run."""
    deadline = time.monotonic() + limit
    fast = 0
    while time.monotonic() < deadline and fast < 3:
        fast = (
            fast + 1
            if request("GET", server.base + "/favicon.ico").seconds * 1000 < quiet_ms
            else 0
        )
        time.sleep(0.2)


def measure(pages: list[Page], servers: dict[str, Server], args) -> list[Result]:
    """The ceiling, then each page followed by the ceiling again: every page is compared with
    the mean of the two ceiling runs around it, which cancels slow drifts of a noisy machine."""
    hello = Page(CEILING, "/", None, "Hello", server="hello")
    results = []
    ceilings = [one(hello, servers, args)]
    for page in pages:
        result = one(page, servers, args)
        ceilings.append(one(hello, servers, args))
        result.ratio = result.rps / ((ceilings[-2].rps + ceilings[-1].rps) / 2)
        results.append(result)
    mean = sum(c.rps for c in ceilings) / len(ceilings)
    for c in ceilings:
        c.ratio = c.rps / mean
    return [*ceilings[:1], *results, *ceilings[1:]]


def one(page: Page, servers: dict[str, Server], args) -> Result:
    url = servers[page.server].base + page.path
    check = request("GET", url, cookie=page.cookie)
    if check.status != 200 or page.expect not in check.body:
        raise SystemExit(f"{page.name}: {url} answered {check.status} without {page.expect!r}")
    headers = ["-H", f"Cookie: {page.cookie}"] if page.cookie else []
    if args.warmup:
        subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.warmup}s", *headers,
                        url], capture_output=True, check=True)  # fmt: skip
        drain(servers[page.server])
    rps, p50, p99, total, bad = run_wrk(url, args, page.cookie)
    drain(servers[page.server])
    print(f"  {page.name:<50} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms", flush=True)
    return Result(page.name, page.path, rps, p50, p99, total, bad, target=page.target)


def report(results: list[Result]) -> str:
    rows = []
    for r in results:
        met = "" if r.target is None else ("yes" if r.ratio >= r.target else "NO")
        target = "" if r.target is None else f">= {r.target:.0%}"
        rows.append([r.name, f"{r.rps:.0f}", f"{r.ratio:.1%}", f"{r.p50_ms:.1f}",
                     f"{r.p99_ms:.1f}", r.bad, target, met])  # fmt: skip
    return table(["page", "req/s", "share of ceiling*", "p50 ms", "p99 ms", "errors", "target",
                  "met"], rows) + (
        "\n* pages: of the mean of the ceiling runs just before and after; ceiling runs: of "
        "their overall mean")  # fmt: skip


# --- in-process CPU per request -----------------------------------------------------------------


def member_name(database_url: str) -> str:
    """A seeded member who wrote something (the headline visitor: logged in, never cached)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        name = conn.scalar(text(
            "SELECT username FROM users WHERE role = 'member' AND NOT is_suspended "
            "AND locale = 'en' ORDER BY id LIMIT 1"
        ))  # fmt: skip
    engine.dispose()
    return name


def _cpu_ms(client, path: str, n: int, rounds: int = 3, **kw) -> float:
    """CPU ms per request, the best of a few rounds (a loaded machine only ever adds time)."""
    for _ in range(max(5, n // 10)):  # warm: templates compiled, searchers open, pools filled
        client.get(path, **kw)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(n):
            client.get(path, **kw)
        best = min(best, (time.process_time() - start) / n * 1000)
    return best


def _login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "username": username, "password": "bench-password"}
    response = client.post("/login", data=data)
    if response.status_code != 302:
        raise SystemExit(f"in-process login as {username} failed: HTTP {response.status_code}")


def in_process(pages: list[Page], args) -> list[list[str]]:
    """Python CPU per request with the Flask test client, in this process, interleaved with
    hello (bench/hello.py) so the figures share the machine's load: anonymous without the
    page cache, a logged-in member, and an anonymous cache hit. PostgreSQL's own time is not
    included (it is another process)."""
    import os

    os.environ.update(forum_env(args.database_url, args.instance, FORUM_SEARCH_POLL_SECONDS="0"))
    import hello

    from forum import create_app

    app = create_app()
    hello_client = hello.app.test_client()
    anonymous, member = app.test_client(), app.test_client()
    _login(member, member_name(args.database_url))
    n = args.inproc_requests
    rows, hellos = [], []
    lang = {"headers": {"Accept-Language": "en"}}
    for page in pages:
        if page.server != "forum" or "feed" in page.name:
            continue
        hellos.append(_cpu_ms(hello_client, "/", n * 4))
        app.config["FORUM_PAGE_CACHE"] = False
        anon = _cpu_ms(anonymous, page.path, n, **lang)
        mem = _cpu_ms(member, page.path, n, **lang)
        app.config["FORUM_PAGE_CACHE"] = True
        cached = _cpu_ms(anonymous, page.path, n * 4, **lang)
        hellos.append(_cpu_ms(hello_client, "/", n * 4))
        h = (hellos[-1] + hellos[-2]) / 2
        rows.append([page.name, f"{mem:.2f}", f"{anon:.2f}", f"{cached:.2f}", f"{h:.3f}",
                     f"{mem / h:.0f} / {anon / h:.0f} / {cached / h:.0f}"])  # fmt: skip
        print(f"  in-process {page.name:<40} member {mem:6.2f} ms  anonymous {anon:6.2f} ms  "
              f"cached {cached:5.2f} ms  (hello {h:.3f} ms)", flush=True)  # fmt: skip
    return rows


IN_PROCESS_HEADERS = ["page", "member ms", "anonymous ms", "cached ms", "hello ms",
                      "in hellos (member / anon / cached)"]  # fmt: skip


# --- in-process profile ------------------------------------------------------------------------


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Share of the profiled time spent in each library, the templates and forum/ itself
    (psycopg's share is mostly waiting for PostgreSQL)."""
    spent: dict[str, float] = {}
    for (path, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        if "site-packages/" in path:
            key = path.split("site-packages/")[1].split("/")[0]
        elif path.endswith(".html"):
            key = "templates"
        elif "/forum/" in path:
            key = "forum/" + path.split("/forum/")[1]
        elif path == "~":
            key = "builtins"
        else:
            key = "stdlib"
        spent[key] = spent.get(key, 0.0) + own
    total = sum(spent.values()) or 1.0
    return sorted(((k, v / total) for k, v in spent.items()), key=lambda kv: -kv[1])


def profile(pages: list[Page], args) -> None:
    """Each forum page under cProfile with the Flask test client: SQL per request, hot spots."""
    import os

    from sqlalchemy import event

    os.environ.update(forum_env(args.database_url, args.instance, FORUM_SEARCH_POLL_SECONDS="0"))
    from forum import create_app
    from forum.extensions import db

    app = create_app()
    client = app.test_client()
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    seen = set()
    for page in pages:
        if page.server != "forum" or page.path in seen:
            continue
        seen.add(page.path)
        for _ in range(20):  # warm: templates compiled, searchers open, pools filled
            client.get(page.path)
        statements.clear()
        client.get(page.path)
        sql = len(statements)
        cpu = time.process_time()
        for _ in range(args.profile_requests):
            client.get(page.path)
        cpu = (time.process_time() - cpu) / args.profile_requests * 1000
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        for _ in range(args.profile_requests):
            client.get(page.path)
        prof.disable()
        per = (time.perf_counter() - start) / args.profile_requests * 1000
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        shares = by_package(stats)
        stats.strip_dirs().sort_stats("tottime").print_stats(args.profile_top)
        print(f"\n### {page.name} ({page.path}): {sql} SQL statements; {cpu:.1f} ms of Python "
              f"CPU per request in-process (PostgreSQL's time not included), {per:.1f} ms "
              f"wall under cProfile")  # fmt: skip
        print(
            "   own time by package: "
            + ", ".join(f"{name} {share:.0%}" for name, share in shares[:9])
        )
        print("\n".join(buf.getvalue().splitlines()[6:]))
        if args.show_sql:
            statements.clear()
            client.get(page.path)
            for s in statements:
                print("   SQL:", " ".join(s.split())[:160])


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser(__doc__, "instance dir with the search index seed.py built")
    parser.add_argument("--duration", type=int, default=15, help="seconds per page (wrk -d)")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before each page")
    parser.add_argument("--profile", action="store_true", help="then profile pages in-process")
    parser.add_argument("--profile-only", action="store_true", help="skip the wrk runs")
    parser.add_argument("--profile-requests", type=int, default=200)
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL (profile)")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="turn off the anonymous page cache (FORUM_PAGE_CACHE=false)")  # fmt: skip
    parser.add_argument("--in-process-only", action="store_true",
                        help="only the in-process CPU table (no servers, no wrk)")  # fmt: skip
    parser.add_argument("--inproc-requests", type=int, default=100,
                        help="requests per page and visitor for the in-process table")  # fmt: skip
    parser.add_argument("--only", default="",
                        help="only the pages whose name contains this (e.g. 'thread, 30')")  # fmt: skip
    parser.add_argument("--no-member", action="store_true",
                        help="under gunicorn, load the pages anonymously only (as before)")  # fmt: skip
    args = parser.parse_args(argv)
    require_loopback_database(args.database_url)
    args.instance = args.instance.resolve()
    if not (args.instance / "search").is_dir():
        raise SystemExit(f"no search index under {args.instance}: run bench/seed.py first")
    quick = args.profile_only or args.in_process_only
    if shutil.which("wrk") is None and not quick:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    pages = [p for p in pick_pages(args.database_url) if not args.only or args.only in p.name]
    if not args.profile_only:
        rows = in_process(pages, args)
        print()
        print(table(IN_PROCESS_HEADERS, rows))
    if not quick:
        OUT.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        print(machine_note())
        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency; "
              f"gunicorn -c gunicorn.conf.py, {args.workers} sync workers each")  # fmt: skip
        cache = "false" if args.no_page_cache else "true"
        print(f"anonymous page cache: {'off' if args.no_page_cache else 'on'}")
        env = forum_env(args.database_url, args.instance, FORUM_PAGE_CACHE=cache)
        forum = Server("wsgi:app", env, args.workers, log=OUT / f"web-{stamp}-forum.log")
        hello = Server("hello:app", env, args.workers, log=OUT / f"web-{stamp}-hello.log",
                       pythonpath=str(ROOT / "bench"))  # fmt: skip
        try:
            forum.start("/healthz")
            hello.start("/")
            if not args.no_member:
                pages = visitor_variants(pages, forum, member_name(args.database_url))
            results = measure(pages, {"forum": forum, "hello": hello}, args)
        finally:
            forum.stop()
            hello.stop()
        print()
        print(report(results))
        missed = [r.name for r in results if r.target is not None and r.ratio < r.target]
        print("\nAll targets met." if not missed else f"\nTargets missed: {', '.join(missed)}")
        (OUT / f"web-{stamp}.json").write_text(json.dumps(
            {"args": vars(args) | {"instance": str(args.instance)}, "note": machine_note(),
             "results": [asdict(r) for r in results]}, indent=2, ensure_ascii=False))  # fmt: skip
    if args.profile or args.profile_only:
        profile(pages, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
