"""Review holds on new accounts' replies: the scam corpus must be held, ordinary answers not.

    .venv/bin/python bench/trust.py

Every reply is posted by a fresh account (trust level 0, registered a minute ago) through the
real domain function (threads.reply) on a throw-away SQLite database, and counted as held
(waits in the review queue), refused (look-alike brand domain or too many links, or stopped by
the sensitive-data guard), or public. The author ticks "post anyway" for personal data, as a
scammer would, so the guard's question does not hide what the review hold does.

Scam corpus: tests/data/scam_replies.txt; held-out sets (written after tuning, never tuned on):
tests/data/scam_holdout.txt and tests/data/ordinary_holdout.txt. Ordinary answers (500): tests/data/ordinary_replies.txt,
the answers of tests/data/search_corpus.json, and the first lines of guard_negatives.txt.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app, threads  # noqa: E402
from forum.errors import DomainError  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Category, User  # noqa: E402

DATA = ROOT / "tests" / "data"
ORDINARY_TOTAL = 500
NO_LOGIN = "!"  # not a hash: these accounts never log in


def lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def ordinary() -> list[str]:
    corpus = json.loads((DATA / "search_corpus.json").read_text(encoding="utf-8"))
    texts = lines("ordinary_replies.txt") + [a for t in corpus for a in t["answers"]]
    return texts + lines("guard_negatives.txt")[: ORDINARY_TOTAL - len(texts)]


def post_all(texts: list[str], tag: str) -> dict[str, list[str]]:
    outcome: dict[str, list[str]] = {"held": [], "refused": [], "public": []}
    asker = User(username=f"{tag}_asker", username_key=f"{tag}_asker", password_hash=NO_LOGIN)
    category = Category(slug=tag, name_en=tag, name_zh=tag)
    db.session.add_all([asker, category])
    db.session.commit()
    thread = threads.ask(asker, category, title="USDT transfer pending for hours", body="Help?")
    for n, text in enumerate(texts):
        author = User(username=f"{tag}{n}", username_key=f"{tag}{n}", password_hash=NO_LOGIN)
        db.session.add(author)
        db.session.commit()
        try:
            post = threads.reply(author, thread, text, personal_ok=True)
        except DomainError:
            db.session.rollback()
            outcome["refused"].append(text)
            continue
        outcome["held" if post.held_at else "public"].append(text)
    return outcome


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "INSTANCE_PATH": tmp, "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "FORUM_SEARCH_DIR": f"{tmp}/search", "FORUM_SEARCH_POLL_SECONDS": 0,
            "FORUM_POST_RATE_LIMIT": "100000 per minute",
        })  # fmt: skip
        with app.test_request_context():
            db.create_all()
            start = time.perf_counter()
            scam = post_all(lines("scam_replies.txt"), "s")
            normal = post_all(ordinary(), "o")
            elapsed = time.perf_counter() - start
            held_out = (
                post_all(lines("scam_holdout.txt"), "hs"),
                post_all(lines("ordinary_holdout.txt"), "ho"),
            )
            db.session.remove()
            db.engine.dispose()
    total_scam, total_normal = sum(map(len, scam.values())), sum(map(len, normal.values()))
    stopped = len(scam["held"]) + len(scam["refused"])
    wrongly = len(normal["held"]) + len(normal["refused"])
    print(f"scam replies by new accounts: {total_scam}; held {len(scam['held'])}, refused "
          f"{len(scam['refused'])}, public {len(scam['public'])} "
          f"-> stopped {stopped / total_scam:.1%}")  # fmt: skip
    print(f"ordinary answers by new accounts: {total_normal}; held {len(normal['held'])}, "
          f"refused {len(normal['refused'])} -> {wrongly / total_normal:.1%} not public")  # fmt: skip
    for text in scam["public"]:
        print("  scam went public:", text)
    for text in normal["held"] + normal["refused"]:
        print("  ordinary answer stopped:", text)
    print(f"{total_scam + total_normal} replies in {elapsed:.1f} s")
    hs, ho = held_out
    print(f"held-out (never tuned on): scam {len(hs['held']) + len(hs['refused'])}/"
          f"{sum(map(len, hs.values()))} stopped; ordinary {len(ho['held']) + len(ho['refused'])}/"
          f"{sum(map(len, ho.values()))} stopped")  # fmt: skip
    for text in hs["public"]:
        print("  held-out scam went public:", text)
    for text in ho["held"] + ho["refused"]:
        print("  held-out ordinary answer stopped:", text)
    return 0 if not scam["public"] and wrongly / total_normal < 0.02 else 1


if __name__ == "__main__":
    raise SystemExit(main())
