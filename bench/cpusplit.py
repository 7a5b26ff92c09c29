"""Where a page's CPU goes under load: the gunicorn workers, PostgreSQL's backends and wrk,
in milliseconds of CPU per request (from /proc), for each path given.

    .venv/bin/python bench/cpusplit.py --database-url "postgresql+psycopg:///forum_perf_bench?host=/var/run/postgresql" \\
        --no-page-cache / /c/transactions /t/19
    .venv/bin/python bench/cpusplit.py ... --member /t/19
    .venv/bin/python bench/cpusplit.py ... --hello

On this 2-core machine the database shares the cores with the workers, so its CPU per request
counts as much as theirs (round 7 in docs/benchmarks.md found PostgreSQL planning the list
reads afresh on every view this way). Workers are not recycled during a run (max_requests 0),
so hello's figure is not cut short by its restarts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import Server, Session, arg_parser, forum_env  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:  # the process ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def measure(server: Server, path: str, headers: list[str], args) -> str:
    url = server.base + path
    subprocess.run(["wrk", "-t1", "-c16", "-d2s", *headers, url], capture_output=True)  # warm
    workers = server.worker_pids()
    before = {pid: cpu_seconds(pid) for pid in workers + postgres_pids()}
    wrk = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", *headers]
    started = time.monotonic()
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%U %S", *wrk, url], capture_output=True, text=True
    )
    wall = time.monotonic() - started
    done = int(next(line for line in run.stdout.splitlines() if "requests in" in line).split()[0])
    worker_s = sum(cpu_seconds(pid) - before[pid] for pid in workers)
    pg_s = sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in postgres_pids())
    wrk_s = sum(map(float, run.stderr.strip().splitlines()[-1].split()))
    per = 1000 / done
    return (f"{path}: {done / args.duration:.0f} req/s; ms CPU per request: workers "
            f"{worker_s * per:.2f}, postgres {pg_s * per:.2f}, wrk {wrk_s * per:.2f}, total "
            f"{(worker_s + pg_s + wrk_s) * per:.2f} (cores busy {(worker_s + pg_s + wrk_s) / wall:.2f})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    import web

    parser = arg_parser(__doc__)
    parser.add_argument("paths", nargs="*", default=["/"])
    parser.add_argument("--hello", action="store_true", help="the hello-world ceiling instead")
    parser.add_argument("--member", action="store_true", help="logged in as a member")
    parser.add_argument("--no-page-cache", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--duration", type=int, default=8, help="seconds per path")
    args = parser.parse_args(argv)
    env = forum_env(
        args.database_url, args.instance.resolve(), GUNICORN_CMD_ARGS="--max-requests 0"
    )
    if args.no_page_cache:
        env["FORUM_PAGE_CACHE"] = "false"
    if args.hello:
        server = Server("hello:app", env, workers=args.workers, pythonpath=str(ROOT / "bench"))
    else:
        server = Server("wsgi:app", env, workers=args.workers)
    server.start()
    try:
        headers = ["-H", "Accept-Language: en"]
        if args.member:
            member = Session(server.base)
            member.login(web.member_name(args.database_url))
            headers += ["-H", f"Cookie: {member.cookie}"]
        elif args.no_page_cache:
            headers += ["-H", "Cookie: session=none"]  # as bench/web.py's uncached visitor
        for path in args.paths:
            print(("hello " if args.hello else "") + measure(server, path, headers, args))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
