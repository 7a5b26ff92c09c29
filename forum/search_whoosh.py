"""Whoosh internals for forum.search: field types, fast scoring, the collapsing collector,
and four narrow patches to the pinned Whoosh 2.7.4. Imports whoosh and forum.search_analysis.
"""

from __future__ import annotations

import heapq
import sys
import warnings
from array import array
from collections.abc import Callable
from datetime import date, datetime

from forum.search_analysis import (
    DEFAULT_MODE,
    CompiledGlossary,
    english_words,
    index_terms,
    term_positions,
)

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escape sequences: silence them for whoosh modules only.
    for _cat in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=_cat, module=r".*\bwhoosh\b")
    from whoosh import columns, fields, formats, scoring, writing
    from whoosh.analysis import Token, Tokenizer
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS
    from whoosh.codec.whoosh3 import W3PerDocReader
    from whoosh.matching import mcore
    from whoosh.matching.binary import AndMaybeMatcher, UnionMatcher
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
            b"" if cr is None else cr._dbfile.get(cr._basepos, cr._count * cr._fixedlen)
        )
    lb = lengths[docnum] if docnum < len(lengths) else 0
    return _BYTE_TO_LENGTH[lb] if lb else default


def _pair_skip(a, b, minquality) -> int:
    """Skip both children of an additive matcher to blocks that may reach minquality.

    Whoosh 2.7.4's loops (UnionMatcher, AndMaybeMatcher) spin forever when float rounding
    makes aq + bq <= minquality while the child's own test (aq <= minquality - bq) fails,
    e.g. many posts with identical scores: this one stops when a child cannot skip."""
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


def _union_skip_to_quality(self, minquality):
    self._id = None
    a, b = self.a, self.b
    if not (a.is_active() or b.is_active()):
        raise mcore.ReadTooFar
    if not a.is_active():
        return b.skip_to_quality(minquality)
    if not b.is_active():
        return a.skip_to_quality(minquality)
    return _pair_skip(a, b, minquality)


def _andmaybe_skip_to_quality(self, minquality):
    a, b = self.a, self.b
    if not a.is_active():
        raise mcore.ReadTooFar
    if not b.is_active():
        return a.skip_to_quality(minquality)
    skipped = _pair_skip(a, b, minquality)
    if a.is_active() and b.is_active() and b.id() < a.id():
        b.skip_to(a.id())  # keep the optional side aligned, as AndMaybeMatcher expects
    return skipped


def _lean_pool_add(self, item):
    """PostingPool.add without per-posting asserts and exact size arithmetic (we build the
    items ourselves: bytes text, bytes value)."""
    self.fieldnames.add(item[0])
    self.currentsize += 140 + len(item[1]) * 2 + len(item[4] or b"")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)


# Whoosh 2.7.4 is pinned; tests/test_search_engine.py exercises each patch.
W3PerDocReader.doc_field_length = _fast_doc_field_length
UnionMatcher.skip_to_quality = _union_skip_to_quality
AndMaybeMatcher.skip_to_quality = _andmaybe_skip_to_quality
writing.PostingPool.add = _lean_pool_add  # SegmentWriter ignores its poolclass argument

# Schema --------------------------------------------------------------------------------------


class FoldingTokenizer(Tokenizer):
    """Whoosh face of forum.search_analysis: folded, CJK bigrams, stemmed English."""

    def __init__(self, mode: str = DEFAULT_MODE):
        self.mode = mode

    def __eq__(self, other):
        return isinstance(other, FoldingTokenizer) and other.mode == self.mode

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        items = sorted(
            (p, term) for term, ps in term_positions(value, self.mode).items() for p in ps
        )
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
        """(term bytes, frequency, weight, encoded positions) for each term of the value."""
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
        """Each distinct English word once, without frequency or positions."""
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


class FastBM25F(scoring.BM25F):
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
        return FastScorer(searcher, fieldname, text, B, self.K1, qf, lengths)


class FastScorer(scoring.BM25FScorer):
    """BM25F for one term with constants folded and lengths from a preloaded array."""

    def __init__(self, searcher, fieldname, text, B, K1, qf, lengths):
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        self.lengths = lengths
        self.c1 = self.idf * (K1 + 1)
        self.ka = K1 * (1 - B)
        self.kb = K1 * B / self.avgfl

    def score(self, matcher):
        """BM25 of the current posting."""
        w = matcher.weight()
        return self.c1 * w / (w + self.ka + self.kb * _BYTE_TO_LENGTH[self.lengths[matcher.id()]])


class TopThreads:
    """Top k threads by their best post's score, updated as posts stream by (collapse)."""

    def __init__(self, k: int):
        self.k = k
        self.best: dict[int, tuple[float, int]] = {}  # tid -> (score, global docnum)
        self.heap: list[tuple[float, int]] = []  # (score, tid), stale entries skipped
        self.members: set[int] = set()
        self.seen: set[int] = set()  # every thread offered
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


def scan_scored(m, offset, tids, infos, accept, top: TopThreads, prune: bool = True) -> bool:
    """Feed a segment's matches to top, skipping blocks that cannot beat the threshold.

    Returns True when every match was seen (nothing skipped or pruned): top.seen is then the
    exact set of matching threads."""
    exhaustive = True
    if not m.is_active():
        return True
    seen = top.seen
    usequality = prune and m.supports_block_quality()
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
            if top.offer(tid, m.score(), offset + d) and prune:
                new = m.replace(top.minscore)
                if new is not m:
                    exhaustive = False
                    m = new
                    usequality = prune and m.supports_block_quality()
                    if not m.is_active():
                        break
        check = m.next()
    return exhaustive


