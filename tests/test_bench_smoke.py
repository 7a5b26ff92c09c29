"""bench/seed.py at a tiny size on SQLite, so the benchmark data set keeps matching the app:
migrations, counters, rendered HTML, one hash for all, and a search index that agrees."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONSISTENCY = {
    "reply_count": """SELECT count(*) FROM threads t WHERE reply_count != (SELECT count(*)
        FROM posts p WHERE p.thread_id = t.id AND NOT p.is_question AND NOT p.is_deleted)""",
    "last_activity_at": """SELECT count(*) FROM threads t WHERE last_activity_at !=
        (SELECT max(created_at) FROM posts p WHERE p.thread_id = t.id)""",
    "last_poster_id": """SELECT count(*) FROM threads t WHERE last_poster_id != (SELECT author_id
        FROM posts p WHERE p.thread_id = t.id ORDER BY created_at DESC, id DESC LIMIT 1)""",
    "accepted_post_id": """SELECT count(*) FROM threads t JOIN posts p ON p.id = t.accepted_post_id
        WHERE p.thread_id != t.id OR p.is_question OR t.accepted_by_id IS NULL""",
    "vote_count": """SELECT count(*) FROM posts p WHERE vote_count !=
        (SELECT count(*) FROM votes v WHERE v.post_id = p.id)""",
    "first_response_at": """SELECT count(*) FROM threads t WHERE first_response_at IS NOT
        (SELECT min(created_at) FROM posts p WHERE p.thread_id = t.id AND p.author_id != t.author_id)""",
    "question first": """SELECT count(*) FROM threads t WHERE (SELECT min(id) FROM posts p
        WHERE p.thread_id = t.id) != (SELECT id FROM posts p WHERE p.thread_id = t.id AND p.is_question)""",
}


def test_seed_tiny_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "bench.db"
    instance = tmp_path / "instance"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "seed.py"), "--database-url", f"sqlite:///{db}",
         "--instance", str(instance), "--posts", "400", "--users", "40", "--big", "1",
         "--medium", "2", "--procs", "1"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((instance / "bench_seed.json").read_text())["summary"]
    with sqlite3.connect(db) as conn:
        count = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM threads") == summary["threads"] > 50
        assert count("SELECT count(*) FROM posts") == summary["posts"] > 400
        assert count("SELECT max(reply_count) FROM threads") >= 100
        assert count("SELECT count(*) FROM categories") == 5
        assert count("SELECT count(DISTINCT password_hash) FROM users") == 1
        assert count("SELECT count(*) FROM users WHERE username_key != lower(username)") == 0
        assert count("SELECT count(*) FROM posts WHERE body_html NOT LIKE '<%'") == 0
        assert count("SELECT count(*) FROM alembic_version") == 1
        for name, sql in CONSISTENCY.items():
            assert count(sql) == 0, name
        live_public = count(
            "SELECT count(*) FROM posts p JOIN threads t ON t.id = p.thread_id "
            "WHERE NOT p.is_deleted AND NOT t.is_deleted AND NOT t.is_private"
        )
    assert summary["indexed"]["public"] == live_public
