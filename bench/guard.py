"""The sensitive-data guard's recall, false refusals and cost on the generated guard corpus.

    .venv/bin/python bench/guard.py

Positives: tests/data/guard_corpus.py (5,120 realistic accidental forms, seeded). Negatives: the
same file's ordinary support text (tests/data/guard_negatives.txt + 700 generated lines), per
line and as 20-line posts. Prints recall per form, refusals and questions on the negatives, and
the time per KB. Exit status 1 if any negative is refused.
"""

from __future__ import annotations

import collections
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data"))

from guard_corpus import negatives, positives  # noqa: E402

from forum.safety import _findings, find_secrets, find_unclear_keys, scan  # noqa: E402


def main() -> int:
    total: collections.Counter[str] = collections.Counter()
    caught: collections.Counter[str] = collections.Counter()
    for form, text in positives():
        total[form] += 1
        caught[form] += bool(find_secrets(text) or find_unclear_keys(text))
    for form in sorted(total):
        print(f"{form:32} {caught[form]:4}/{total[form]:<4} {caught[form] / total[form]:.1%}")
    print(f"{'all positives':32} {sum(caught.values())}/{total.total()}")
    lines = negatives()
    posts = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    refused = [x for x in lines + posts if find_secrets(x)]
    asked = [x for x in lines + posts if find_unclear_keys(x)]
    print(f"negatives: {len(lines)} lines, {len(posts)} posts; refused {len(refused)}")
    print(f"asked 'hash or key?': {len(asked)}")
    kb = sum(len(p.encode()) for p in posts) / 1024

    def run() -> None:
        _findings.cache_clear()
        for p in posts:
            scan(p)

    # CPU time, not wall time: the machine is shared and often loaded
    best = min(timeit.repeat(run, number=5, repeat=5, timer=time.process_time)) / 5
    print(f"scan: {best / kb * 1e6:.0f} us per KB, {best / len(posts) * 1e6:.0f} us per post")
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
