"""Instructions per request, counted by Valgrind (callgrind): a measure that does not move
with the machine's load, unlike CPU time on a shared host. Needs `apt-get install valgrind`.

    .venv/bin/python bench/instructions.py --database-url "postgresql+psycopg:///forum_perf_bench?host=/var/run/postgresql" \\
        --instance bench/out/instance / /c/transactions /t/19
    .venv/bin/python bench/instructions.py ... --member /t/19
    .venv/bin/python bench/instructions.py ... --hello
    .venv/bin/python bench/instructions.py ... --cached /t/19     # a page-cache hit

The app runs in one process under Valgrind with instrumentation off; after a warm-up the
instructions of --requests requests are counted (callgrind_control switches counting on and
off around them). As bench/web.py's in-process table: the Flask test client, the page cache
off (--cached: on, an anonymous visitor's hits), PostgreSQL's own work not included. Divide
by --hello's figure for hellos. Two things would make the count move between identical runs,
and are fixed: the content version's recheck (every 250 ms of wall time, and a request under
Valgrind takes ~50 times longer: left out, as it is spread over hundreds of requests in real
use) and Python's hash seed (dict and set layouts: --hash-seed, 0 by default).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import arg_parser, forum_env  # noqa: E402


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.05)


def child(args, flags: Path) -> None:
    """Inside Valgrind: warm up, then run the counted requests between the signals."""
    import hello
    import web

    # No search poller thread (as bench/web.py in process): its polls would be counted too.
    env = forum_env(args.database_url, args.instance.resolve(), FORUM_SEARCH_POLL_SECONDS="0")
    os.environ.update(env)
    from forum import create_app

    if args.hello:
        client = hello.app.test_client()
    else:
        app = create_app()
        app.config["FORUM_PAGE_CACHE"] = args.cached
        app.config["FORUM_PAGE_CACHE_RECHECK_MS"] = 3_600_000
        client = app.test_client()
        if args.member:
            web._login(client, web.member_name(args.database_url))
    headers = {"Accept-Language": "en"}
    path = "/" if args.hello else args.paths[0]
    for _ in range(15):
        client.get(path, headers=headers)
    (flags / "ready").touch()
    _wait_for(flags / "go")
    for _ in range(args.requests):
        client.get(path, headers=headers)
    (flags / "done").touch()
    _wait_for(flags / "end")


def count(args, path: str) -> int:
    """One process under Valgrind per path: its instructions while counting was on."""
    with tempfile.TemporaryDirectory() as tmp:
        flags, out = Path(tmp), Path(tmp) / "callgrind.out"
        options = [a for a in ("--hello", "--member", "--cached") if getattr(args, a[2:])]
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, __file__, path, *options,
               "--database-url", args.database_url, "--instance", str(args.instance),
               "--requests", str(args.requests), "--child", tmp]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": str(args.hash_seed)}
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            _wait_for(flags / "ready")
            subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], capture_output=True)
            (flags / "go").touch()
            _wait_for(flags / "done")
            subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], capture_output=True)
            (flags / "end").touch()
            proc.wait(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
        totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
        return int(totals[0].split()[1]) // args.requests


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = arg_parser(__doc__)
    parser.add_argument("paths", nargs="*", default=["/"])
    parser.add_argument("--hello", action="store_true", help="the hello-world ceiling instead")
    parser.add_argument("--member", action="store_true", help="logged in as a member")
    parser.add_argument("--cached", action="store_true", help="page-cache hits (anonymous)")
    parser.add_argument("--requests", type=int, default=10, help="counted requests per path")
    parser.add_argument("--hash-seed", type=int, default=0, help="PYTHONHASHSEED of the app")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args, args.child)
        return 0
    if args.cached and args.member:
        parser.error("members' pages are never cached")
    who = "hello" if args.hello else ("member" if args.member else "anonymous")
    who += ", cached" if args.cached else ""
    for path in ["/"] if args.hello else args.paths:
        print(f"{path} [{who}]: {count(args, path):,} instructions a request", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