def load_column(reader, name: str, typecode: str = "q") -> array:
    """A segment's numeric column as an array, read in one go (lengths: typecode "B")."""
    n = reader.doc_count_all()
    if typecode == "B":  # per-field length bytes: internal column, read through the codec
        cr = reader._perdoc._cached_reader(name, W3_LENGTHS)
    else:
        cr = reader.column_reader(name)
    if cr is None:  # a segment without this field (e.g. only answers, no titles): all zeros
        return array(typecode, bytes(n * array(typecode).itemsize))
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


def set_fork_glossary(cg: CompiledGlossary | None) -> None:
    """The glossary MpWriter's forked children index with (None when the bulk write ends)."""
    global _FORK_CG
    _FORK_CG = cg


# Documents and filters: the packed info column ----------------------------------------

BOOST_SOLVED = 1.25  # every post of a solved thread
BOOST_ACCEPTED = 1.6  # the accepted answer (instead of BOOST_SOLVED)
_EPOCH = date(2000, 1, 1)
KIND_QUESTION, KIND_ANSWER, KIND_ACCEPTED = 0, 1, 2
KIND_NAMES = {KIND_QUESTION: "question", KIND_ANSWER: "answer", KIND_ACCEPTED: "accepted"}


def day_number(d: date | datetime) -> int:
    """Days since 2000-01-01 (the date part of the info column)."""
    if isinstance(d, datetime):
        d = d.date()
    return (d - _EPOCH).days


def info_value(doc) -> int:
    """The packed info column: thread day << 16 | category << 3 | kind << 1 | solved."""
    kind = KIND_QUESTION if doc.is_question else (KIND_ACCEPTED if doc.is_accepted else KIND_ANSWER)
    return (
        (day_number(doc.thread_created_at) << 16)
        | (doc.category_id << 3)
        | (kind << 1)
        | int(doc.thread_solved)
    )


def doc_fields(doc, store_text: bool) -> dict:
    """The Whoosh fields of one post (a forum.search.Doc)."""
    title = doc.title if doc.is_question else ""
    f = {
        "post_id": str(doc.post_id),
        "thread_id": str(doc.thread_id),
        "pid": doc.post_id,
        "tid": doc.thread_id,
        "info": info_value(doc),
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


def accept_filter(cats, solved, date_from, date_to) -> Callable[[int], bool]:
    """A predicate on the packed info column for the filters (all None: accept all)."""
    lo = day_number(date_from) if date_from else None
    hi = day_number(date_to) if date_to else None
    if cats is None and solved is None and lo is None and hi is None:
        return accept_all
    want_solved = None if solved is None else int(bool(solved))

    def accept(info: int) -> bool:
        if want_solved is not None and (info & 1) != want_solved:
            return False
        if cats is not None and ((info >> 3) & 0x1FFF) not in cats:
            return False
        day = info >> 16
        return not ((lo is not None and day < lo) or (hi is not None and day > hi))

    return accept


def accept_all(info: int) -> bool:
    """No filter."""
    return True


def closest_word(reader, word: str) -> str | None:
    """The most frequent spelling-vocabulary word within 1 (short words) or 2 edits."""
    for dist in range(1, (1 if len(word) <= 5 else 2) + 1):
        cands = list(reader.terms_within("spell", word, dist, prefix=1))
        if cands:
            return max(cands, key=lambda w: (reader.doc_frequency("spell", w), w))
    return None


# Collection without scoring ------------------------------------------------------------------


def count_threads(s, q, accept, ctx, columns_for, budget: int, cap: int) -> tuple[int, bool]:
    """(distinct threads matching q up to cap, exact?), reading ids only.

    After `budget` matching posts it stops and extrapolates from Whoosh's size estimate."""
    seen: set[int] = set()
    scanned = 0
    for sub, _offset in s.leaf_searchers():
        _pids, tids, infos = columns_for(sub.reader())
        for d in q.matcher(sub, ctx).all_ids():
            scanned += 1
            if accept(infos[d]):
                seen.add(tids[d])
                if len(seen) >= cap:
                    return cap, True
            if scanned >= budget:
                guess = len(seen) * q.estimate_size(s.reader()) // scanned
                return min(cap, max(len(seen), guess)), False
    return len(seen), True


def newest_threads(s, q, k, accept, ctx, columns_for) -> tuple[list[tuple[int, int]], int]:
    """The k newest matching threads as (thread id, global docnum of the post to show), and
    how many threads match. Shown post: accepted answer > question > other answer."""
    best: dict[int, tuple[int, int, int]] = {}  # tid -> (day, kind preference, global doc)
    for sub, offset in s.leaf_searchers():
        _pids, tids, infos = columns_for(sub.reader())
        for d in q.matcher(sub, ctx).all_ids():
            info = infos[d]
            if not accept(info):
                continue
            tid = tids[d]
            pref = (3, 1, 2)[(info >> 1) & 3]
            cur = best.get(tid)
            if cur is None or pref > cur[1]:
                best[tid] = (info >> 16, pref, offset + d)
    ranked = heapq.nlargest(k, best.items(), key=lambda kv: (kv[1][0], kv[1][2]))
    return [(tid, v[2]) for tid, v in ranked], len(best)


def doc_column_values(s, gdoc: int, columns_for) -> tuple[int, int]:
    """(post id, info) of a global document number."""
    for sub, offset in reversed(s.leaf_searchers()):
        if gdoc >= offset:
            pids, _tids, infos = columns_for(sub.reader())
            return pids[gdoc - offset], infos[gdoc - offset]
    raise IndexError(gdoc)
