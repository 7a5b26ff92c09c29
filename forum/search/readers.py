"""Sharing read access to an index between threads: a pool of Whoosh searchers of the newest
generation, and a small LRU of query results keyed by generation. Stdlib only."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class Lru:
    """A thread-safe least-recently-used map of a bounded size."""

    def __init__(self, size: int):
        self.size, self.lock = size, threading.Lock()
        self.data: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key):
        """The cached value, or None."""
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key, value):
        """Store a value, dropping the least recently used beyond the size."""
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


class SearcherPool:
    """Idle Whoosh searchers of the newest generation, shared by every thread of the process.

    checkout() hands a thread an idle searcher of the current generation (or opens one);
    checkin() returns it, or closes it when a newer generation exists or the pool is closed.
    No searcher is ever left behind by a thread that ends, whatever the server model."""

    def __init__(self, opener: Callable[[], object], max_idle: int = 8):
        self.opener, self.max_idle = opener, max_idle
        self.lock = threading.Lock()
        self.idle: list = []
        self.gen = -1  # generation of the idle searchers
        self.busy = 0

    def checkout(self, gen: int):
        """(searcher, generation) for one search; pair every call with checkin()."""
        stale: list = []
        with self.lock:
            if gen != self.gen:
                stale, self.idle, self.gen = self.idle, [], gen
            s = self.idle.pop() if self.idle else None
            self.busy += 1
        for old in stale:
            old.close()
        if s is None:
            try:
                s = self.opener()
            except BaseException:
                with self.lock:
                    self.busy -= 1
                raise
        return s, gen

    def checkin(self, s, gen: int) -> None:
        """Give a searcher back: kept idle if still current (and room), closed otherwise."""
        with self.lock:
            self.busy -= 1
            keep = gen == self.gen and len(self.idle) < self.max_idle
            if keep:
                self.idle.append(s)
        if not keep:
            s.close()

    def close(self) -> None:
        """Close the idle searchers; searchers in use close at checkin."""
        with self.lock:
            idle, self.idle, self.gen = self.idle, [], -2
        for s in idle:
            s.close()

    def open_count(self) -> int:
        """Searchers open now (idle + in use): a test checks this stays bounded."""
        with self.lock:
            return len(self.idle) + self.busy


TextFor = Callable[[list[int]], dict[int, tuple[str, str]]]
