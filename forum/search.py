"""Full-text search over posts: the Whoosh index, its schema, writing and querying.

The only module (with forum/search_*.py) that imports whoosh. One Whoosh document per post;
results are collapsed to one hit per thread. The database is the truth: the index is derived,
rebuilt with `SearchIndex.rebuild`, kept current with `SearchIndex.write` from the outbox.
"""

from __future__ import annotations

import json
import os
import threading
import time
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from forum import search_query as sq
from forum import search_whoosh as sw
from forum.search_analysis import DEFAULT_MODE, GLOSSARY_PATH, CompiledGlossary, Glossary, stem
from forum.search_progress import OutboxProgress

# The schema is pickled into the index with the field classes' paths: keep these names
# importable here too, or indexes written while they lived in this module would not open.
from forum.search_whoosh import (  # noqa: F401
    FoldingTokenizer,
    SpellWords,
    TextField,
    TopThreads,
    load_column,
    make_schema,
    scan_scored,
)

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escape sequences: silence them for whoosh modules only.
    for _cat in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=_cat, module=r".*\bwhoosh\b")
    from whoosh import index, writing
    from whoosh.filedb.filestore import FileStorage
    from whoosh.multiproc import MpWriter

RESULT_CAP = 1000  # threads: deeper pages are not served, totals say "1000+"
COUNT_BUDGET = 1500  # matching posts a count may read before it estimates instead
EXHAUSTIVE_MAX = 5000  # estimated posts up to which every match is scored (exact counts)
CACHE_SIZE = 256  # query results kept per index, keyed by index generation
WRITE_TIMEOUT = 10.0  # seconds a writer waits for the index lock before IndexBusy
TIER_MIN_MATCHES = 2000  # estimated posts above which the title tier is tried first


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


@dataclass(slots=True)
class Hit:
    """One thread in the results: the best-matching post and its safe, highlighted snippet."""

    thread_id: int
    post_id: int
    score: float
    snippet_html: str = ""
    title_html: str = ""
    matched_in: str = "question"  # "question" | "answer" | "accepted" | "title"
    solved: bool = False


