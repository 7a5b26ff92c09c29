"""What a web process holds (docs/benchmarks.md, round 6): a built and warmed app has not
loaded the libraries only some commands or requests need, those still load when needed, and
the guard's typo matching, which no longer keeps tables, finds the same words."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from forum import create_app, safety_english
from forum.extensions import db

ROOT = Path(__file__).resolve().parent.parent

# Loaded by `flask db` (Alembic, Mako, Pygments), an upload (Pillow, zxing, Tesseract), a
# 2FA enrolment (segno): never by building the app or by the pages every worker serves.
ON_DEMAND = ("flask_migrate", "alembic", "mako", "pygments", "PIL", "zxingcpp", "pytesseract",
             "segno")  # fmt: skip

_PROBE = """
import json, sys
from forum.search import outbox
outbox.DEFER_POLLERS = True  # as gunicorn.conf.py does: no thread in the probe
import forum
app = forum.create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_PATH": sys.argv[2],
                        "SECRET_KEY": "x" * 40, "FORUM_SEARCH_POLL_SECONDS": 0})
forum.warm(app)
with app.test_client() as client:
    status = client.get("/").status_code
print(json.dumps({"status": status, "loaded": sorted(set(sys.argv[3:]) & set(sys.modules))}))
"""


def test_a_warm_web_process_has_not_loaded_what_only_some_commands_need(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, url, str(tmp_path), *ON_DEMAND],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    result = json.loads(out.stdout.splitlines()[-1])
    assert result == {"status": 200, "loaded": []}


def test_flask_db_upgrade_still_builds_a_fresh_database(tmp_path):
    fresh = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                        "FORUM_SEARCH_POLL_SECONDS": 0})  # fmt: skip
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    result = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head
        assert db.session.scalar(text("SELECT count(*) FROM users")) == 0
        db.session.remove()
        db.engine.dispose()


def _one_edit(word: str, token: str) -> bool:
    """Plainly: a deletion, insertion, substitution or swap of two different neighbours."""
    if len(word) == len(token):
        diff = [i for i, (a, b) in enumerate(zip(word, token, strict=True)) if a != b]
        swap = (len(diff) == 2 and diff[1] == diff[0] + 1
                and word[diff[0]] == token[diff[1]] and word[diff[1]] == token[diff[0]])  # fmt: skip
        return len(diff) <= 1 or swap
    short, long = sorted((word, token), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def test_typo_matching_finds_the_one_list_word_an_edit_away():
    words = list(safety_english.WORDS)
    rnd = random.Random(14)
    tokens = []
    for word in rnd.sample(words, 60):
        i, c = rnd.randrange(len(word)), rnd.choice("abcdefghijklmnopqrstuvwxyz")
        tokens += [word[:i] + word[i + 1 :], word[:i] + c + word[i:], word[:i] + c + word[i + 1 :]]
        if i:
            tokens.append(word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :])
    tokens += ["".join(rnd.choices("abcdefghij", k=rnd.randint(3, 10))) for _ in range(40)]
    for token in tokens:
        near = [w for w in words if _one_edit(w, token)]
        expected = safety_english.WORDS[near[0]] if len(near) == 1 and 4 <= len(token) <= 9 else -1
        assert safety_english.nearest(token) == expected, token
