"""The outbox bookkeeping each search index keeps beside itself: the last outbox row it
applied and the ids it saw skipped. Pure; stdlib only."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

GAP_WINDOW = 300.0  # seconds an outbox id below the high-water mark is re-checked


@dataclass
class OutboxProgress:
    """The last outbox id applied to this index, and ids below it not yet seen (gaps).

    Concurrent transactions can commit outbox ids out of order (10 visible before 9), so ids
    skipped below the high-water mark are remembered and re-checked for GAP_WINDOW seconds.
    """

    last_id: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # id -> first time it was missing

    def ids_to_recheck(self) -> list[int]:
        """Gap ids to fetch again together with ids above last_id."""
        return sorted(self.gaps)

    def advance(self, applied: Iterable[int], now: float | None = None) -> OutboxProgress:
        """The progress after applying these ids: new gaps recorded, old gaps expired."""
        now = time.time() if now is None else now
        applied = set(applied)
        top = max(applied | {self.last_id})
        gaps = {i: t for i, t in self.gaps.items() if i not in applied and now - t < GAP_WINDOW}
        for i in range(self.last_id + 1, top):
            if i not in applied:
                gaps.setdefault(i, now)
        if len(gaps) > 10_000:  # a huge jump (sequence reset?): keep the newest gaps only
            gaps = dict(sorted(gaps.items())[-10_000:])
        return OutboxProgress(top, gaps)

    def to_json(self) -> str:
        """Serialised form stored in the index directory."""
        return json.dumps(
            {"last_id": self.last_id, "gaps": {str(k): v for k, v in self.gaps.items()}}
        )

    @classmethod
    def from_json(cls, text: str) -> OutboxProgress:
        """Parse the stored form."""
        data = json.loads(text)
        return cls(int(data["last_id"]), {int(k): float(v) for k, v in data["gaps"].items()})
