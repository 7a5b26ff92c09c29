"""E-mail figures (docs/benchmarks.md, Issue 12):

    .venv/bin/python bench/mail.py [--messages 500] [--database URL]

1. messages per second the outbox sender delivers to a local aiosmtpd server (one SMTP
   connection per batch of 50, as `flask forum send-mail` does);
2. the added cost of a reply that queues a notification e-mail (asker with a verified address)
   against one that does not (no address), through the test client;
3. the forgot-password request for an existing account with an address against a name that
   does not exist (median time of each; the page text is the same, tests/test_emails.py).
Uses a temporary SQLite database unless --database names a PostgreSQL one (it is emptied).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from forum import categories, create_app, mail  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import utcnow  # noqa: E402
from tests.factories import make_thread, make_user  # noqa: E402


class Count:
    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.n += 1
        return "250 OK"


def build(database: str | None, instance: str):
    app = create_app({
        "INSTANCE_PATH": instance, "SECRET_KEY": "bench-" + "k" * 40,
        "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{instance}/bench.db",
        "WTF_CSRF_ENABLED": False, "FORUM_SEARCH_POLL_SECONDS": 0,
        "FORUM_MAIL_DELIVERY": "worker", "FORUM_RESET_PER_CLIENT": 10**9,
        "FORUM_RESET_PER_ACCOUNT": 10**9, "FORUM_LOGIN_RATE_LIMIT": "1000000 per minute",
        "FORUM_POST_RATE_LIMIT": "1000000 per minute",
    })  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def verified(name: str):
    user = make_user(name)
    user.email, user.email_verified_at = f"{name}@example.org", utcnow()
    db.session.commit()
    return user


def throughput(app, count: int, sink: Count) -> float:
    with app.app_context():
        user = verified("bulk")
        for _ in range(count):
            mail.queue("reset", user_id=user.id)
        db.session.commit()
        start = time.perf_counter()
        report = mail.send_all()
        elapsed = time.perf_counter() - start
    assert report.sent == count and sink.n >= count, (report, sink.n)
    return count / elapsed


def login(app, name: str):
    client = app.test_client()
    client.post("/login", data={"username": name, "password": "correct horse battery"})
    return client


def reply_cost(app, rounds: int) -> tuple[float, float]:
    with app.app_context():
        categories.ensure_defaults()
        quiet = make_thread(make_user("no_address"), title="A thread nobody is e-mailed about")
        loud = make_thread(verified("with_address"), title="A thread whose asker gets e-mail")
        make_user("replier")
        ids = (quiet.id, loud.id)
    client = login(app, "replier")
    times: dict[int, list[float]] = {ids[0]: [], ids[1]: []}
    for n in range(rounds):
        for thread_id in ids:
            start = time.perf_counter()
            response = client.post(
                f"/t/{thread_id}/reply", data={"body": f"Reply number {n} here."}
            )
            times[thread_id].append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
    return statistics.median(times[ids[0]]) * 1000, statistics.median(times[ids[1]]) * 1000


def reset_timing(app, rounds: int) -> tuple[float, float]:
    with app.app_context():
        verified("has_account")
    client = app.test_client()
    times: dict[str, list[float]] = {"has_account": [], "no_such_name": []}
    for _ in range(rounds):
        for name in times:
            start = time.perf_counter()
            client.post("/password/forgot", data={"identifier": name})
            times[name].append(time.perf_counter() - start)
    return (statistics.median(times["has_account"]) * 1000,
            statistics.median(times["no_such_name"]) * 1000)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    sink = Count()
    controller = Controller(sink, hostname="127.0.0.1", port=5171)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as instance:
            app = build(args.database, instance)
            app.config.update(FORUM_MAIL_SERVER="127.0.0.1", FORUM_MAIL_PORT=5171)
            rate = throughput(app, args.messages, sink)
            quiet, loud = reply_cost(app, args.rounds)
            known, unknown = reset_timing(app, args.rounds)
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
    finally:
        controller.stop()
    print(f"database: {'PostgreSQL' if args.database else 'SQLite'}")
    print(f"sender -> aiosmtpd: {rate:.0f} messages/s ({args.messages} messages)")
    print(f"reply, no e-mail queued: {quiet:.2f} ms median; with a notification e-mail queued: "
          f"{loud:.2f} ms (+{loud - quiet:.2f} ms)")  # fmt: skip
    print(f"forgot-password: existing account {known:.2f} ms, unknown name {unknown:.2f} ms "
          f"(difference {known - unknown:+.2f} ms, medians of {args.rounds})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
