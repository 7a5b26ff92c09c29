"""Mixed load with writes, double submits and a killed worker; then nothing acknowledged is lost.

    .venv/bin/python bench/seed.py --reset        # once
    .venv/bin/python bench/load.py                # 50 clients, 60 s, 4 workers, kill one at 30 s
    .venv/bin/python bench/load.py --clients 20 --duration 20 --no-kill

gunicorn (gunicorn.conf.py, --workers sync workers, rate limits lifted through FORUM_* env) serves
the seeded PostgreSQL database on loopback. Each client logs in as its own seeded member through
/login and loops until the deadline over: home, category and thread pages, searches, replies and
new threads, through the real forms (GET the form, read csrf_token and submission_key, POST with
the same cookies; the ask form also sends checked_similar=1). Some posts are sent twice at once
with the same submission_key (a double click). Half-way, one worker gets SIGKILL; gunicorn
replaces it. Requests in flight on it may fail with a connection error: they were never
acknowledged and are counted apart.

Afterwards: 5xx count (must be 0), every acknowledged post (302 to /t/<id>[#p<post>]) is in the
database with its submission_key, one post per submission_key, thread counters agree with the
posts, and `flask forum search-sync` + `search-check` report no search-index drift.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import corpus  # noqa: E402
from common import (  # noqa: E402
    BIN,
    OUT,
    Server,
    Session,
    arg_parser,
    form_fields,
    forum_env,
    machine_note,
    percentile,
    require_loopback_database,
    table,
)
from sqlalchemy import bindparam, create_engine, text  # noqa: E402

# kind -> weight of the client's next action (reply and ask each also GET their form first)
MIX = {"home": 10, "category": 15, "thread": 30, "search": 15, "reply": 20, "ask": 10}
QUERIES = ["闪退", "助记词", "手续费", "到账", "滑点", "硬件钱包", "授权", "slippage",
           "ledger", "seed phrase", "swap failed", "gas fee", "空投", "观察钱包"]  # fmt: skip
FILL = {zh: {"coin": "USDT", "chain": "TRC20", "exchange": "Binance", "device": "iPhone 13",
            "device_en": "Pixel 7", "amount": "100", "version": "2.3.5",
            "time": "昨天" if zh else "yesterday", "dapp": "SunSwap", "error": "Error 500"}
        for zh in (True, False)}  # fmt: skip
LOCATION = re.compile(r"/t/(\d+)(?:#p(\d+))?$")
CONNECTION_ERRORS = (OSError, http.client.HTTPException)  # OSError covers resets and timeouts


@dataclass
class Record:
    kind: str
    status: int  # 0: connection error (no HTTP answer)
    seconds: float
    started: float
    error: str = ""


@dataclass
class Write:
    kind: str  # "reply" or "ask"
    key: str
    thread_id: int | None  # where a reply went
    status: int
    location: str
    double: bool
    error: str = ""


class Run:
    """Everything the clients record, shared between their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: list[Record] = []
        self.writes: list[Write] = []
        self.t0 = time.monotonic()

    def add(self, record: Record, write: Write | None = None) -> None:
        with self.lock:
            self.records.append(record)
            if write is not None:
                self.writes.append(write)


def timed(run: Run, kind: str, call, write: Write | None = None):
    """Make one request, record it; returns the response or None on a connection error."""
    start = time.monotonic()
    try:
        resp = call()
    except CONNECTION_ERRORS as exc:
        error = type(exc).__name__
        if write is not None:
            write.error = error
        run.add(Record(kind, 0, time.monotonic() - start, start - run.t0, error), write)
        return None
    if write is not None:
        write.status, write.location = resp.status, resp.location
    run.add(Record(kind, resp.status, resp.seconds, start - run.t0), write)
    return resp


