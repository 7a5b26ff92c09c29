"""Two app hosts, one PostgreSQL database: how soon a post made on one is found on the other.

    .venv/bin/python bench/seed.py --reset      # once
    .venv/bin/python bench/multihost.py         # 3 rounds each way: A -> B and B -> A

Two gunicorn servers (gunicorn.conf.py, --workers sync workers each) on two loopback ports play
two app hosts: each has its own instance folder and search index (FORUM_INSTANCE_PATH,
FORUM_SEARCH_DIR under bench/out/multihost/a and b) and FORUM_SEARCH_POLL_SECONDS=1. Their
indexes start as copies of the seeded one (what `flask forum reindex` would build, faster);
each host's poller then applies the outbox rows it has not seen. A member logs in on one host,
asks a question through the real form with a unique made-up word, and the other host's
/search?q=WORD is polled every --interval seconds until the new thread is listed. The delay is
counted from the moment the writing host acknowledged the post (its 302).
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import (  # noqa: E402
    OUT,
    Server,
    Session,
    arg_parser,
    form_fields,
    forum_env,
    machine_note,
    request,
    require_loopback_database,
    table,
)
from sqlalchemy import create_engine, text  # noqa: E402

LETTERS = str.maketrans("0123456789", "ghijklmnop")


def unique_word() -> str:
    """A made-up word no post contains yet (letters only, so it is one search term)."""
    return "hop" + uuid.uuid4().hex[:10].translate(LETTERS)


def prepare_host(name: str, seed_instance: Path) -> Path:
    """A fresh instance folder for one host with a copy of the seeded search index."""
    instance = OUT / "multihost" / name
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir(parents=True)
    shutil.copytree(seed_instance / "search", instance / "search")
    return instance


def ask(session: Session, word: str, n: int) -> tuple[int, float]:
    """Post a question with the word through host's ask form; (thread id, time acknowledged)."""
    page = session.get("/ask?category=technical")
    fields = form_fields(page.body, "ask-form")
    fields.update(
        category="technical", title=f"App crashes after update ({word} {n})",
        body=f"After updating, the app closes at once. Marker {word}. 更新后闪退。",
        device_os="android", app_version="2.3.5", happened_at="", contact_pref="notify",
        checked_similar="1", personal_ok="",
    )  # fmt: skip
    resp = session.post("/ask", fields)
    acknowledged = time.monotonic()
    if resp.status != 302 or "/t/" not in resp.location:
        raise RuntimeError(f"ask failed: HTTP {resp.status}")
    return int(resp.location.rsplit("/t/", 1)[1].split("#")[0]), acknowledged


def found(server: Server, word: str, thread_id: int) -> bool:
    page = request("GET", f"{server.base}/search?q={word}")
    return page.status == 200 and any(
        f'href="/t/{thread_id}{end}' in page.body for end in ('"', "#")
    )


def propagate(src: Server, dst: Server, session: Session, n: int, args) -> dict:
    word = unique_word()
    thread_id, acknowledged = ask(session, word, n)
    on_src = found(src, word, thread_id)
    deadline = acknowledged + args.timeout
    while time.monotonic() < deadline:
        if found(dst, word, thread_id):
            return {"word": word, "thread": thread_id, "on_writer": on_src,
                    "delay": time.monotonic() - acknowledged}  # fmt: skip
        time.sleep(args.interval)
    return {"word": word, "thread": thread_id, "on_writer": on_src, "delay": None}


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser(__doc__, "the seeded instance whose search index each host starts from")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per host")
    parser.add_argument("--rounds", type=int, default=3, help="posts in each direction")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=30, help="give up after this long")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    require_loopback_database(args.database_url)
    seed_instance = args.instance.resolve()
    if not (seed_instance / "search").is_dir():
        raise SystemExit(f"no search index under {seed_instance}: run bench/seed.py first")
    engine = create_engine(args.database_url)
    with engine.connect() as conn:
        members = list(conn.scalars(text(
            "SELECT username FROM users WHERE role = 'member' ORDER BY id LIMIT 50")))  # fmt: skip
    engine.dispose()
    username = random.Random(args.seed).choice(members)

    print(machine_note())
    hosts = {}
    for name in ("a", "b"):
        instance = prepare_host(name, seed_instance)
        env = forum_env(args.database_url, instance, FORUM_SEARCH_POLL_SECONDS="1",
                        FORUM_POST_RATE_LIMIT="1000 per hour")  # fmt: skip
        hosts[name] = Server("wsgi:app", env, args.workers, log=instance / "gunicorn.log")
    rows, delays = [], []
    try:
        for name, server in hosts.items():
            server.start("/healthz")
            print(
                f"host {name.upper()}: {server.base}, instance {server.env['FORUM_INSTANCE_PATH']}"
            )
        sessions = {name: Session(server.base) for name, server in hosts.items()}
        for session in sessions.values():
            session.login(username)
        time.sleep(2)  # let both pollers catch up with rows written before this run
        for n in range(args.rounds):
            for src, dst in (("a", "b"), ("b", "a")):
                got = propagate(hosts[src], hosts[dst], sessions[src], n, args)
                delay = got["delay"]
                if delay is not None:
                    delays.append(delay)
                rows.append([f"{src.upper()} -> {dst.upper()}", got["thread"], got["word"],
                             "yes" if got["on_writer"] else "NO",
                             f"{delay:.2f}" if delay is not None else f"> {args.timeout}"])  # fmt: skip
                print(f"  {rows[-1][0]}: thread {got['thread']} found after {rows[-1][-1]} s",
                      flush=True)  # fmt: skip
    finally:
        for server in hosts.values():
            server.stop()
    print()
    print(table(["direction", "thread", "word", "on writing host at once",
                 "found on the other host after (s)"], rows))  # fmt: skip
    if delays:
        print(
            f"\ndelay: min {min(delays):.2f} s, median {statistics.median(delays):.2f} s, "
            f"max {max(delays):.2f} s (poll interval 1 s, client polls every {args.interval} s)"
        )
    missed = sum(1 for r in rows if r[-1].startswith(">"))
    print("All posts propagated." if not missed else f"{missed} posts did not propagate in time.")
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