@dataclass(slots=True)
class SearchPage:
    """A page of thread hits; total counts threads up to RESULT_CAP (capped=True beyond it)."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    capped: bool = False
    total_exact: bool = True  # False: total is an estimate (counting would cost more than the page)
    has_more: bool = False  # another page exists
    relaxed: bool = False  # hits after the threads having every word have only some of them
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        """Number of pages that can be served."""
        return max(1, -(-min(self.total, RESULT_CAP) // self.per_page))


# The index ------------------------------------------------------------------------------------


class _Lru:
    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

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
        if index.exists_in(str(self.path)):
            self.ix = storage.open_index()
        else:
            self.ix = storage.create_index(make_schema(mode, store_text))
        schema = self.ix.schema
        self.mode = schema["text"].mode
        self.store_text = "stored_text" in schema
        self.glossary = Glossary.load(GLOSSARY_PATH, glossary_extra)
        self.cg = CompiledGlossary(self.glossary, self.mode)
        if not (self.path / self.META_FILE).exists():
            self._save_meta()
        self.weighting = sw.FastBM25F(self._lengths)
        self._write_lock = threading.Lock()
        self._columns: dict = {}
        self._cache = _Lru(cache_size) if cache_size else None
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

    @property
    def glossary_changed(self) -> bool:
        """True when the glossary differs from the one the index was built with (reindex)."""
        try:
            meta = json.loads((self.path / self.META_FILE).read_text())
        except FileNotFoundError:
            return True
        return meta.get("glossary") != self.glossary.fingerprint()

    def _save_meta(self) -> None:
        _atomic_write(
            self.path / self.META_FILE,
            json.dumps({"glossary": self.glossary.fingerprint(), "mode": self.mode}),
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
                        w.update_document(**sw.doc_fields(doc, self.store_text))
                except BaseException:
                    w.cancel()
                    raise
                w.commit()
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
                sub = {"compound": False, "limitmb": limitmb}
                if procs > 1:
                    sw.set_fork_glossary(self.cg)  # forked children index with it
                    w = MpWriter(
                        self.ix,
                        procs=procs,
                        multisegment=True,
                        batchsize=512,
                        subargs=sub,
                        _lk=False,
                        **sub,
                    )
                    for name in ("text", "title"):
                        w.schema[name].cg = self.cg
                else:
                    w = self._segment_writer(limitmb=limitmb)
                try:
                    for doc in docs:
                        w.add_document(**sw.doc_fields(doc, self.store_text))
                    w.commit(mergetype=writing.CLEAR)
                except BaseException:
                    w.cancel()
                    raise
                finally:
                    sw.set_fork_glossary(None)
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

    # -- searching

    def search(
        self,
        q: str,
        *,
        page: int = 1,
        per_page: int = 20,
        category_ids: Iterable[int] | None = None,
        solved: bool | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: str = "relevance",
        text_for: TextFor | None = None,
        highlight: bool = True,
    ) -> SearchPage:
        """Threads matching q, best first (or newest first), with snippets and a suggestion.

        text_for(post_ids) -> {post_id: (title, body)} supplies the text to highlight (phase 2:
        from the database); without it an index built with store_text uses its stored copy."""
        page, per_page = max(1, page), max(1, min(per_page, 100))
        cats = frozenset(category_ids) if category_ids else None
        with self._reading() as (s, gen):
            return self._search(s, gen, q, page, per_page, cats, solved, date_from, date_to, sort,
                                text_for, highlight)  # fmt: skip

    def _search(
        self, s, gen, q, page, per_page, cats, solved, date_from, date_to, sort, text_for, highlight
    ) -> SearchPage:
        # The ranking is cached per index generation; snippets are cut afresh from text_for
        # (the database's current text), so a cached ranking never shows stale text.
        key = (q, page, per_page, cats, solved, date_from, date_to, sort, gen)
        ranked = self._cache.get(key) if self._cache is not None else None
        if ranked is None:
            accept = sw.accept_filter(cats, solved, date_from, date_to)
            ranked = self._rank(s, q, page, per_page, accept, sort)
            if self._cache is not None:
                self._cache.put(key, ranked)
        found, terms = ranked
        result = replace(found, hits=[replace(hit) for hit in found.hits])
        if highlight:
            self._highlight(s, result.hits, terms, text_for)
        return result

    def _rank(self, s, q, page, per_page, accept, sort) -> tuple[SearchPage, frozenset[str]]:
        built = sq.build(q, self.glossary, self.cg, reader=s.reader())
        want = page * per_page
        if built.strict is None or want > RESULT_CAP:
            return SearchPage([], 0, page, per_page), frozenset()
        top = None
        k = want + 1  # one more than shown: tells whether a next page exists
        if sort == "relevance" and built.core.estimate_size(s.reader()) > TIER_MIN_MATCHES:
            # Common words: rank the threads whose title matches (a title field of questions
            # only, five times smaller) when they fill the page, instead of scoring every post.
            titled = sq.build(q, self.glossary, self.cg, "title", reader=s.reader())
            top, title_total, _exact = self._collect(s, titled.strict, k, accept, sort)
            if len(top) < k:
                top = None
            elif title_total >= RESULT_CAP:
                total, exact = RESULT_CAP, True
            else:
                total, exact = self._count(s, built.core, accept)
        if top is None:
            top, total, exact = self._collect(s, built.strict, k, accept, sort, built.core)
        relaxed = False
        if len(top) < k and built.relaxed is not None:
            # few threads have every word: follow them with threads that have some of them
            more, total, exact = self._collect(s, built.relaxed, k, accept, sort)
            have = {h.thread_id for h in top}
            extra = [h for h in more if h.thread_id not in have]
            relaxed = bool(extra)
            top = (top + extra)[:k]
        suggestion = self.suggest(q, _searcher=s) if self.public and total < 3 else None
        hits = top[(page - 1) * per_page : want]
        total = max(total, len(top))
        found = SearchPage(
            hits,
            min(total, RESULT_CAP),
            page,
            per_page,
            total >= RESULT_CAP,
            exact,
            len(top) > want and want < RESULT_CAP,
            relaxed,
            suggestion,
        )
        return found, built.highlight_terms

    def _collect(
        self, s, q, k: int, accept, sort: str, core=None, count: bool = True
    ) -> tuple[list[Hit], int, bool]:
        """Top k threads (best post each) by score or by date, and the capped thread count.

        core: a cheaper query matching the same posts, used to count when blocks were skipped."""
        ctx = s.context(weighting=self.weighting)
        if sort == "newest":
            return self._collect_newest(s, (core or q).normalize(), k, accept, ctx)
        q = q.normalize()
        top = TopThreads(k)
        exhaustive = True
        # small result sets: score every match (no block skipping) and count them on the way
        prune = (core or q).estimate_size(s.reader()) > EXHAUSTIVE_MAX
        for sub, offset in s.leaf_searchers():
            _pids, tids, infos = self._segment_columns(sub.reader())
            exhaustive &= scan_scored(q.matcher(sub, ctx), offset, tids, infos, accept, top, prune)
        hits = [Hit(tid, 0, score) for score, tid, _g in top.ranked()]
        self._fill_hits(s, hits, top.best)
        if exhaustive or not count:
            return hits, len(top.seen), exhaustive
        return (hits, *self._count(s, core or q, accept))

    def _collect_newest(self, s, q, k, accept, ctx):
        ranked, total = sw.newest_threads(s, q, k, accept, ctx, self._segment_columns)
        hits = [Hit(tid, 0, 0.0) for tid, _gdoc in ranked]
        self._fill_hits(s, hits, {tid: (0.0, gdoc) for tid, gdoc in ranked})
        return hits, total, True

    def _fill_hits(self, s, hits: list[Hit], best: dict[int, tuple[float, int]]) -> None:
        for hit in hits:
            pid, info = sw.doc_column_values(s, best[hit.thread_id][1], self._segment_columns)
            hit.post_id, hit.solved = pid, bool(info & 1)
            hit.matched_in = sw.KIND_NAMES[(info >> 1) & 3]

    def _count(self, s, q, accept, budget: int = COUNT_BUDGET) -> tuple[int, bool]:
        """(threads matching q up to RESULT_CAP, exact?): ids only, no scoring."""
        ctx = s.context(weighting=self.weighting)
        return sw.count_threads(
            s, q.normalize(), accept, ctx, self._segment_columns, budget, RESULT_CAP
        )

    def _highlight(self, s, hits: list[Hit], hl: frozenset[str], text_for: TextFor | None):
        if not hits:
            return
        if text_for is not None:
            texts = text_for([h.post_id for h in hits])
        elif self.store_text:
            texts = self._stored_texts(s, hits)
        else:
            return
        for hit in hits:
            title, body = texts.get(hit.post_id, ("", ""))
            hit.snippet_html, body_matched = sq.snippet(body, hl)
            if title:
                spans = sq.match_spans(title, hl)
                hit.title_html = sq.mark(title, spans)
                if spans and not body_matched and hit.matched_in == "question":
                    hit.matched_in = "title"

    def _stored_texts(self, s, hits: list[Hit]) -> dict[int, tuple[str, str]]:
        out = {}
        for hit in hits:
            docnum = s.document_number(post_id=str(hit.post_id))
            if docnum is not None:
                out[hit.post_id] = tuple(s.stored_fields(docnum).get("stored_text", ("", "")))
        return out

    def similar(self, text: str, limit: int = 5, *, text_for: TextFor | None = None) -> list[Hit]:
        """Threads whose title resembles text (e.g. a title being typed), solved first."""
        with self._reading() as (s, _gen):
            return self._similar(s, text, limit, text_for)

    def _similar(self, s, text: str, limit: int, text_for: TextFor | None) -> list[Hit]:
        hl: set[str] = set()
        parts = [
            p
            for c in sq.concepts([sq.Unit(text)], self.glossary, self.mode)
            if (p := sq.concept_query(c, self.cg, "title", hl)) is not None
        ]
        if not parts:
            return []
        q = sq.Or(parts, scale=0.9) if len(parts) > 1 else parts[0]
        hits, _total, _exact = self._collect(
            s, q, max(limit * 3, 10), sw.accept_all, "relevance", count=False
        )
        best = hits[0].score if hits else 0.0
        hits = [h for h in hits if h.score >= best * 0.35]
        hits.sort(key=lambda h: (not h.solved, -h.score))
        hits = hits[:limit]
        self._highlight(s, hits, frozenset(hl), text_for)
        return hits

    def suggest(self, q: str, *, _searcher=None) -> str | None:
        """A corrected query for English typos, only if it finds live public posts."""
        if not self.public:
            return None
        if _searcher is None:
            with self._reading() as (s, _gen):
                return self.suggest(q, _searcher=s)
        s = _searcher
        reader = s.reader()
        corrected, changed = [], False
        for token in q.split():
            word = token.lower()
            if (
                word.isascii()
                and word.isalpha()
                and len(word) >= 4
                and word not in sq.STOP_EN
                and not reader.doc_frequency("text", stem(word))
            ):
                fix = sw.closest_word(reader, word)
                if fix:
                    corrected.append(fix)
                    changed = True
                    continue
            corrected.append(token)
        if not changed:
            return None
        text = " ".join(corrected)
        built = sq.build(text, self.glossary, self.cg)
        # verify against live posts: a word left only by deleted posts finds nothing
        if built.strict is None or not self._count(s, built.core, sw.accept_all)[0]:
            return None
        return text


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
