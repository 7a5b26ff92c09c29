"""The sensitive-data guard's cost and precision on the ordinary-support-text corpus.

    .venv/bin/python bench/guard.py

Scans tests/data/guard_negatives.txt (ordinary Chinese and English support text with addresses,
tx hashes, versions and order numbers) as posts of 20 lines, and prints the time per KB and
per post, and how many lines the guard would refuse or flag (it must be none). Recall on
generated secrets is asserted by tests/test_safety.py.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum.safety import scan  # noqa: E402


def main() -> int:
    text = (ROOT / "tests/data/guard_negatives.txt").read_text(encoding="utf-8")
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    posts = [" ".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    kb = sum(len(p.encode()) for p in posts) / 1024
    runs = 20
    best = min(timeit.repeat(lambda: [scan(p) for p in posts], number=runs, repeat=5)) / runs
    flagged = [line for line in lines if scan(line)]
    print(f"{len(lines)} lines as {len(posts)} posts ({kb:.1f} KB)")
    print(f"scan: {best / kb * 1e6:.0f} us per KB, {best / len(posts) * 1e6:.0f} us per post")
    print(f"lines refused or flagged: {len(flagged)}")
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