class Client(threading.Thread):
    def __init__(self, n: int, base: str, username: str, ctx: dict, run: Run, args) -> None:
        super().__init__(name=f"client-{n}", daemon=True)
        self.rng = random.Random(args.seed * 1000 + n)
        self.session = Session(base)
        self.username, self.ctx, self.run_, self.args = username, ctx, run, args
        self.deadline = 0.0
        self.seq = 0

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            getattr(self, f"do_{kind}")()

    def get(self, kind: str, path: str):
        return timed(self.run_, kind, lambda: self.session.get(path))

    def do_home(self) -> None:
        self.get("home", "/")

    def do_category(self) -> None:
        slug = self.rng.choice(self.ctx["slugs"])
        self.get("category", f"/c/{slug}?page={self.rng.choice([1, 1, 1, 2, 3])}")

    def do_thread(self) -> None:
        self.get("thread", f"/t/{self.rng.choice(self.ctx['threads'])}")

    def do_search(self) -> None:
        self.get("search", "/search?q=" + quote(self.rng.choice(QUERIES)))

    def _body(self, zh: bool) -> str:
        self.seq += 1
        sentences = self.rng.sample(self.ctx["zh" if zh else "en"], 3)
        tag = f"{self.name}-{self.seq}"
        return ("".join(sentences) if zh else " ".join(sentences)) + f" (load {tag})"

    def do_reply(self) -> None:
        thread_id = self.rng.choice(self.ctx["threads"])
        page = self.get("reply form", f"/t/{thread_id}")
        if page is None or page.status != 200:
            return
        try:
            fields = form_fields(page.body, "reply-form")
        except LookupError:  # locked thread: no form
            return
        fields.setdefault("personal_ok", "")
        fields["body"] = self._body(self.rng.random() < 0.6)
        self.post("reply", f"/t/{thread_id}/reply", fields, thread_id)

    def do_ask(self) -> None:
        slug = self.rng.choice(self.ctx["slugs"])
        page = self.get("ask form", f"/ask?category={slug}")
        if page is None or page.status != 200:
            return
        fields = form_fields(page.body, "ask-form")
        zh = self.rng.random() < 0.6
        topic = self.rng.choice(corpus.TOPICS)
        title = self.rng.choice(topic[1] if zh else topic[4]).format(**FILL[zh])
        fields.update(
            category=slug, title=f"{title} #{self.name}-{self.seq}", body=self._body(zh),
            device_os=self.rng.choice(["android", "ios", ""]), app_version="2.3.5",
            happened_at="", contact_pref="notify", checked_similar="1", personal_ok="",
        )  # fmt: skip
        self.post("ask", "/ask", fields, None)

    def post(self, kind: str, path: str, fields: dict, thread_id: int | None) -> None:
        """POST the form; sometimes twice at once with the same submission_key."""
        double = self.rng.random() < self.args.double_share
        key = fields["submission_key"]

        def send() -> None:
            write = Write(kind, key, thread_id, 0, "", double)
            timed(self.run_, kind, lambda: self.session.post(path, fields), write)

        if not double:
            send()
            return
        twin = threading.Thread(target=send)
        twin.start()
        send()
        twin.join()


# --- setup -------------------------------------------------------------------------------------


