"""Same-site redirect targets only: the one place that decides what a `next` may be."""

from __future__ import annotations

import re

# One leading slash, then no slash or backslash; no scheme, no host, no control characters.
SAFE_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x20\x7f]*\Z")


def safe_next(target: str | None) -> str | None:
    """The target if it is a path on this site, else None (open-redirect guard)."""
    if not target or len(target) > 2000 or not SAFE_PATH.match(target):
        return None
    return target
