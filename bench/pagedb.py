"""Database time and CPU per page, to compare data sizes (issue 14: constant cost per page).

    .venv/bin/python bench/pagedb.py --database-url "postgresql+psycopg:///forum_perf_bench?host=/var/run/postgresql"
    .venv/bin/python bench/pagedb.py --database-url "postgresql+psycopg:///forum_perf_bench3x?host=/var/run/postgresql" \\
        --instance bench/out/instance3x

For home, the biggest category's first and last page, latest and a thread with 30 answers, as an
anonymous visitor (page cache off) and as a seeded member: the statements the page runs, their
PostgreSQL execution time (EXPLAIN ANALYZE of each SELECT with its parameters, best of 3) and
the in-process CPU per request (best of 5 rounds of 20, the Flask test client).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import arg_parser, forum_env  # noqa: E402

THREAD_30 = (
    "SELECT id FROM threads WHERE reply_count = 30 AND NOT is_private AND NOT is_deleted"
    " AND NOT is_held ORDER BY id LIMIT 1"
)


def pages(app, db, text) -> list[tuple[str, str]]:
    with app.app_context():
        slug, count = db.session.execute(
            text("SELECT slug, thread_count FROM categories ORDER BY thread_count DESC LIMIT 1")
        ).one()
        thread = db.session.execute(text(THREAD_30)).scalar()
    last = -(-count // app.config["FORUM_THREADS_PER_PAGE"])
    print(f"biggest category {slug}: {count} threads, last page {last}")
    return [
        ("home", "/"), ("category p1", f"/c/{slug}"),
        (f"category p{last} (last)", f"/c/{slug}?page={last}"),
        ("latest p1", "/latest"), ("thread 30 answers", f"/t/{thread}"),
    ]  # fmt: skip


def database_ms(engine, statements) -> float:
    raw = engine.raw_connection()
    total = 0.0
    try:
        cursor = raw.cursor()
        for statement, params in statements:
            best = 1e9
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
                best = min(best, cursor.fetchone()[0][0]["Execution Time"])
            total += best
        raw.rollback()
    finally:
        raw.close()
    return total


def cpu_ms(client, path: str, **kw) -> float:
    best = 1e9
    for _ in range(5):
        start = time.process_time()
        for _ in range(20):
            client.get(path, **kw)
        best = min(best, (time.process_time() - start) / 20 * 1000)
    return best


def main(argv: list[str] | None = None) -> int:
    args = arg_parser(__doc__).parse_args(argv)
    instance = args.instance.resolve()
    os.environ.update(forum_env(args.database_url, instance, FORUM_SEARCH_POLL_SECONDS="0"))
    import web
    from sqlalchemy import event, text

    from forum import create_app
    from forum.extensions import db

    app = create_app()
    app.config["FORUM_PAGE_CACHE"] = False
    anon, member = app.test_client(), app.test_client()
    web._login(member, web.member_name(args.database_url))
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, params, _context, _many) -> None:
        seen.append((statement, params))

    lang = {"headers": {"Accept-Language": "en"}}
    for who, client in (("anonymous", anon), ("member", member)):
        for name, path in pages(app, db, text):
            for _ in range(5):
                assert client.get(path, **lang).status_code == 200, path
            seen.clear()
            event.listen(engine, "before_cursor_execute", capture)
            client.get(path, **lang)
            event.remove(engine, "before_cursor_execute", capture)
            selects = [s for s in seen if s[0].lstrip().upper().startswith("SELECT")]
            print(f"  {who:9} {name:26} {len(seen):2} statements  "
                  f"PostgreSQL {database_ms(engine, selects):6.2f} ms  "
                  f"CPU {cpu_ms(client, path, **lang):6.2f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
