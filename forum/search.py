"""Full-text search over posts: the Whoosh index, its schema, writing and querying.

The only module (with forum/search_*.py) that imports whoosh. One Whoosh document per post;
results are collapsed to one hit per thread. The database is the truth: the index is derived,
rebuilt with `SearchIndex.rebuild`, kept current with `SearchIndex.write` from the outbox.
"""

from __future__ import annotations

import heapq
import json
import os
import sys
import threading
import time
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from forum import search_query as sq
from forum.search_analysis import (
    DEFAULT_MODE,
    GLOSSARY_PATH,
    CompiledGlossary,
    Glossary,
    english_words,
    index_terms,
    stem,
    term_positions,
)

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escape sequences: silence them for whoosh modules only.
    for _cat in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=_cat, module=r".*\bwhoosh\b")
    from whoosh import columns, fields, formats, index, scoring, writing
    from whoosh.analysis import Token, Tokenizer
    from whoosh.filedb.filestore import FileStorage
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS
    from whoosh.codec.whoosh3 import W3PerDocReader
    from whoosh.matching import mcore
    from whoosh.matching.binary import UnionMatcher
    from whoosh.multiproc import MpWriter
    from whoosh.util.numeric import _length_byte_cache as _BYTE_TO_LENGTH

_POSITIONS = formats.Positions()


