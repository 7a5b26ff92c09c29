"""Seed a large, deterministic benchmark forum: ~20k threads, ~116k posts, 2,000 users.

    .venv/bin/python bench/seed.py --reset                      # PostgreSQL db forum_bench
    .venv/bin/python bench/seed.py --reset --database-url sqlite:///bench/out/bench.db
    .venv/bin/python bench/seed.py --reset --posts 2000 --users 100 --big 2 --medium 5   # quick

Text comes from bench/corpus.py (60% Chinese, 40% English wallet-support threads). The schema
comes from the migrations, the categories from forum.categories.ensure_defaults(); rows are
bulk-inserted with SQLAlchemy Core but hold what the app itself writes: body_html from
forum.markup.render and body_text from markup.to_text (a process pool, identical bodies
rendered once), has_outbound from forum.posting, username_key from forum.accounts, one argon2
hash of "bench-password" for everyone, thread counters (reply_count, last activity and poster, first response, accepted
answer) consistent with the posts, vote counts with the vote rows. Some threads have 100-300
replies, a few are private tickets, ~60% are solved. Finally forum.search_outbox.rebuild()
builds this instance's search indexes (--instance, default bench/out/instance).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import corpus  # noqa: E402
from common import (  # noqa: E402
    PASSWORD,
    SECRET_KEY,
    arg_parser,
    require_loopback_database,
)
from sqlalchemy import bindparam, create_engine, func, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
BATCH = 5000
NOW = datetime(2025, 6, 1)  # fixed, so the data set is the same every day
DEVICES = ["android"] * 5 + ["ios"] * 4 + ["windows", "macos", "browser", "linux", "other"]
CONTACTS = ["notify", "notify", "forum", "private"]
TICKET_STATUSES = ["open", "waiting", "resolved", "closed"]
TICKET_REASONS = ["account_data", "identity", "lost_funds", "other"]
ZH_NAMES = [
    *corpus.NAMES_ZH,
    "钱包小白",
    "链上老张",
    "小陈",
    "阿杰",
    "老周",
    "币友",
    "小林",
    "飞飞",
]
EN_NAMES = [*corpus.NAMES_EN, "carol", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory"]


@dataclass
class PostRow:
    thread: ThreadRow
    author_id: int
    body: str
    created_at: datetime
    is_question: bool = False
    deleted_by_id: int | None = None
    voters: list[int] = field(default_factory=list)
    id: int = 0


@dataclass
class ThreadRow:
    category_id: int
    author_id: int
    title: str
    zh: bool
    created_at: datetime
    posts: list[PostRow] = field(default_factory=list)
    staff_only: bool = False
    private: bool = False
    accepted: PostRow | None = None
    accepted_by_id: int | None = None
    accepted_at: datetime | None = None
    confirmed: PostRow | None = None
    id: int = 0


@dataclass
class People:
    """User ids by kind, for picking authors."""

    zh: list[int]
    en: list[int]
    helpers_zh: list[int]
    helpers_en: list[int]
    staff: list[int]
    rows: list[dict]


# --- the data set, in memory -------------------------------------------------------------------


def make_users(rng: random.Random, n: int, password_hash: str, username_key) -> People:
    """n users: one admin, ~0.6% staff, ~4% volunteers, the rest members; 60% Chinese."""
    people = People([], [], [], [], [], [])
    n_staff, n_vol = max(1, n * 6 // 1000), max(2, n * 4 // 100)
    for uid in range(1, n + 1):
        zh = rng.random() < 0.6
        if uid == 1:
            name, role = "bench_admin", "admin"
        elif uid <= 1 + n_staff:
            name, role = f"{'客服' if zh else 'support'}_{uid}", "staff"
        elif uid <= 1 + n_staff + n_vol:
            name, role = f"{'志愿者' if zh else 'helper'}_{uid}", "volunteer"
        else:
            name, role = f"{rng.choice(ZH_NAMES if zh else EN_NAMES)}_{uid}", "member"
        people.rows.append({
            "id": uid, "username": name, "username_key": username_key(name),
            "email": f"user{uid}@example.com" if rng.random() < 0.5 else None,
            "password_hash": password_hash, "role": role, "locale": "zh" if zh else "en",
            "timezone": "Asia/Shanghai" if zh else None, "bio": "", "session_version": 1,
            "is_suspended": False,
            "created_at": corpus.START - timedelta(days=rng.randint(1, 400)),
        })  # fmt: skip
        (people.zh if zh else people.en).append(uid)
        if role != "member":
            (people.helpers_zh if zh else people.helpers_en).append(uid)
            if role in ("staff", "admin"):
                people.staff.append(uid)
    return people


def make_threads(rng: random.Random, args, people: People, cat_ids: dict[str, int],
                 staff_only: set[int]) -> list[ThreadRow]:  # fmt: skip
    """Threads and posts from the corpus, authors and times assigned, some grown long."""
    by_thread: dict[int, list[corpus.Post]] = defaultdict(list)
    for post in corpus.generate(args.posts, seed=args.seed):
        by_thread[post.thread_id].append(post)
    pools: dict[bool, list[str]] = {True: [], False: []}
    threads = []
    for cposts in by_thread.values():
        first = cposts[0]
        zh = bool(CJK.search(first.title))
        category = cat_ids[corpus.CATEGORIES[first.category_id]]
        members = (people.zh if zh else people.en) or people.zh + people.en
        asker = rng.choice(people.staff if category in staff_only else members)
        thread = ThreadRow(
            category,
            asker,
            first.title,
            zh,
            first.thread_created_at,
            staff_only=category in staff_only,
        )
        thread.posts.append(PostRow(thread, asker, first.body, first.created_at, is_question=True))
        for cp in cposts[1:]:
            thread.posts.append(PostRow(thread, 0, cp.body, first.created_at))
            pools[zh].append(cp.body)
            if cp.is_accepted:
                thread.accepted = thread.posts[-1]
        threads.append(thread)
    for i, thread in enumerate(rng.sample(threads, args.big + args.medium)):
        extra = rng.randint(100, 300) if i < args.big else rng.randint(30, 60)
        for body in rng.choices(pools[thread.zh], k=max(0, extra - len(thread.posts) + 1)):
            thread.posts.append(PostRow(thread, 0, body, thread.created_at))
    answered = sum(1 for t in threads if len(t.posts) > 1)
    solve_p = min(1.0, args.solved * len(threads) / max(answered, 1))
    for thread in threads:
        _fill_thread(rng, thread, people, solve_p, long=len(thread.posts) > 30)
    return threads


def _fill_thread(rng: random.Random, thread: ThreadRow, people: People, solve_p: float,
                 long: bool) -> None:  # fmt: skip
    """Authors, times, privacy, deletions, the accepted answer and votes of one thread."""
    helpers = (people.helpers_zh if thread.zh else people.helpers_en) or people.staff
    members = (people.zh if thread.zh else people.en) or people.zh + people.en
    thread.private = not thread.staff_only and len(thread.posts) < 12 and rng.random() < 0.01
    when = thread.created_at
    for post in thread.posts[1:]:
        when += timedelta(minutes=rng.randint(1, 90) if long else rng.randint(5, 900))
        post.created_at = min(when, NOW)
        roll = rng.random()
        if thread.private:
            post.author_id = thread.author_id if roll < 0.4 else rng.choice(people.staff)
        elif roll < 0.12:
            post.author_id = thread.author_id
        else:
            post.author_id = rng.choice(helpers if roll < 0.55 else members)
    answers = thread.posts[1:]
    if thread.private or not answers or rng.random() >= solve_p:
        thread.accepted = None
    else:
        if thread.accepted is None or thread.accepted.author_id == thread.author_id:
            others = [p for p in answers if p.author_id != thread.author_id]
            thread.accepted = rng.choice(others or answers)
        thread.accepted_by_id = rng.choice(helpers)
        thread.accepted_at = min(
            thread.accepted.created_at + timedelta(minutes=rng.randint(10, 900)), NOW
        )
        if rng.random() < 0.3:
            thread.confirmed = thread.accepted
    if not thread.private and not thread.accepted and answers and rng.random() < 0.05:
        thread.confirmed = rng.choice(answers)
    for post in answers:
        keep = thread.private or post is thread.accepted or post is thread.confirmed
        if not keep and rng.random() < 0.005:
            post.deleted_by_id = rng.choice(people.staff)
            continue
        if thread.private:
            continue
        k = (
            rng.randint(1, 12)
            if post is thread.accepted
            else (rng.randint(1, 5) if rng.random() < 0.3 else 0)
        )
        candidates = rng.sample(range(1, len(people.rows) + 1), min(k + 3, len(people.rows)))
        post.voters = [u for u in candidates if u != post.author_id][:k]


def assign_ids(threads: list[ThreadRow]) -> list[PostRow]:
    """Ids in time order, as a live forum hands them out."""
    threads.sort(key=lambda t: (t.created_at, t.title))
    for i, thread in enumerate(threads, 1):
        thread.id = i
    posts = [p for t in threads for p in t.posts]
    posts.sort(key=lambda p: (p.created_at, p.thread.id, not p.is_question))
    for i, post in enumerate(posts, 1):
        post.id = i
    return posts


# --- rendering ---------------------------------------------------------------------------------


def _render(body: str) -> tuple[str, str, bool]:
    from forum import markup, posting

    html = markup.render(body)
    return html, markup.to_text(body), posting.has_outbound(body, html)


def render_all(bodies: set[str], procs: int) -> dict[str, tuple[str, str, bool]]:
    """body -> (body_html, body_text, has_outbound), each distinct body rendered once."""
    ordered = sorted(bodies)
    if procs > 1:
        with Pool(procs) as pool:
            done = pool.map(_render, ordered, chunksize=256)
    else:
        done = [_render(b) for b in ordered]
    return dict(zip(ordered, done, strict=True))


# --- writing -----------------------------------------------------------------------------------


def done(timings: dict[str, float], step: str, start: float) -> None:
    """Record and print how long a step took."""
    timings[step] = time.perf_counter() - start
    print(f"  {step:<34} {timings[step]:7.1f} s", flush=True)


def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[i : i + BATCH])


def thread_rows(threads: list[ThreadRow]) -> list[dict]:
    rows = []
    rng = random.Random(7)
    for t in threads:
        live = [p for p in t.posts[1:] if p.deleted_by_id is None]
        last = t.posts[-1]
        first_other = next((p for p in t.posts[1:] if p.author_id != t.author_id), None)
        rows.append({
            "id": t.id, "category_id": t.category_id, "author_id": t.author_id, "title": t.title,
            "created_at": t.created_at, "last_activity_at": last.created_at,
            "last_poster_id": last.author_id, "reply_count": len(live),
            "device_os": rng.choice(DEVICES) if rng.random() < 0.8 else None,
            "app_version": rng.choice(corpus.VERSIONS) if rng.random() < 0.7 else None,
            "happened_at": t.created_at - timedelta(minutes=rng.randint(10, 3000)) if rng.random() < 0.6 else None,
            "contact_pref": rng.choice(CONTACTS), "is_locked": rng.random() < 0.005,
            "is_pinned": False, "is_deleted": False, "deleted_at": None, "deleted_by_id": None,
            "is_private": t.private, "accepted_post_id": None, "accepted_by_id": None,
            "accepted_at": None, "asker_confirmed_at": None, "asker_confirmed_post_id": None,
            "first_response_at": first_other.created_at if first_other else None,
            "needs_staff_at": None, "claimed_by_id": None, "claimed_until": None,
        })  # fmt: skip
    return rows


def post_rows(posts: list[PostRow], rendered: dict[str, tuple[str, str, bool]]) -> list[dict]:
    rows = []
    for p in posts:
        html, body_text, outbound = rendered[p.body]
        deleted = p.deleted_by_id is not None
        rows.append({
            "id": p.id, "thread_id": p.thread.id, "author_id": p.author_id,
            "is_question": p.is_question, "body_source": p.body, "body_html": html,
            "body_text": body_text, "has_outbound": outbound, "vote_count": len(p.voters),
            "created_at": p.created_at,
            "edited_at": None, "edited_by_id": None, "is_deleted": deleted,
            "deleted_at": p.created_at + timedelta(hours=2) if deleted else None,
            "deleted_by_id": p.deleted_by_id, "submission_key": None,
        })  # fmt: skip
    return rows


def solution_rows(threads: list[ThreadRow]) -> list[dict]:
    return [
        {"tid": t.id, "post": t.accepted.id if t.accepted else None, "by": t.accepted_by_id,
         "at": t.accepted_at, "cpost": t.confirmed.id if t.confirmed else None,
         "cat": t.confirmed.created_at + timedelta(minutes=30) if t.confirmed else None}
        for t in threads if t.accepted or t.confirmed
    ]  # fmt: skip


def ticket_rows(threads: list[ThreadRow], staff: list[int]) -> list[dict]:
    rng = random.Random(11)
    rows = []
    for t in threads:
        if not t.private:
            continue
        staff_reply = next((p for p in t.posts[1:] if p.author_id in staff), None)
        status = rng.choice(TICKET_STATUSES)
        rows.append({
            "thread_id": t.id, "status": status, "priority": rng.choice(["low", "normal", "high"]),
            "assignee_id": rng.choice(staff) if rng.random() < 0.7 else None,
            "reason": rng.choice(TICKET_REASONS), "opened_by_id": t.author_id,
            "opened_at": t.created_at,
            "first_staff_reply_at": staff_reply.created_at if staff_reply else None,
            "resolved_at": t.posts[-1].created_at if status in ("resolved", "closed") else None,
        })  # fmt: skip
    return rows


def rating_rows(threads: list[ThreadRow], tickets: list[dict]) -> tuple[list[dict], list[dict]]:
    """A third of solved questions and resolved tickets rated by the asker, credited to the
    people who replied (forum/ratings.py); some invitations dismissed."""
    rng = random.Random(17)
    done_tickets = {r["thread_id"]: r["resolved_at"] for r in tickets if r["resolved_at"]}
    ratings, credits = [], []
    for t in threads:
        finished = t.accepted_at or done_tickets.get(t.id)
        if finished is None or rng.random() > 0.35:
            continue
        rid = len(ratings) + 1
        dismissed = rng.random() < 0.15
        score = (
            (lambda: None) if dismissed else (lambda: rng.choices(range(1, 6), (1, 1, 3, 6, 8))[0])
        )
        ratings.append({
            "id": rid, "thread_id": t.id, "rater_id": t.author_id, "speed": score(),
            "professionalism": score(), "patience": score(),
            "solved": None if dismissed else rng.random() < 0.85, "comment": "",
            "dismissed": dismissed, "created_at": finished + timedelta(hours=rng.randint(1, 48)),
        })  # fmt: skip
        if not dismissed:
            helpers = {p.author_id for p in t.posts[1:] if p.author_id != t.author_id}
            credits += [{"rating_id": rid, "user_id": uid} for uid in sorted(helpers)]
    return ratings, credits


def vote_rows(posts: list[PostRow]) -> list[dict]:
    return [
        {"user_id": u, "post_id": p.id, "created_at": p.created_at + timedelta(hours=1)}
        for p in posts
        for u in p.voters
    ]


def prepare_database(url: str, reset: bool) -> None:
    """Create the PostgreSQL database if missing; with reset, empty it (or delete the file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if reset and path.is_file():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": parsed.database})  # fmt: skip
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    if reset:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def write(db, data: dict[str, list[dict]], timings: dict[str, float]) -> None:
    """Insert everything in one transaction, then fix sequences and statistics."""
    from forum.models import Post, Rating, RatingCredit, Thread, Ticket, User, Vote

    engine = db.engine
    with engine.begin() as conn:
        for name, table in (("users", User.__table__), ("threads", Thread.__table__),
                            ("posts", Post.__table__), ("votes", Vote.__table__),
                            ("tickets", Ticket.__table__), ("ratings", Rating.__table__),
                            ("rating_credits", RatingCredit.__table__)):  # fmt: skip
            start = time.perf_counter()
            _insert(conn, table, data[name])
            done(timings, f"insert {name} ({len(data[name])})", start)
        start = time.perf_counter()
        stmt = (
            update(Thread.__table__)
            .where(Thread.__table__.c.id == bindparam("tid"))
            .values(accepted_post_id=bindparam("post"), accepted_by_id=bindparam("by"),
                    accepted_at=bindparam("at"), asker_confirmed_post_id=bindparam("cpost"),
                    asker_confirmed_at=bindparam("cat"))
        )  # fmt: skip
        rows = data["solutions"]
        for i in range(0, len(rows), BATCH):
            conn.execute(stmt, rows[i : i + BATCH])
        done(timings, "update solutions", start)
        if engine.dialect.name == "postgresql":
            for table in ("users", "threads", "posts", "categories", "ratings"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))  # fmt: skip
    start = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    done(timings, "vacuum/analyze", start)


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser(__doc__, "app instance dir whose search/ index is built")
    parser.add_argument(
        "--posts",
        type=int,
        default=96_000,
        help="corpus posts before long threads are grown (default %(default)s)",
    )
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--big", type=int, default=40, help="threads grown to 100-300 replies")
    parser.add_argument("--medium", type=int, default=300, help="threads grown to 30-60 replies")
    parser.add_argument("--solved", type=float, default=0.6, help="share of solved threads")
    parser.add_argument("--procs", type=int, default=2, help="processes for rendering and indexing")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--no-index", action="store_true", help="skip the search index build")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="drop everything in the database (or delete the SQLite file) first",
    )
    args = parser.parse_args(argv)
    require_loopback_database(args.database_url)

    import flask_migrate

    from forum import accounts, categories, category_counts, create_app, search_outbox
    from forum.extensions import db
    from forum.models import Category, Thread

    print(f"Seeding {args.database_url}, instance {args.instance} (step timings):", flush=True)
    timings: dict[str, float] = {}
    t0 = start = time.perf_counter()
    prepare_database(args.database_url, args.reset)
    if args.reset:
        shutil.rmtree(args.instance / "search", ignore_errors=True)
    app = create_app({
        "INSTANCE_PATH": str(args.instance.resolve()), "SQLALCHEMY_DATABASE_URI": args.database_url,
        "SECRET_KEY": SECRET_KEY, "FORUM_SEARCH_POLL_SECONDS": 0,
        "FORUM_SEARCH_DIR": str(args.instance.resolve() / "search"),
    })  # fmt: skip
    with app.app_context():
        flask_migrate.upgrade()
        categories.ensure_defaults()
        if db.session.scalar(select(func.count(Thread.id))):
            raise SystemExit("the database already has threads: run with --reset to start over")
        cats = list(db.session.scalars(select(Category)))
        cat_ids = {c.slug: c.id for c in cats}
        staff_only = {c.id for c in cats if c.staff_only}
        db.session.rollback()
        done(timings, "schema (migrations)", start)

        start = time.perf_counter()
        rng = random.Random(args.seed)
        people = make_users(
            rng, args.users, accounts.hash_password(PASSWORD), accounts.username_key
        )
        threads = make_threads(rng, args, people, cat_ids, staff_only)
        posts = assign_ids(threads)
        pinned = [t for t in threads if t.category_id in staff_only][-3:]
        done(timings, "generate", start)

        start = time.perf_counter()
        bodies = {p.body for p in posts}
        rendered = render_all(bodies, args.procs)
        done(timings, f"render {len(bodies)} distinct bodies", start)

        data = {
            "users": people.rows, "threads": thread_rows(threads),
            "posts": post_rows(posts, rendered), "votes": vote_rows(posts),
            "tickets": ticket_rows(threads, people.staff), "solutions": solution_rows(threads),
        }  # fmt: skip
        data["ratings"], data["rating_credits"] = rating_rows(threads, data["tickets"])
        pin_ids = {t.id for t in pinned}
        for row in data["threads"]:
            row["is_pinned"] = row["id"] in pin_ids
        write(db, data, timings)
        with db.engine.begin() as conn:  # rows written with Core: set the kept counts
            category_counts.recount(conn)

        start = time.perf_counter()
        counts = None if args.no_index else search_outbox.rebuild(procs=args.procs)
        done(timings, "search index rebuild", start)
    timings["total"] = time.perf_counter() - t0
    summary = {
        "users": len(data["users"]), "threads": len(threads), "posts": len(posts),
        "votes": len(data["votes"]), "tickets": len(data["tickets"]),
        "solved": sum(1 for t in threads if t.accepted),
        "threads_100_plus": sum(1 for t in threads if len(t.posts) > 100),
        "threads_30_plus": sum(1 for t in threads if len(t.posts) > 30),
        "chinese_threads": sum(1 for t in threads if t.zh), "indexed": counts,
    }  # fmt: skip
    print(f"  {'total':<34} {timings['total']:7.1f} s")
    print("Data set:")
    for key, value in summary.items():
        print(f"  {key:<18} {value}")
    print(f"  solved share       {summary['solved'] / len(threads):.1%}")
    args.instance.mkdir(parents=True, exist_ok=True)
    (args.instance / "bench_seed.json").write_text(json.dumps(
        {"database_url": args.database_url, "password": PASSWORD, "seed": args.seed,
         "summary": summary, "timings": timings}, indent=2, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
