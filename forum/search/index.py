"""The search index on disk: opening it, writing (outbox batches, bulk rebuilds), the pool of
searchers, and the small read API (search, similar, suggest) that searching.py implements.

One Whoosh document per post; results are collapsed to one hit per thread. The database is the
truth: the index is derived, rebuilt with `SearchIndex.rebuild`, kept current with `write`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import postings as _postings  # also installs the term-grouping segment writer
from . import schema as sc
from . import searching
from ._whoosh import FileStorage, windex, writing
from .analysis import DEFAULT_MODE
from .bulk import PostingsCache
from .glossary import GLOSSARY_PATH, CompiledGlossary, Glossary
from .progress import OutboxProgress
from .ranking import Hit, Reading, SearchPage, load_column
from .readers import Lru, SearcherPool
from .typos import Corrector

CACHE_SIZE = 256  # query results kept per index, keyed by index generation
WRITE_TIMEOUT = 10.0  # seconds a writer waits for the index lock before IndexBusy
# Bumped when analysis changes what the index holds (terms, tokens, positions): reindex.
# 3: no positions (issue 13, speed); older indexes keep working, slower to read.
ANALYSIS_VERSION = 3


class IndexBusy(Exception):
    """Another writer held the index lock for longer than the bounded wait; nothing was written."""


@dataclass(frozen=True, slots=True)
class Doc:
    """One post as the index sees it (body is plain text: markup.to_text(body_source))."""

    post_id: int
    thread_id: int
    category_id: int
    is_question: bool
    is_accepted: bool
    thread_solved: bool
    title: str
    body: str
    author_name: str
    created_at: datetime
    thread_created_at: datetime


@dataclass
class Changes:
    """What one index commit does: deletes, then upserts, then the outbox progress to save."""

    upserts: list[Doc] = field(default_factory=list)
    delete_post_ids: set[int] = field(default_factory=set)
    delete_thread_ids: set[int] = field(default_factory=set)
    progress: OutboxProgress | None = None


class SearchIndex:
    """One on-disk index (public, or the staff-only one): write, rebuild, search, suggest."""

    PROGRESS_FILE = "outbox_progress.json"
    META_FILE = "search_meta.json"

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        mode: str = DEFAULT_MODE,
        store_text: bool = False,
        public: bool = True,
        glossary_extra: str | os.PathLike | None = None,
        cache_size: int = CACHE_SIZE,
    ):
        """Open the index at path, creating it (with this mode/store_text) if missing."""
        self.path = Path(path)
        self.public = public
        self.path.mkdir(parents=True, exist_ok=True)
        storage = FileStorage(str(self.path))
        if windex.exists_in(str(self.path)):
            self.ix = storage.open_index()
        else:
            self.ix = storage.create_index(sc.make_schema(mode, store_text))
        schema = self.ix.schema
        self.mode = schema["text"].mode
        self.store_text = "stored_text" in schema
        self.glossary = Glossary.load(GLOSSARY_PATH, glossary_extra)
        self.cg = CompiledGlossary(self.glossary, self.mode)
        if not (self.path / self.META_FILE).exists():
            self._save_meta()
        self.weighting = sc.FastBM25F(self._lengths)
        self._write_lock = threading.Lock()
        self._columns: dict = {}
        self._cache = Lru(cache_size) if cache_size else None
        self._postings = PostingsCache() if cache_size else None
        self.corrector = Corrector(self.glossary)
        self._pool = SearcherPool(lambda: self.ix.searcher(weighting=self.weighting))

    @classmethod
    def open(cls, path: str | os.PathLike, **kwargs) -> SearchIndex:
        """Open (or create) the index at path."""
        return cls(path, **kwargs)

    def close(self) -> None:
        """Close every idle searcher; searchers in use close when their search ends."""
        self._pool.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _meta(self) -> dict:
        try:
            return json.loads((self.path / self.META_FILE).read_text())
        except FileNotFoundError:
            return {}

    @property
    def glossary_changed(self) -> bool:
        """True when the glossary differs from the one the index was built with (reindex)."""
        return self._meta().get("glossary") != self.glossary.fingerprint()

    @property
    def needs_reindex(self) -> bool:
        """True when the index was built by older analysis or glossary: `flask forum reindex`."""
        return self.glossary_changed or self._meta().get("analysis", 1) != ANALYSIS_VERSION

    def _save_meta(self) -> None:
        meta = {"glossary": self.glossary.fingerprint(), "mode": self.mode}
        _atomic_write(
            self.path / self.META_FILE, json.dumps({**meta, "analysis": ANALYSIS_VERSION})
        )

    # -- generations and searchers

    @property
    def generation(self) -> int:
        """The index's commit generation: changes on every write and rebuild."""
        return self.ix.latest_generation()

    @contextmanager
    def _reading(self):
        """(searcher, generation) of the newest generation, for one search in one thread.

        Searchers are pooled per index, not per thread: a request served by a new thread reuses
        an idle searcher, and a searcher of an older generation is closed as soon as it is
        idle, so open files stay bounded by the number of concurrent searches."""
        s, gen = self._pool.checkout(self.generation)
        try:
            yield s, gen
        finally:
            self._pool.checkin(s, gen)

    def _lengths(self, reader, fieldname: str) -> array:
        if reader.segment() is None:  # an empty index
            return array("B")
        key = (reader.segment().segment_id(), fieldname)
        got = self._columns.get(key)
        if got is None:
            got = self._columns[key] = load_column(reader, f"_{fieldname}_len", "B")
        return got

    def _segment_columns(self, reader) -> tuple[array, array, array]:
        if reader.segment() is None:  # an empty index
            return array("q"), array("q"), array("q")
        key = reader.segment().segment_id()
        got = self._columns.get(key)
        if got is None:
            if len(self._columns) > 1024:
                self._columns.clear()
            got = tuple(load_column(reader, name) for name in ("pid", "tid", "info"))
            self._columns[key] = got
        return got

    # -- writing

    def _lock(self, timeout: float):
        lock = self.ix.lock("WRITELOCK")
        deadline = time.monotonic() + timeout
        delay = 0.005
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexBusy(f"search index {self.path} is locked by another writer")
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        return lock

    def _segment_writer(self, **kwargs):
        w = writing.SegmentWriter(self.ix, _lk=False, compound=False, **kwargs)
        for name in ("text", "title"):
            w.schema[name].cg = self.cg
        return w

    def write(
        self,
        upserts: Iterable[Doc] = (),
        *,
        delete_post_ids: Iterable[int] = (),
        delete_thread_ids: Iterable[int] = (),
        progress: OutboxProgress | None = None,
        timeout: float = WRITE_TIMEOUT,
    ) -> int:
        """Apply deletes then upserts in one commit; raise IndexBusy after `timeout` seconds.

        Returns the new generation. Either every change is committed or none is (and the
        caller keeps its outbox rows to retry). `progress` is saved only after the commit.
        """
        changes = Changes(list(upserts), set(delete_post_ids), set(delete_thread_ids), progress)
        return self.write_locked(lambda _saved: changes, timeout=timeout)

    def write_locked(
        self, build: Callable[[OutboxProgress], Changes | None], *, timeout: float = WRITE_TIMEOUT
    ) -> int:
        """Under the index lock: call build(saved progress) for the changes, commit them and
        save their progress. Reading the database inside build, while the lock is held, means
        no writer holding an older reading can commit after a newer one."""
        with self._write_lock:
            lock = self._lock(timeout)
            try:
                changes = build(self.load_progress())
                if changes is None:
                    return self.generation
                w = self._segment_writer()
                try:
                    for pid in changes.delete_post_ids:
                        w.delete_by_term("post_id", str(pid))
                    for tid in changes.delete_thread_ids:
                        w.delete_by_term("thread_id", str(tid))
                    for doc in changes.upserts:
                        w.update_document(**sc.doc_fields(doc, self.store_text))
                    w.commit()
                except BaseException:
                    _cancel(w)  # a failed commit too: its segment files must not stay open
                    raise
                if changes.progress is not None:
                    self._save_progress(changes.progress)
            finally:
                lock.release()
        return self.generation

    def rebuild(
        self,
        docs: Iterable[Doc],
        *,
        procs: int = 2,
        progress: OutboxProgress | None = None,
        timeout: float = WRITE_TIMEOUT,
        limitmb: int = 512,
    ) -> int:
        """Replace the whole index with docs (bulk path: procs processes, one segment each).

        Feed docs oldest thread first: result order ties and "newest" scans follow it."""
        with self._write_lock:
            lock = self._lock(timeout)
            try:
                if procs > 1:
                    sc.set_fork_glossary(self.cg)  # forked children index with it
                    w = _postings.bulk_writer(self.ix, self.cg, procs, limitmb)
                else:
                    w = self._segment_writer(limitmb=limitmb)
                try:
                    _postings.feed(w, (sc.doc_fields(d, self.store_text) for d in docs), procs)
                    w.commit(mergetype=writing.CLEAR)
                except BaseException:
                    _cancel(w)
                    raise
                finally:
                    sc.set_fork_glossary(None)
                self._save_progress(progress or OutboxProgress())
                self._save_meta()
            finally:
                lock.release()
        return self.generation

    def clear(self) -> int:
        """Remove every document."""
        return self.rebuild([], procs=1)

    def optimize(self, timeout: float = WRITE_TIMEOUT) -> None:
        """Merge all segments into one, dropping deleted documents and their words."""
        with self._write_lock:
            lock = self._lock(timeout)
            try:
                self._segment_writer().commit(optimize=True)
            finally:
                lock.release()

    def load_progress(self) -> OutboxProgress:
        """The outbox progress saved with the last write (empty for a new index)."""
        try:
            return OutboxProgress.from_json((self.path / self.PROGRESS_FILE).read_text())
        except FileNotFoundError:
            return OutboxProgress()

    def _save_progress(self, progress: OutboxProgress) -> None:
        _atomic_write(self.path / self.PROGRESS_FILE, progress.to_json())

    def post_ids(self) -> set[int]:
        """Every live post id in the index (for drift checks against the database)."""
        out: set[int] = set()
        with self._reading() as (s, _gen):
            for sub, _offset in s.leaf_searchers():
                reader = sub.reader()
                pids = self._segment_columns(reader)[0]
                out.update(pids[d] for d in reader.all_doc_ids())
        return out

    def doc_count(self) -> int:
        """Number of live documents (posts)."""
        with self._reading() as (s, _gen):
            return s.doc_count()

    # -- reading

    @contextmanager
    def reading(self) -> Iterator[Reading]:
        """A Reading of the newest generation for one search in one thread (see _reading)."""
        with self._reading() as (s, gen):
            yield Reading(s, gen, self._segment_columns, self.weighting, postings=self._postings)

    def search(self, q: str, **kwargs) -> SearchPage:
        """Threads matching q, best first (or newest first), with snippets and a suggestion.
        Arguments: see searching.search."""
        with self.reading() as rd:
            return searching.search(self, rd, q, **kwargs)

    def similar(self, text: str, limit: int = 5, *, text_for=None) -> list[Hit]:
        """Threads whose title resembles text (e.g. a title being typed), solved first."""
        with self.reading() as rd:
            return searching.similar(self, rd, text, limit, text_for)

    def suggest(self, q: str) -> str | None:
        """A corrected query (English or Chinese typos, pinyin) that finds live posts, or None."""
        if not self.public:
            return None
        with self.reading() as rd:
            return searching.suggest(self, rd, q)


def _atomic_write(path: Path, text: str) -> None:
    """Write a small file so that readers see the old or the new content, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(text)
    os.replace(tmp, path)


_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()


def get_index(path: str | os.PathLike, **kwargs) -> SearchIndex:
    """The process-wide SearchIndex for path (opened once, shared by threads)."""
    key = os.path.abspath(path)
    with _indexes_lock:
        ix = _indexes.get(key)
        if ix is None:
            ix = _indexes[key] = SearchIndex(key, **kwargs)
        return ix


def close_all() -> None:
    """Close and forget every index opened through get_index (app teardown, tests)."""
    with _indexes_lock:
        for ix in _indexes.values():
            ix.close()
        _indexes.clear()


def forget(path: str | os.PathLike) -> None:
    """Close the index at path and drop it from the registry (a replaced glossary build)."""
    with _indexes_lock:
        ix = _indexes.pop(os.path.abspath(path), None)
    if ix is not None:
        ix.close()


def _cancel(writer) -> None:
    """Close a writer whose changes are given up; one whose commit failed part way may be
    closed already (Whoosh then refuses to cancel it)."""
    with suppress(Exception):
        writer.cancel()
