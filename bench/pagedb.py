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
        per_page = app.config["FORUM_THREADS_PER_PAGE"]
        # The key of the thread one page from the end (listing's cursor: pinned, microseconds
        # since 1970, id): "older than it" is the list's last page, reached by keyset.
        pinned, micros, key_id = db.session.execute(text(
            "SELECT t.is_pinned::int, (extract(epoch FROM t.last_activity_at) * 1000000)::bigint,"
            " t.id FROM threads t JOIN categories c ON c.id = t.category_id WHERE c.slug = :slug"
            " AND NOT t.is_private AND NOT t.is_deleted AND NOT t.is_held"
            " ORDER BY t.is_pinned, t.last_activity_at, t.id LIMIT 1 OFFSET :n"
        ), {"slug": slug, "n": per_page}).one()  # fmt: skip
    last = -(-count // per_page)
    print(f"biggest category {slug}: {count} threads, last page {last}")
    return [
        ("home", "/"), ("category p1", f"/c/{slug}"),
        (f"category p{last} (by number)", f"/c/{slug}?page={last}"),
        ("category last (keyset)", f"/c/{slug}?older={pinned}.{micros}.{key_id}"),
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
                response = client.get(path, **lang)
                assert response.status_code == 200, path
            if "older=" in path:  # a keyset page (a cursor it refused would show page 1)
                assert 'rel="prev"' in response.get_data(as_text=True), path
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