def load_context(engine, clients: int, seed: int) -> tuple[list[str], dict]:
    """Member log-ins, public thread ids to read and answer, category slugs, sentences."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        names = list(
            conn.scalars(
                text(
                    "SELECT username FROM users WHERE role = 'member' AND NOT is_suspended ORDER BY id"
                )
            )
        )
        threads = list(
            conn.scalars(
                text(
                    "SELECT id FROM threads WHERE NOT is_private AND NOT is_deleted AND NOT is_locked "
                    "ORDER BY id"
                )
            )
        )
        slugs = list(
            conn.scalars(text("SELECT slug FROM categories WHERE NOT staff_only ORDER BY position"))
        )
    if len(names) < clients or not threads:
        raise SystemExit("not enough seeded data: run bench/seed.py first")
    zh = [s for t in corpus.TOPICS for s in t[2] + t[3] if "{" not in s]
    en = [s for t in corpus.TOPICS for s in t[5] + t[6] if "{" not in s]
    ctx = {"threads": rng.sample(threads, min(3000, len(threads))), "slugs": slugs,
           "zh": zh, "en": en}  # fmt: skip
    return rng.sample(names, clients), ctx


def killer(server: Server, at: float, run: Run, report: dict) -> None:
    """SIGKILL one worker at `at` seconds into the run; note when gunicorn has replaced it."""
    time.sleep(max(0.0, at - (time.monotonic() - run.t0)))
    before = server.worker_pids()
    victim = before[len(before) // 2]
    os.kill(victim, signal.SIGKILL)
    report.update(pid=victim, at=round(time.monotonic() - run.t0, 2), workers_before=len(before))
    start = time.monotonic()
    while time.monotonic() - start < 30:
        now = server.worker_pids()
        if victim not in now and len(now) >= len(before):
            report.update(replaced_after=round(time.monotonic() - start, 2), new_pids=sorted(
                set(now) - set(before)))  # fmt: skip
            return
        time.sleep(0.05)


# --- checks ------------------------------------------------------------------------------------


def check_database(engine, writes: list[Write]) -> dict:
    """Acknowledged writes are stored where the redirect said; one post per submission_key."""
    keys = sorted({w.key for w in writes})
    stored: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)
    with engine.connect() as conn:
        stmt = text(
            "SELECT submission_key, id, thread_id, is_question FROM posts "
            "WHERE submission_key IN :keys"
        ).bindparams(bindparam("keys", expanding=True))
        for i in range(0, len(keys), 1000):
            for key, pid, tid, question in conn.execute(stmt, {"keys": keys[i : i + 1000]}):
                stored[key].append((pid, tid, question))
        touched = sorted({tid for rows in stored.values() for _pid, tid, _q in rows})
        ids = {"ids": touched or [0]}
        wrong_counts = conn.scalar(
            text(
                "SELECT count(*) FROM threads t WHERE t.id IN :ids AND t.reply_count != "
                "(SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND NOT p.is_question "
                "AND NOT p.is_deleted)"
            ).bindparams(bindparam("ids", expanding=True)),
            ids,
        )
        # A new thread's last_activity_at is set a moment before its question's created_at;
        # more than a second behind means a concurrent reply's time was overwritten.
        stale_activity = (
            conn.scalar(
                text(
                    "SELECT count(*) FROM threads t WHERE t.id IN :ids AND t.last_activity_at < "
                    "(SELECT max(created_at) FROM posts p WHERE p.thread_id = t.id) - interval '1 second'"
                ).bindparams(bindparam("ids", expanding=True)),
                ids,
            )
            if conn.dialect.name == "postgresql"
            else None
        )
    acked = [w for w in writes if w.status == 302 and LOCATION.search(w.location)]
    lost, misplaced = [], []
    for w in acked:
        tid, pid = LOCATION.search(w.location).groups()
        rows = stored.get(w.key, [])
        if not rows:
            lost.append(w)
        else:
            post_id, thread_id, is_question = rows[0]
            wrong_place = (post_id != int(pid or 0)) if w.kind == "reply" else not is_question
            if wrong_place or thread_id != int(tid):
                misplaced.append(w)
    unacked = {w.key for w in writes if w.status != 302} - {w.key for w in acked}
    doubles = defaultdict(list)
    for w in writes:
        if w.double:
            doubles[w.key].append(w)
    double_both_ok = sum(1 for ws in doubles.values() if all(w.status == 302 for w in ws))
    same_target = sum(1 for ws in doubles.values()
                      if len({w.location for w in ws if w.status == 302}) == 1)  # fmt: skip
    return {
        "acknowledged": len({w.key for w in acked}),
        "acknowledged_lost": len(lost),
        "acknowledged_misplaced": len(misplaced),
        "keys_with_more_than_one_post": sum(1 for rows in stored.values() if len(rows) > 1),
        "double_submits": len(doubles),
        "double_submits_both_302": double_both_ok,
        "double_submits_same_redirect": same_target,
        "double_submits_posts_stored": sum(len(stored.get(k, [])) for k in doubles),
        "unacknowledged": len(unacked),
        "unacknowledged_stored_anyway": sum(1 for k in unacked if stored.get(k)),
        "threads_touched": len(touched),
        "threads_with_wrong_reply_count": wrong_counts,
        "threads_with_last_activity_behind": stale_activity,
    }


def check_search(env: dict[str, str]) -> dict:
    """`flask forum search-sync` then `search-check` (exit 0: no drift) with the server's env."""
    flask = [str(BIN / "flask"), "--app", "wsgi", "forum"]
    out = {}
    for cmd in ("search-sync", "search-check"):
        done = subprocess.run([*flask, cmd], cwd=ROOT, env=env, capture_output=True, text=True)
        out[cmd] = {"exit": done.returncode, "output": done.stdout.strip() or done.stderr[-500:]}
    return out


# --- report ------------------------------------------------------------------------------------