def _fast_doc_field_length(self, docnum, fieldname, default=0):
    """W3PerDocReader.doc_field_length reading the segment's length bytes once per field.

    Whoosh calls it for every posting while writing a segment (block statistics): reading the
    column one struct at a time was a quarter of the indexing time. Same values as 2.7.4."""
    cache = self.__dict__.setdefault("_forum_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        cr = self._cached_reader(f"_{fieldname}_len", W3_LENGTHS)
        lengths = cache[fieldname] = (
            b"" if cr is None else cr._dbfile.get(cr._basepos, cr._count * cr._fixedlen))
    lb = lengths[docnum] if docnum < len(lengths) else 0
    return _BYTE_TO_LENGTH[lb] if lb else default


def _union_skip_to_quality(self, minquality):
    """UnionMatcher.skip_to_quality that stops when a child cannot skip.

    2.7.4 loops forever when float rounding makes aq + bq <= minquality while the child's own
    test (aq <= minquality - bq) fails, e.g. many posts with identical scores."""
    self._id = None
    a, b = self.a, self.b
    if not (a.is_active() or b.is_active()):
        raise mcore.ReadTooFar
    if not a.is_active():
        return b.skip_to_quality(minquality)
    if not b.is_active():
        return a.skip_to_quality(minquality)
    skipped = 0
    aq, bq = a.block_quality(), b.block_quality()
    while a.is_active() and b.is_active() and aq + bq <= minquality:
        if aq < bq:
            sk = a.skip_to_quality(minquality - bq)
            aq = a.block_quality()
        else:
            sk = b.skip_to_quality(minquality - aq)
            bq = b.block_quality()
        if not sk:
            break
        skipped += sk
    return skipped


# Whoosh 2.7.4 is pinned: these two patches are checked by tests/test_search_engine.py.
W3PerDocReader.doc_field_length = _fast_doc_field_length
UnionMatcher.skip_to_quality = _union_skip_to_quality

RESULT_CAP = 1000          # threads: deeper pages are not served, totals say "1000+"
CACHE_SIZE = 256           # query results kept per index, keyed by index generation
WRITE_TIMEOUT = 10.0       # seconds a writer waits for the index lock before IndexBusy
BOOST_SOLVED = 1.25        # every post of a solved thread
BOOST_ACCEPTED = 1.6       # the accepted answer (instead of BOOST_SOLVED)
TIER_MIN_MATCHES = 6000   # estimated posts above which the title tier is tried first
GAP_WINDOW = 300.0         # seconds an outbox id below the high-water mark is re-checked
_EPOCH = date(2000, 1, 1)
KIND_QUESTION, KIND_ANSWER, KIND_ACCEPTED = 0, 1, 2
_KIND_NAMES = {KIND_QUESTION: "question", KIND_ANSWER: "answer", KIND_ACCEPTED: "accepted"}


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
    relaxed: bool = False      # hits after the threads having every word have only some of them
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        """Number of pages that can be served."""
        return max(1, -(-min(self.total, RESULT_CAP) // self.per_page))


# Schema --------------------------------------------------------------------------------------

class FoldingTokenizer(Tokenizer):
    """Whoosh face of forum.search_analysis: folded, CJK bigrams, stemmed English."""

    def __init__(self, mode: str = DEFAULT_MODE):
        self.mode = mode

    def __eq__(self, other):
        return isinstance(other, FoldingTokenizer) and other.mode == self.mode

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        items = sorted((p, term) for term, ps in term_positions(value, self.mode).items()
                       for p in ps)
        for pos, term in items:
            t.text, t.boost, t.stopped = term, 1.0, False
            if positions:
                t.pos = start_pos + pos
            yield t


# Compiled glossary used by fields while indexing in MpWriter's forked children, which read
# the schema back from disk (the glossary is not pickled into the schema).
_FORK_CG: CompiledGlossary | None = None


class TextField(fields.TEXT):
    """TEXT whose index() calls the fast analysis directly and adds glossary tokens.

    Value: (title, body) for the "text" field (title words weigh double), a string otherwise."""

    def __init__(self, mode: str = DEFAULT_MODE):
        super().__init__(analyzer=FoldingTokenizer(mode), phrase=True)
        self.mode = mode
        self.cg: CompiledGlossary | None = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["cg"] = None
        return state

    def index(self, value, **kwargs):
        cg = self.__dict__.get("cg") or _FORK_CG
        if isinstance(value, tuple):
            terms = index_terms(value[0], value[1], cg, self.mode)
        else:
            terms = index_terms("", value, cg, self.mode)
        for term, (poss, weight) in terms.items():
            yield term.encode("utf-8"), len(poss), weight, _encode_positions(poss)


_ONE_POS: dict[int, bytes] = {}


def _encode_positions(poss: list[int]) -> bytes:
    """Whoosh's Positions encoding (pack_uint(n) + pickled deltas), single positions cached."""
    if len(poss) == 1:
        got = _ONE_POS.get(poss[0])
        if got is None:
            got = _POSITIONS.encode(poss)
            if len(_ONE_POS) < 100_000:
                _ONE_POS[poss[0]] = got
        return got
    return _POSITIONS.encode(poss)


class SpellWords(fields.FieldType):
    """Unstemmed English words of questions (no frequencies): the did-you-mean vocabulary."""

    def __init__(self):
        self.format = formats.Existence()
        self.analyzer = FoldingTokenizer()
        self.scorable = False
        self.stored = False
        self.unique = False
        self.vector = None

    def index(self, value, **kwargs):
        for w in set(english_words(value)):
            yield w.encode("utf-8"), 1, 1.0, b""


def make_schema(mode: str = DEFAULT_MODE, store_text: bool = False) -> fields.Schema:
    """Small index: ids for deletes, three numeric columns, text/title postings, spell words."""
    schema = fields.Schema(
        post_id=fields.ID(unique=True),
        thread_id=fields.ID,
        pid=fields.COLUMN(columns.NumericColumn("q")),
        tid=fields.COLUMN(columns.NumericColumn("q")),
        info=fields.COLUMN(columns.NumericColumn("q")),
        text=TextField(mode),
        title=TextField(mode),
        spell=SpellWords(),
    )
    if store_text:
        schema.add("stored_text", fields.STORED)
    return schema


def _day(d: date | datetime) -> int:
    if isinstance(d, datetime):
        d = d.date()
    return (d - _EPOCH).days


def _info(doc: Doc) -> int:
    kind = KIND_QUESTION if doc.is_question else (KIND_ACCEPTED if doc.is_accepted else KIND_ANSWER)
    return (_day(doc.thread_created_at) << 16) | (doc.category_id << 3) | (kind << 1) | int(
        doc.thread_solved)


def _fields(doc: Doc, store_text: bool) -> dict:
    title = doc.title if doc.is_question else ""
    f = {
        "post_id": str(doc.post_id), "thread_id": str(doc.thread_id),
        "pid": doc.post_id, "tid": doc.thread_id, "info": _info(doc),
        "text": (title, doc.body),
    }
    if doc.is_question:
        f["spell"] = f"{title} {doc.body}"
        if title:
            f["title"] = title
    if doc.is_accepted:
        f["_boost"] = BOOST_ACCEPTED
    elif doc.thread_solved:
        f["_boost"] = BOOST_SOLVED
    if store_text:
        f["stored_text"] = (title, doc.body)
    return f


# Outbox bookkeeping ---------------------------------------------------------------------------

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
        return json.dumps({"last_id": self.last_id, "gaps": {str(k): v for k, v in self.gaps.items()}})

    @classmethod
    def from_json(cls, text: str) -> OutboxProgress:
        """Parse the stored form."""
        data = json.loads(text)
        return cls(int(data["last_id"]), {int(k): float(v) for k, v in data["gaps"].items()})


# The index ------------------------------------------------------------------------------------

class _Lru:
    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


TextFor = Callable[[list[int]], dict[int, tuple[str, str]]]


class SearchIndex:
    """One on-disk index (public, or the staff-only one): write, rebuild, search, suggest."""

    PROGRESS_FILE = "outbox_progress.json"
    META_FILE = "search_meta.json"

    def __init__(self, path: str | os.PathLike, *, mode: str = DEFAULT_MODE,
                 store_text: bool = False, public: bool = True,
                 glossary_extra: str | os.PathLike | None = None, cache_size: int = CACHE_SIZE):
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
        self.weighting = _FastBM25F(self._lengths)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._columns: dict = {}
        self._cache = _Lru(cache_size) if cache_size else None
        self._searchers: list = []
        self._searchers_lock = threading.Lock()

    @classmethod
    def open(cls, path: str | os.PathLike, **kwargs) -> SearchIndex:
        """Open (or create) the index at path."""
        return cls(path, **kwargs)

    def close(self) -> None:
        """Close every searcher this object opened (in any thread)."""
        with self._searchers_lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
        self._local = threading.local()

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
        _atomic_write(self.path / self.META_FILE,
                      json.dumps({"glossary": self.glossary.fingerprint(), "mode": self.mode}))

    # -- generations and searchers

    @property
    def generation(self) -> int:
        """The index's commit generation: changes on every write and rebuild."""
        return self.ix.latest_generation()

    def _searcher(self):
        gen = self.generation
        cur = getattr(self._local, "searcher", None)
        if cur is None or self._local.gen != gen:
            # A fresh searcher per generation, not Searcher.refresh() (docs/search.md). The old
            # one belongs to this thread only, so it can be closed here.
            new = self.ix.searcher(weighting=self.weighting)
            with self._searchers_lock:
                if cur is not None:
                    cur.close()
                    self._searchers.remove(cur)
                self._searchers.append(new)
            self._local.searcher, self._local.gen, cur = new, gen, new
        return cur, gen

    def _lengths(self, reader, fieldname: str) -> array:
        if reader.segment() is None:  # an empty index
            return array("B")
        key = (reader.segment().segment_id(), fieldname)
        got = self._columns.get(key)
        if got is None:
            got = self._columns[key] = _load_column(reader, f"_{fieldname}_len", "B")
        return got

    def _segment_columns(self, reader) -> tuple[array, array, array]:
        if reader.segment() is None:  # an empty index
            return array("q"), array("q"), array("q")
        key = reader.segment().segment_id()
        got = self._columns.get(key)
        if got is None:
            if len(self._columns) > 1024:
                self._columns.clear()
            got = tuple(_load_column(reader, name) for name in ("pid", "tid", "info"))
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

    def write(self, upserts: Iterable[Doc] = (), *, delete_post_ids: Iterable[int] = (),
              delete_thread_ids: Iterable[int] = (), progress: OutboxProgress | None = None,
              timeout: float = WRITE_TIMEOUT) -> int:
        """Apply deletes then upserts in one commit; raise IndexBusy after `timeout` seconds.

        Returns the new generation. Either every change is committed or none is (and the
        caller keeps its outbox rows to retry). `progress` is saved only after the commit.
        """
        with self._write_lock:
            lock = self._lock(timeout)
            try:
                w = self._segment_writer()
                try:
                    for pid in delete_post_ids:
                        w.delete_by_term("post_id", str(pid))
                    for tid in delete_thread_ids:
                        w.delete_by_term("thread_id", str(tid))
                    for doc in upserts:
                        w.update_document(**_fields(doc, self.store_text))
                except BaseException:
                    w.cancel()
                    raise
                w.commit()
                if progress is not None:
                    self._save_progress(progress)
            finally:
                lock.release()
        return self.generation

    def rebuild(self, docs: Iterable[Doc], *, procs: int = 2, progress: OutboxProgress | None = None,
                timeout: float = WRITE_TIMEOUT, limitmb: int = 512) -> int:
        """Replace the whole index with docs (bulk path: procs processes, one segment each).

        Feed docs oldest thread first: result order ties and "newest" scans follow it."""
        global _FORK_CG
        with self._write_lock:
            lock = self._lock(timeout)
            try:
                sub = {"compound": False, "limitmb": limitmb}
                if procs > 1:
                    _FORK_CG = self.cg  # forked children index with this glossary
                    w = MpWriter(self.ix, procs=procs, multisegment=True, batchsize=512,
                                 subargs=sub, _lk=False, **sub)
                    for name in ("text", "title"):
                        w.schema[name].cg = self.cg
                else:
                    w = self._segment_writer(limitmb=limitmb)
                try:
                    for doc in docs:
                        w.add_document(**_fields(doc, self.store_text))
                    w.commit(mergetype=writing.CLEAR)
                except BaseException:
                    w.cancel()
                    raise
                finally:
                    _FORK_CG = None
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
        s, _gen = self._searcher()
        out: set[int] = set()
        for sub, _offset in s.leaf_searchers():
            reader = sub.reader()
            pids = self._segment_columns(reader)[0]
            out.update(pids[d] for d in reader.all_doc_ids())
        return out

    def doc_count(self) -> int:
        """Number of live documents (posts)."""
        return self._searcher()[0].doc_count()

    # -- searching

    def search(self, q: str, *, page: int = 1, per_page: int = 20,
               category_ids: Iterable[int] | None = None, solved: bool | None = None,
               date_from: date | None = None, date_to: date | None = None,
               sort: str = "relevance", text_for: TextFor | None = None,
               highlight: bool = True) -> SearchPage:
        """Threads matching q, best first (or newest first), with snippets and a suggestion.

        text_for(post_ids) -> {post_id: (title, body)} supplies the text to highlight (phase 2:
        from the database); without it an index built with store_text uses its stored copy."""
        page, per_page = max(1, page), max(1, min(per_page, 100))
        cats = frozenset(category_ids) if category_ids else None
        s, gen = self._searcher()
        key = (q, page, per_page, cats, solved, date_from, date_to, sort, highlight, gen)
        cacheable = self._cache is not None and text_for is None
        if cacheable and (cached := self._cache.get(key)) is not None:
            return cached
        result = self._search(s, q, page, per_page, _accept(cats, solved, date_from, date_to),
                              sort, text_for, highlight)
        if cacheable:
            self._cache.put(key, result)
        return result

    def _search(self, s, q, page, per_page, accept, sort, text_for, highlight) -> SearchPage:
        built = sq.build(q, self.glossary, self.cg)
        want = page * per_page
        if built.strict is None or want > RESULT_CAP:
            return SearchPage([], 0, page, per_page)
        top = total = None
        if sort == "relevance" and built.strict.estimate_size(s.reader()) > TIER_MIN_MATCHES:
            # Common words: rank the threads whose title matches (a title field of questions
            # only, five times smaller) when they fill the page, instead of scoring every post.
            titled = sq.build(q, self.glossary, self.cg, "title")
            top, title_total = self._collect(s, titled.strict, want, accept, sort)
            if len(top) < want:
                top = None
            elif title_total >= RESULT_CAP:
                total = RESULT_CAP
        if top is None:
            top, total = self._collect(s, built.strict, want, accept, sort)
        elif total is None:
            total = self._count(s, built.strict, accept)
        relaxed = False
        if len(top) < want and built.relaxed is not None:
            # few threads have every word: follow them with threads that have some of them
            more, total = self._collect(s, built.relaxed, want, accept, sort)
            have = {h.thread_id for h in top}
            extra = [h for h in more if h.thread_id not in have]
            relaxed = bool(extra)
            top = (top + extra)[:want]
        suggestion = self.suggest(q, _searcher=s) if self.public and total < 3 else None
        hits = top[(page - 1) * per_page : want]
        if highlight:
            self._highlight(s, hits, built.highlight_terms, text_for)
        return SearchPage(hits, min(total, RESULT_CAP), page, per_page, total >= RESULT_CAP,
                          relaxed, suggestion)

    def _collect(self, s, q, k: int, accept, sort: str) -> tuple[list[Hit], int]:
        """Top k threads (best post each) by score or by date, and the capped thread count."""
        q = q.normalize()
        ctx = s.context(weighting=self.weighting)
        if sort == "newest":
            return self._collect_newest(s, q, k, accept, ctx)
        top = _TopThreads(k)
        exhaustive = True
        for sub, offset in s.leaf_searchers():
            _pids, tids, infos = self._segment_columns(sub.reader())
            exhaustive &= _scan_scored(q.matcher(sub, ctx), offset, tids, infos, accept, top)
        hits = [Hit(tid, 0, score) for score, tid, _g in top.ranked()]
        self._fill_hits(s, hits, top.best)
        total = len(top.seen) if exhaustive else self._count(s, q, accept)
        return hits, total

    def _collect_newest(self, s, q, k, accept, ctx):
        best: dict[int, tuple[int, int, int]] = {}  # tid -> (day, kind preference, global doc)
        for sub, offset in s.leaf_searchers():
            _pids, tids, infos = self._segment_columns(sub.reader())
            for d in q.matcher(sub, ctx).all_ids():
                info = infos[d]
                if not accept(info):
                    continue
                tid = tids[d]
                pref = (3, 1, 2)[(info >> 1) & 3]  # accepted > question > answer
                cur = best.get(tid)
                if cur is None or pref > cur[1]:
                    best[tid] = (info >> 16, pref, offset + d)
        ranked = heapq.nlargest(k, best.items(), key=lambda kv: (kv[1][0], kv[1][2]))
        hits = [Hit(tid, 0, 0.0) for tid, _ in ranked]
        self._fill_hits(s, hits, {tid: (0.0, v[2]) for tid, v in ranked})
        return hits, len(best)

    def _fill_hits(self, s, hits: list[Hit], best: dict[int, tuple[float, int]]) -> None:
        subs = s.leaf_searchers()
        for hit in hits:
            gdoc = best[hit.thread_id][1]
            for sub, offset in reversed(subs):
                if gdoc >= offset:
                    pids, _tids, infos = self._segment_columns(sub.reader())
                    info = infos[gdoc - offset]
                    hit.post_id = pids[gdoc - offset]
                    hit.matched_in = _KIND_NAMES[(info >> 1) & 3]
                    hit.solved = bool(info & 1)
                    break

    def _count(self, s, q, accept) -> int:
        """Distinct threads matching q, counted up to RESULT_CAP (ids only, no scoring)."""
        q = q.normalize()
        ctx = s.context(weighting=self.weighting)
        seen: set[int] = set()
        for sub, _offset in s.leaf_searchers():
            _pids, tids, infos = self._segment_columns(sub.reader())
            for d in q.matcher(sub, ctx).all_ids():
                if accept(infos[d]):
                    seen.add(tids[d])
                    if len(seen) >= RESULT_CAP:
                        return RESULT_CAP
        return len(seen)

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
        s, _gen = self._searcher()
        hl: set[str] = set()
        parts = [p for c in sq.concepts([sq.Unit(text)], self.glossary, self.mode)
                 if (p := sq.concept_query(c, self.cg, "title", hl)) is not None]
        if not parts:
            return []
        q = sq.Or(parts, scale=0.9) if len(parts) > 1 else parts[0]
        hits, _total = self._collect(s, q, max(limit * 3, 10), _accept_all, "relevance")
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
        s = _searcher or self._searcher()[0]
        reader = s.reader()
        corrected, changed = [], False
        for token in q.split():
            word = token.lower()
            if (word.isascii() and word.isalpha() and len(word) >= 4 and word not in sq.STOP_EN
                    and not reader.doc_frequency("text", stem(word))):
                fix = _closest_word(reader, word)
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
        if built.strict is None or not self._count(s, built.strict, _accept_all):
            return None
        return text


def _closest_word(reader, word: str) -> str | None:
    """The most frequent spelling-vocabulary word within 1 (short words) or 2 edits."""
    for dist in range(1, (1 if len(word) <= 5 else 2) + 1):
        cands = list(reader.terms_within("spell", word, dist, prefix=1))
        if cands:
            return max(cands, key=lambda w: (reader.doc_frequency("spell", w), w))
    return None


def _atomic_write(path: Path, text: str) -> None:
    """Write a small file so that readers see the old or the new content, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(text)
    os.replace(tmp, path)


class _FastBM25F(scoring.BM25F):
    """BM25F reading field lengths from per-segment byte arrays loaded once (not per doc)."""

    def __init__(self, lengths_for, **kwargs):
        super().__init__(**kwargs)
        self._lengths_for = lengths_for

    def scorer(self, searcher, fieldname, text, qf=1):
        """A fast scorer for scorable fields; Whoosh's own otherwise."""
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        B = self._field_B.get(fieldname, self.B)
        lengths = self._lengths_for(searcher.reader(), fieldname)
        return _FastScorer(searcher, fieldname, text, B, self.K1, qf, lengths)


class _FastScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf, lengths):
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        self.lengths = lengths
        self.c1 = self.idf * (K1 + 1)
        self.ka = K1 * (1 - B)
        self.kb = K1 * B / self.avgfl

    def score(self, matcher):
        w = matcher.weight()
        return self.c1 * w / (w + self.ka + self.kb * _BYTE_TO_LENGTH[self.lengths[matcher.id()]])


class _TopThreads:
    """Top k threads by their best post's score, updated as posts stream by (collapse)."""

    def __init__(self, k: int):
        self.k = k
        self.best: dict[int, tuple[float, int]] = {}  # tid -> (score, global docnum)
        self.heap: list[tuple[float, int]] = []       # (score, tid), stale entries skipped
        self.members: set[int] = set()
        self.seen: set[int] = set()                   # every thread offered
        self.minscore = 0.0

    def offer(self, tid: int, score: float, gdoc: int) -> bool:
        """Record a post; return True if the threshold (minscore) rose."""
        cur = self.best.get(tid)
        if cur is not None and cur[0] >= score:
            return False
        self.best[tid] = (score, gdoc)
        heap, members = self.heap, self.members
        if tid not in members:
            if len(members) >= self.k:
                if score <= self.minscore:
                    return False
                self._pop_min()
            members.add(tid)
        heapq.heappush(heap, (score, tid))
        if len(members) >= self.k:
            self._clean()
            old, self.minscore = self.minscore, heap[0][0]
            return self.minscore > old
        return False

    def _clean(self):
        heap, best, members = self.heap, self.best, self.members
        while heap and (heap[0][1] not in members or best[heap[0][1]][0] != heap[0][0]):
            heapq.heappop(heap)

    def _pop_min(self):
        self._clean()
        _score, tid = heapq.heappop(self.heap)
        self.members.discard(tid)

    def ranked(self) -> list[tuple[float, int, int]]:
        """(score, tid, global docnum) of the members, best first (ties: lower docnum)."""
        rows = [(self.best[t][0], t, self.best[t][1]) for t in self.members]
        rows.sort(key=lambda r: (-r[0], r[2]))
        return rows


def _scan_scored(m, offset, tids, infos, accept, top: _TopThreads) -> bool:
    """Feed a segment's matches to top, skipping blocks that cannot beat the threshold.

    Returns True when every match was seen (nothing skipped or pruned): top.seen is then the
    exact set of matching threads."""
    exhaustive = True
    if not m.is_active():
        return True
    seen = top.seen
    usequality = m.supports_block_quality()
    check = True
    while m.is_active():
        if usequality and check and len(top.members) >= top.k:
            if m.skip_to_quality(top.minscore):
                exhaustive = False
            if not m.is_active():
                break
        d = m.id()
        info = infos[d]
        if accept(info):
            tid = tids[d]
            seen.add(tid)
            if top.offer(tid, m.score(), offset + d):
                new = m.replace(top.minscore)
                if new is not m:
                    exhaustive = False
                    m = new
                    usequality = m.supports_block_quality()
                    if not m.is_active():
                        break
        check = m.next()
    return exhaustive


def _accept(cats, solved, date_from, date_to) -> Callable[[int], bool]:
    """A predicate on the packed info column for the filters (all None: accept all)."""
    lo = _day(date_from) if date_from else None
    hi = _day(date_to) if date_to else None
    if cats is None and solved is None and lo is None and hi is None:
        return _accept_all
    want_solved = None if solved is None else int(bool(solved))

    def accept(info: int) -> bool:
        if want_solved is not None and (info & 1) != want_solved:
            return False
        if cats is not None and ((info >> 3) & 0x1FFF) not in cats:
            return False
        day = info >> 16
        return not ((lo is not None and day < lo) or (hi is not None and day > hi))

    return accept


def _accept_all(info: int) -> bool:
    return True


def _load_column(reader, name: str, typecode: str = "q") -> array:
    """A segment's numeric column as an array, read in one go (lengths: typecode "B")."""
    n = reader.doc_count_all()
    if typecode == "B":  # per-field length bytes: internal column, read through the codec
        cr = reader._perdoc._cached_reader(name, W3_LENGTHS)
    else:
        cr = reader.column_reader(name)
    try:
        raw = cr._dbfile.get(cr._basepos, cr._count * cr._fixedlen)  # 2.7.4 internals, fast
        arr = array(typecode, raw)
        if sys.byteorder == "little" and typecode != "B":
            arr.byteswap()
    except AttributeError:
        arr = array(typecode, (cr[i] for i in range(n)))
    if len(arr) < n:
        arr.extend([0] * (n - len(arr)))
    return arr


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
