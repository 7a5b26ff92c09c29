"""Time the staff support-quality dashboard on the seeded bench data (in process).

    .venv/bin/python bench/dashboard.py                     # PostgreSQL forum_bench
    .venv/bin/python bench/dashboard.py --database-url sqlite:///bench/out/bench.db

Logs in as the seeded admin through the test client and fetches /staff/metrics for ranges of
7, 30, 90 and 365 days ending at the data set's last day, several times each: the median
wall time of the whole page (queries, aggregation, charts, template), the number of SQL
statements, the app process's own CPU time (the database's is not in it), and how many
threads the range holds. Run `bench/seed.py` first.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import PASSWORD, SECRET_KEY, arg_parser, machine_note, table  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    from forum import create_app
    from forum.extensions import db
    from forum.models import Thread, User

    app = create_app({
        "INSTANCE_PATH": str(args.instance.resolve()), "SQLALCHEMY_DATABASE_URI": args.database_url,
        "SECRET_KEY": SECRET_KEY, "FORUM_SEARCH_POLL_SECONDS": 0, "WTF_CSRF_ENABLED": False,
        "FORUM_PAGE_CACHE": False, "RATELIMIT_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        last = db.session.scalar(select(func.max(Thread.created_at)))
        admin = db.session.scalar(select(User.username).where(User.role == "admin"))
    client = app.test_client()
    client.post("/login", data={"username": admin, "password": PASSWORD})
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    rows = []
    print(machine_note())
    for days in (7, 30, 90, 365):
        start = (last - timedelta(days=days - 1)).date()
        url = f"/staff/metrics?from={start}&to={last.date()}"
        times, cpu = [], []
        for _ in range(args.repeat):
            statements.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, response.status_code
        with app.app_context():
            asked = db.session.scalar(
                select(func.count(Thread.id)).where(Thread.created_at >= start)
            )
        rows.append([days, asked, len(statements), f"{statistics.median(times):.0f}",
                     f"{min(times):.0f}", f"{statistics.median(cpu):.0f}"])  # fmt: skip
    head = ["days", "threads in range", "SQL statements", "median ms", "min ms", "app CPU ms"]
    print(table(head, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
