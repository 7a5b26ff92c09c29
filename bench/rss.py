"""Worker memory, warm: gunicorn with the project's gunicorn.conf.py (2 sync workers), a member
and an anonymous visitor (page cache off) load the bench pages ~200 times each, then each
worker's VmRSS / RssAnon is read from /proc.

    .venv/bin/python bench/rss.py --database-url "postgresql+psycopg:///forum_perf_bench?host=/var/run/postgresql" --port 5101
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import Server, Session, arg_parser, forum_env, request  # noqa: E402


def rss_mb(pid: int) -> dict[str, int]:
    """VmRSS and RssAnon (shared pages count in full), Pss (shared pages divided among the
    processes sharing them) and USS (the pages only this process has: what another worker
    adds)."""
    with open(f"/proc/{pid}/status") as fh:
        fields = (line.split(":", 1) for line in fh)
        out = {k: int(v.split()[0]) // 1024 for k, v in fields if k in ("VmRSS", "RssAnon")}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        roll = {
            k: int(v.split()[0])
            for k, v in (line.split(":", 1) for line in fh if ":" in line and "kB" in line)
        }
    out["Pss"] = roll["Pss"] // 1024
    out["USS"] = (roll["Private_Clean"] + roll["Private_Dirty"]) // 1024
    return out


def main(argv: list[str] | None = None) -> int:
    import web

    parser = arg_parser(__doc__)
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--requests", type=int, default=400, help="member + anonymous, in all")
    args = parser.parse_args(argv)
    env = forum_env(args.database_url, args.instance.resolve(), FORUM_PAGE_CACHE="false")
    server = Server("wsgi:app", env, workers=2, port=args.port).start()
    try:
        print("started:", [rss_mb(pid) for pid in server.worker_pids()])
        member = Session(server.base)
        member.login(web.member_name(args.database_url))
        paths = [p.path for p in web.pick_pages(args.database_url) if "feed" not in p.name]
        done = 0
        while done < args.requests:
            for path in paths:
                member.get(path)
                request("GET", server.base + path, cookie="session=none")
                done += 2
        print("master:", rss_mb(server.proc.pid))
        print(f"after {done} requests over {len(paths)} pages:",
              [rss_mb(pid) for pid in server.worker_pids()])  # fmt: skip
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
