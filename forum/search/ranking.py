"""Ranking: the collapsing top-k collector (one hit per thread, block-max pruning), counting,
newest-first scans, and the result types. Works on Whoosh searchers and matchers."""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._whoosh import W3_LENGTHS
from .bulk import PostingsCache, SegmentEval, segment_scores

RESULT_CAP = 1000  # threads: deeper pages are not served, totals say "1000+"
TIER_MIN_MATCHES = 2000  # estimated posts above which the title tier is tried first
EXHAUSTIVE_MAX = 400  # estimated posts up to which every match is scored (exact counts)
KIND_NAMES = {0: "question", 1: "answer", 2: "accepted"}


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
    category_id: int = 0


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
    relaxed: bool = False  # some hits have only some of the query's concepts
    suggestion: str | None = None
    showing_suggestion: bool = False  # nothing matched the query: these hits are the suggestion's

    @property
    def pages(self) -> int:
        """Number of pages that can be served."""
        return max(1, -(-min(self.total, RESULT_CAP) // self.per_page))


@dataclass
class Reading:
    """One open searcher of one index generation, with its per-segment columns and scoring."""

    s: Any
    gen: int
    columns: Callable  # reader -> (post ids, thread ids, infos)
    weighting: Any
    evals: dict = field(default_factory=dict)  # leaf searcher -> SegmentEval, for one search
    postings: PostingsCache | None = None  # decoded posting lists shared by the index's searches

    def segment(self, sub, ctx) -> SegmentEval:
        """The bulk evaluator of a segment: posting lists read once per search, shared by
        the ranking, the count and the suggestion's check."""
        got = self.evals.get(id(sub))
        if got is None or got.sub is not sub:
            got = self.evals[id(sub)] = SegmentEval(sub, ctx, self.postings)
        return got


def rank(
    rd: Reading, built, page: int, per_page: int, accept, sort: str, titled=None
) -> SearchPage:
    """One page of threads for a built query (forum.search.query.Built), best or newest first.

    One scored query: threads having more of the query's concepts score higher, at any index
    size. The total counts the threads above the floor when every match was scored, else the
    threads having every concept (cheaper), and never less than the threads found."""
    want = page * per_page
    if built.scored is None or want > RESULT_CAP:
        return SearchPage([], 0, page, per_page)
    top, total, exact = _top(rd, built, want + 1, accept, sort, titled)
    if sort == "newest":
        full_total = total
    else:
        # "relaxed" needs to know only whether min(total, want) threads have every concept
        need = min(total, want) if exact else RESULT_CAP
        full_total, core_exact = count(rd, built.core, accept, need)
        if not exact:  # only the title tier was scored: the threads having every concept
            total, exact = full_total, core_exact
    total = max(total, len(top))
    return SearchPage(
        top[(page - 1) * per_page : want],
        min(total, RESULT_CAP),
        page,
        per_page,
        total >= RESULT_CAP,
        exact,
        len(top) > want and want < RESULT_CAP,
        full_total < min(total, want),
    )


def _top(rd: Reading, built, k: int, accept, sort: str, titled) -> tuple[list[Hit], int, bool]:
    """The top k threads (k = one more than shown: tells whether a next page exists)."""
    top: list[Hit] = []
    if titled is not None and titled.scored is not None:
        # Title tier: when many posts match, the threads whose title matches (the title field
        # has one document per thread) are ranked first; if they fill the page they are it.
        top, total, _exact = collect(rd, titled.scored, k, accept, sort, titled.floor, None, False)
        if len(top) >= k:
            return top, total, False
    # newest first lists the threads having every concept (there is no score to rank by)
    core = built.core if sort == "newest" else None
    top, total, exact = collect(rd, built.scored, k, accept, sort, built.floor, core, False)
    if len(top) < k and built.floor > 0 and sort != "newest":
        # the floor trims a long tail; when it leaves the page short, show the tail too, in
        # the same order (one score: nothing is ranked above a better match)
        top, total, exact = collect(rd, built.scored, k, accept, sort, 0.0, None, False)
    return top, total, exact


def collect(
    rd: Reading,
    q,
    k: int,
    accept,
    sort: str,
    floor: float = 0.0,
    core=None,
    count_all=True,
    bulk: bool = True,
) -> tuple[list[Hit], int, bool]:
    """Top k threads (best post each) by score or by date, and the capped thread count.

    bulk: score term at a time (forum.search.bulk; exact, every match counted); otherwise
    Whoosh's matchers with block-max skipping, where core, a cheaper query matching fewer
    posts, counts when blocks were skipped."""
    s = rd.s
    ctx = s.context(weighting=rd.weighting)
    if sort == "newest":
        return _collect_newest(rd, (core or q).normalize(), k, accept, ctx)
    q = q.normalize()
    if bulk:
        return _collect_bulk(rd, q, k, accept, floor, ctx)
    top = TopThreads(k, floor)
    exhaustive = True
    # small result sets: score every match (no block skipping) and count them on the way
    prune = q.estimate_size(s.reader()) > EXHAUSTIVE_MAX
    for sub, offset in s.leaf_searchers():
        _pids, tids, infos = rd.columns(sub.reader())
        exhaustive &= scan_scored(q.matcher(sub, ctx), offset, tids, infos, accept, top, prune)
    hits = [Hit(tid, 0, score) for score, tid, _g in top.ranked()]
    fill_hits(rd, hits, top.best)
    if exhaustive or not count_all:
        return hits, len(top.seen), exhaustive
    return (hits, *count(rd, core or q, accept))


def _collect_bulk(rd: Reading, q, k: int, accept, floor: float, ctx):
    """Top k threads, every document scored term at a time; the count is exact."""
    best: dict[int, tuple[float, int]] = {}  # tid -> (score, global docnum)
    for sub, offset in rd.s.leaf_searchers():
        _pids, tids, infos = rd.columns(sub.reader())
        for d, score in segment_scores(rd.segment(sub, ctx), q, floor).items():
            if score >= floor and accept(infos[d]):
                tid, g = tids[d], offset + d
                cur = best.get(tid)
                if cur is None or score > cur[0] or (score == cur[0] and g < cur[1]):
                    best[tid] = (score, g)
    ranked = heapq.nsmallest(k, best.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
    hits = [Hit(tid, 0, score) for tid, (score, _g) in ranked]
    fill_hits(rd, hits, best)
    return hits, len(best), True


def _collect_newest(rd: Reading, q, k, accept, ctx):
    ranked, total = newest_threads(rd.s, q, k, accept, ctx, rd.columns)
    hits = [Hit(tid, 0, 0.0) for tid, _gdoc in ranked]
    fill_hits(rd, hits, {tid: (0.0, gdoc) for tid, gdoc in ranked})
    return hits, total, True


def fill_hits(rd: Reading, hits: list[Hit], best: dict[int, tuple[float, int]]) -> None:
    """Set each hit's post id, solved flag and kind from the columns."""
    for hit in hits:
        pid, info = doc_column_values(rd.s, best[hit.thread_id][1], rd.columns)
        hit.post_id, hit.solved = pid, bool(info & 1)
        hit.matched_in = KIND_NAMES[(info >> 1) & 3]
        hit.category_id = (info >> 3) & 0x1FFF


def count(rd: Reading, q, accept, cap: int = RESULT_CAP) -> tuple[int, bool]:
    """(threads matching q, up to cap; exact?): match sets read in bulk, no scoring; stops
    as soon as cap threads are found."""
    if q is None:
        return 0, True
    ctx = rd.s.context(weighting=rd.weighting)
    q = q.normalize()
    seen: set[int] = set()
    for sub, _offset in rd.s.leaf_searchers():
        _pids, tids, infos = rd.columns(sub.reader())
        for block in rd.segment(sub, ctx).id_blocks(q):
            seen.update(tids[d] for d in block if accept(infos[d]))
            if len(seen) >= cap:
                return cap, True
    return len(seen), True


class TopThreads:
    """Top k threads by their best post's score, updated as posts stream by (collapse)."""

    def __init__(self, k: int, floor: float = 0.0):
        self.k, self.floor = k, floor  # posts scoring below floor are not offered
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

    Returns True when every match was seen (nothing skipped or pruned but posts below the
    floor): top.seen is then the exact set of matching threads."""
    exhaustive = True
    if not m.is_active():
        return True
    seen = top.seen
    if top.floor > 0:
        # posts matching only words too weak to reach the floor are never visited: a union
        # whose weak side cannot reach it alone becomes "strong side, weak side optional"
        m = m.replace(top.floor)
        if not m.is_active():
            return True
    usequality = prune and m.supports_block_quality()
    check = True
    while m.is_active():
        if usequality and check:
            full = len(top.members) >= top.k
            if m.skip_to_quality(top.minscore if full else top.floor) and full:
                exhaustive = False
            if not m.is_active():
                break
        d = m.id()
        info = infos[d]
        if accept(info) and (score := m.score()) >= top.floor:
            tid = tids[d]
            seen.add(tid)
            if top.offer(tid, score, offset + d) and prune:
                new = m.replace(max(top.minscore, top.floor))
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


# Collection without scoring ------------------------------------------------------------------


def newest_threads(s, q, k, accept, ctx, columns_for) -> tuple[list[tuple[int, int]], int]:
    """The k newest matching threads as (thread id, global docnum of the post to show), and
    how many threads match. Shown post: accepted answer > question > other answer."""
    best: dict[int, tuple[int, int, int]] = {}  # tid -> (day, kind preference, global doc)
    for sub, offset in s.leaf_searchers():
        _pids, tids, infos = columns_for(sub.reader())
        for d in sorted(SegmentEval(sub, ctx).ids(q)):
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