def summarise(run: Run, seconds: float) -> list[list]:
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for r in run.records:
        by_kind[r.kind].append(r)
    rows = []
    for kind in ("home", "category", "thread", "search", "reply form", "reply", "ask form", "ask"):
        recs = by_kind.get(kind, [])
        ok = [r.seconds * 1000 for r in recs if 200 <= r.status < 400]
        statuses = Counter(r.status for r in recs)
        errors = ", ".join(f"{s or 'conn'}: {n}" for s, n in sorted(statuses.items())
                           if s == 0 or s >= 400) or "-"  # fmt: skip
        rows.append([kind, len(recs), f"{len(recs) / seconds:.1f}", f"{percentile(ok, 50):.0f}",
                     f"{percentile(ok, 99):.0f}", errors])  # fmt: skip
    total = run.records
    rows.append(["all", len(total), f"{len(total) / seconds:.1f}", "", "",
                 sum(1 for r in total if r.status == 0 or r.status >= 400)])  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser(__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--double-share",
        type=float,
        default=0.1,
        help="share of posts sent twice at once (same submission_key)",
    )
    parser.add_argument(
        "--kill-at",
        type=float,
        default=None,
        help="seconds into the run to SIGKILL a worker (default: half-way)",
    )
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    require_loopback_database(args.database_url)
    if not args.database_url.startswith("postgresql"):
        print("note: this load test is meant for PostgreSQL (SQLite serialises writers)")
    args.instance = args.instance.resolve()
    engine = create_engine(args.database_url)
    usernames, ctx = load_context(engine, args.clients, args.seed)

    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    env = forum_env(args.database_url, args.instance,
                    FORUM_POST_RATE_LIMIT="100000 per hour",
                    FORUM_LOGIN_RATE_LIMIT="100000 per minute")  # fmt: skip
    server = Server("wsgi:app", env, args.workers, log=OUT / f"load-{stamp}-gunicorn.log")
    print(machine_note())
    print(f"{args.clients} clients, {args.duration:.0f} s, gunicorn {args.workers} sync workers, "
          f"{args.database_url}; log {server.log}")  # fmt: skip
    run = Run()
    kill: dict = {}
    try:
        server.start("/healthz")
        run.t0 = time.monotonic()
        clients = [Client(n, server.base, name, ctx, run, args) for n, name in enumerate(usernames)]
        login_errors = []

        def login(client: Client) -> None:
            try:
                client.session.login(client.username)
            except (RuntimeError, *CONNECTION_ERRORS) as exc:
                login_errors.append(f"{client.username}: {exc}")

        threads = [threading.Thread(target=login, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if login_errors:
            raise SystemExit(f"log-ins failed: {login_errors[:3]}")
        print(f"{len(clients)} clients logged in; load for {args.duration:.0f} s ...", flush=True)
        run.records.clear()
        run.t0 = time.monotonic()
        for c in clients:
            c.deadline = run.t0 + args.duration
            c.start()
        if not args.no_kill:
            at = args.kill_at if args.kill_at is not None else args.duration / 2
            threading.Thread(target=killer, args=(server, at, run, kill), daemon=True).start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - run.t0
        workers_after = len(server.worker_pids())
    finally:
        server.stop()

    print()
    print(table(["kind", "requests", "req/s", "p50 ms", "p99 ms", "errors (status: n)"],
                summarise(run, elapsed)))  # fmt: skip
    fivexx = sum(1 for r in run.records if r.status >= 500)
    conn_errors = [r for r in run.records if r.status == 0]
    if kill:
        window = [r for r in conn_errors if abs(r.started + r.seconds - kill["at"]) < 5]
        print(f"\nWorker kill: SIGKILL pid {kill['pid']} at {kill['at']} s; replaced after "
              f"{kill.get('replaced_after', '?')} s by {kill.get('new_pids')}; "
              f"{workers_after} workers at the end")  # fmt: skip
        print(f"Connection errors: {len(conn_errors)} ({len(window)} within 5 s of the kill)")
    db_report = check_database(engine, run.writes)
    search_report = check_search(env)
    engine.dispose()
    print("\nChecks")
    print(f"  5xx responses                          {fivexx}  (must be 0)")
    for key, value in db_report.items():
        print(f"  {key.replace('_', ' '):<38} {value}")
    for cmd, res in search_report.items():
        print(f"  flask forum {cmd:<26} exit {res['exit']}: {res['output']}")
    ok = (fivexx == 0 and db_report["acknowledged_lost"] == 0
          and db_report["acknowledged_misplaced"] == 0
          and db_report["keys_with_more_than_one_post"] == 0
          and db_report["threads_with_wrong_reply_count"] == 0
          and search_report["search-check"]["exit"] == 0)  # fmt: skip
    print("\nAll checks passed." if ok else "\nSOME CHECKS FAILED.")
    (OUT / f"load-{stamp}.json").write_text(json.dumps({
        "args": vars(args) | {"instance": str(args.instance)}, "note": machine_note(),
        "elapsed": elapsed, "kill": kill, "workers_after": workers_after, "fivexx": fivexx,
        "table": summarise(run, elapsed), "database": db_report, "search": search_report,
        "unacknowledged": [asdict(w) for w in run.writes if w.status != 302],
    }, indent=2, ensure_ascii=False, default=str))  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
