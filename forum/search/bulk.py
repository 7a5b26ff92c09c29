"""Term-at-a-time evaluation of a built query on one index segment: posting lists are read a
block at a time (ids and weights as arrays, no matcher per posting) and scores are summed in
dicts, with the same BM25F formula, boosts and coordination offsets as the matchers.

Whoosh's matchers cost ~20 µs per visited post in Python; a union of several posting lists of
2-60k posts each (a long Chinese sentence of common words) took 100-400 ms on 100k posts. Read
in bulk, a posting costs well under a microsecond. Query types this module does not know (a
quoted phrase: positions) fall back to their matcher, so any query is evaluated exactly.
Works on Whoosh searchers and queries it is given; imports the shim for query types only."""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import accumulate

from ._whoosh import BYTE_TO_LENGTH, wq
from .matchers import Offset

Scores = dict[int, float]
Postings = tuple[array, array]  # live doc ids ("i"), weights ("d")


class PostingsCache:
    """Decoded posting lists shared by the searches of one index in this process (decoding a
    common term's blocks was half of a search's time). A segment's files never change and
    its deletions only grow, so (segment, deletions, field, term) names one exact list: a new
    generation's changes are other keys, never a stale answer. Least recently used lists go
    first past `budget` postings in all (12 bytes each)."""

    def __init__(self, budget: int = 400_000) -> None:  # about 5 MB
        self.budget, self.size = budget, 0
        self._lists: OrderedDict[tuple, Postings] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Postings | None:
        with self._lock:
            got = self._lists.get(key)
            if got is not None:
                self._lists.move_to_end(key)
            return got

    def put(self, key: tuple, postings: Postings) -> None:
        n = len(postings[0])
        if n > self.budget // 4:  # one list must not empty the cache
            return
        with self._lock:
            if key not in self._lists:
                self._lists[key] = postings
                self.size += n
            while self.size > self.budget:
                _key, old = self._lists.popitem(last=False)
                self.size -= len(old[0])


class SegmentEval:
    """Scores and match sets of queries on one leaf searcher (one segment)."""

    def __init__(self, sub, ctx, shared: PostingsCache | None = None):
        self.sub, self.ctx = sub, ctx
        self.reader = sub.reader()
        self.weighting = ctx.weighting
        self._posts: dict[tuple[str, str], Postings | tuple[list[int], list[float]]] = {}
        segment = self.reader.segment() if shared is not None else None
        self._shared = shared if segment is not None else None
        self._segment = (segment.segment_id(), segment.deleted_count()) if segment else None

    def _cached(self, key: tuple[str, str]):
        """A posting list this search or (shared) an earlier one already read, or None."""
        got = self._posts.get(key)
        if got is None and self._shared is not None:
            got = self._shared.get((self._segment, key))
            if got is not None:
                self._posts[key] = got
        return got

    # -- leaves

    def postings(self, fieldname: str, text: str, weights: bool = True):
        """(doc ids, weights) of a term in this segment, live documents only."""
        key = (fieldname, text)
        got = self._cached(key)
        if got is not None:
            return got
        ids: list[int] = []
        ws: list[float] = []
        field = _field(self.reader.schema, fieldname)
        btext = field.to_bytes(text) if field is not None else b""
        if field is not None and (fieldname, btext) in self.reader:
            m = self.reader.postings(fieldname, btext)
            deleted = None
            if hasattr(m, "_exclude") and hasattr(m, "child"):  # FilterMatcher: deletions
                deleted, m = m._ids, m.child
            _read_all(m, ids, ws)
            if deleted:
                keep = [i for i, d in enumerate(ids) if d not in deleted]
                ids = [ids[i] for i in keep]
                ws = [ws[i] for i in keep]
        if self._shared is not None:
            shared = (array("i", ids), array("d", ws))
            self._shared.put((self._segment, key), shared)
            self._posts[key] = shared
            return shared
        self._posts[key] = (ids, ws)
        return ids, ws

    def _term(self, q, within) -> Scores:
        ids, ws = self.postings(q.fieldname, q.text)
        if not ids:
            return {}
        sc = self.weighting.scorer(self.sub, q.fieldname, q.text)
        lengths = getattr(sc, "lengths", None)
        if lengths is None:  # not our fast scorer: let the matcher score
            return self._generic(q, within)
        c1, ka, kb, bl, boost = sc.c1, sc.ka, sc.kb, BYTE_TO_LENGTH, q.boost
        pairs: Iterable[tuple[int, float]] = zip(ids, ws, strict=True)
        if within is not None:
            pairs = ((d, w) for d, w in pairs if d in within)
        if boost == 1.0:
            return {d: c1 * w / (w + ka + kb * bl[lengths[d]]) for d, w in pairs}
        return {d: boost * (c1 * w / (w + ka + kb * bl[lengths[d]])) for d, w in pairs}

    def _generic(self, q, within) -> Scores:
        m = q.matcher(self.sub, self.ctx)
        out: Scores = {}
        while m.is_active():
            d = m.id()
            if within is None or d in within:
                out[d] = m.score()
            m.next()
        return out

    # -- scores

    def scores(self, q, within=None) -> Scores:
        """{doc: score} of every live document q matches (only those in `within` if given),
        the same scores as q's matcher gives."""
        if q is wq.NullQuery:
            return {}
        if isinstance(q, wq.Term):
            return self._term(q, within)
        if isinstance(q, Offset):
            off = q.offset
            return {d: s + off for d, s in self.scores(q.child, within).items()}
        if isinstance(q, wq.AndMaybe):
            a = self.scores(q.a, within)
            if a:
                _add_within(a, self.scores(q.b, a))
            return a
        if isinstance(q, wq.AndNot):
            a = self.scores(q.a, within)
            if a:
                for d in self.ids(q.b) & a.keys():
                    del a[d]
            return a
        if isinstance(q, wq.Or) and not q.scale and type(q).matcher is wq.Or.matcher:
            return _boosted(self._union(q.subqueries, within), q.boost)
        if isinstance(q, wq.And) and type(q).matcher is wq.And.matcher:
            return _boosted(self._intersection(q.subqueries, within), q.boost)
        return self._generic(q, within)

    def _union(self, subs, within) -> Scores:
        acc: Scores = {}
        for sub in subs:
            got = self.scores(sub, within)
            if not acc:
                acc = got
                continue
            get = acc.get
            for d, s in got.items():
                acc[d] = get(d, 0.0) + s
        return acc

    def _intersection(self, subs, within) -> Scores:
        if not subs:
            return {}
        keys = self.ids(subs[0])
        for sub in subs[1:]:
            if not keys:
                return {}
            keys &= self.ids(sub)
        if within is not None:
            keys = keys & within.keys() if isinstance(within, dict) else keys & within
        acc: Scores = dict.fromkeys(keys, 0.0)
        for sub in subs:  # summed in the order of the subqueries, like the matcher tree
            for d, s in self.scores(sub, acc).items():
                acc[d] += s
        return acc

    # -- match sets (no scores)

    def ids(self, q) -> set[int]:
        """The set of live documents q matches."""
        if q is wq.NullQuery:
            return set()
        if isinstance(q, wq.Term):
            return set(self.postings(q.fieldname, q.text)[0])
        if isinstance(q, Offset):
            return self.ids(q.child)
        if isinstance(q, wq.AndMaybe):
            return self.ids(q.a)
        if isinstance(q, wq.AndNot):
            return self.ids(q.a) - self.ids(q.b)
        if isinstance(q, wq.Or) and type(q).matcher is wq.Or.matcher:
            out: set[int] = set()
            for sub in q.subqueries:
                out |= self.ids(sub)
            return out
        if isinstance(q, wq.And) and type(q).matcher is wq.And.matcher:
            subs = sorted(q.subqueries, key=lambda s: s.estimate_size(self.reader))
            out = self.ids(subs[0]) if subs else set()
            for sub in subs[1:]:
                if not out:
                    break
                out &= self.ids(sub)
            return out
        return set(q.matcher(self.sub, self.ctx).all_ids())

    def id_blocks(self, q) -> Iterator[list[int] | set[int]]:
        """The documents q matches, in pieces (a count can stop early): a single posting
        list (or a union of them) is streamed a block at a time unless already read."""
        while isinstance(q, (Offset, wq.AndMaybe)):
            q = q.child if isinstance(q, Offset) else q.a
        if isinstance(q, wq.Or) and type(q).matcher is wq.Or.matcher:
            for sub in q.subqueries:
                yield from self.id_blocks(sub)
        elif isinstance(q, wq.Term) and self._cached((q.fieldname, q.text)) is None:
            yield from self._stream(q.fieldname, q.text)
        else:
            yield self.ids(q)

    def _stream(self, fieldname: str, text: str) -> Iterator[list[int]]:
        field = _field(self.reader.schema, fieldname)
        btext = field.to_bytes(text) if field is not None else b""
        if field is None or (fieldname, btext) not in self.reader:
            return
        m = self.reader.postings(fieldname, btext)
        deleted = None
        if hasattr(m, "_exclude") and hasattr(m, "child"):  # FilterMatcher: deletions
            deleted, m = m._ids, m.child
        while m.is_active():
            ids: list[int] = []
            _read_all(m, ids, [], one_block=True)
            yield [d for d in ids if d not in deleted] if deleted else ids

    def max_quality(self, q) -> float:
        """An upper bound of q's score in this segment (inf when unknown)."""
        try:
            m = q.matcher(self.sub, self.ctx)
            return m.max_quality() if m.is_active() else 0.0
        except Exception:
            return float("inf")


def _read_all(m, ids: list[int], ws: list[float], one_block: bool = False) -> None:
    """Append every posting of a leaf matcher, a block at a time (Whoosh 2.7.4's W3 postings:
    one unpickled tuple of ids and weights per block; any other matcher one posting at a
    time)."""
    if hasattr(m, "_read_data") and hasattr(m, "_next_block") and hasattr(m, "_byteids"):
        while m.is_active():
            if m._data is None:
                m._read_data()
            raw, weights = m._data[0], m._data[1]
            n = m._blocklength
            block = list(raw) if m._byteids else list(accumulate(raw))
            if weights is None:
                weights = [1.0] * n
            elif isinstance(weights, float):
                weights = [weights] * n
            start = m._i
            ids.extend(block[start:] if start else block)
            ws.extend(weights[start:] if start else weights)
            m._next_block()
            if one_block:
                return
        return
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        if m.next() and one_block:
            return


def _field(schema, name: str):
    try:
        return schema[name]
    except KeyError:
        return None


def _add_within(acc: Scores, more: Scores) -> None:
    for d, s in more.items():
        acc[d] += s


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {d: s * boost for d, s in scores.items()}


# The scored query, a segment at a time ------------------------------------------------------


def _parts(q):
    """(scored parts, exclusion) of a normalized scored query: the Or's children, and the
    query whose matches are removed (`-word`), if any."""
    excluded = None
    if isinstance(q, wq.AndNot):
        q, excluded = q.a, q.b
    if isinstance(q, wq.Or) and not q.scale and q.boost == 1.0 and type(q).matcher is wq.Or.matcher:
        return list(q.subqueries), excluded
    return [q], excluded


def segment_scores(ev: SegmentEval, q, floor: float) -> Scores:
    """{doc: score} of the documents of this segment that may score `floor` or more (others
    may be missing). MaxScore: the most common parts whose summed upper bounds stay under
    the floor cannot make a hit alone, so they only add to documents the others found."""
    parts, excluded = _parts(q)
    drivers, optional = parts, []
    if floor > 0 and len(parts) > 1:
        by_size = sorted(parts, key=lambda p: -p.estimate_size(ev.reader))
        bound, cut = 0.0, 0
        for p in by_size:
            bound += ev.max_quality(p)
            if bound >= floor:
                break
            cut += 1
        optional = by_size[:cut]
        drivers = [p for p in parts if not any(p is o for o in optional)]
    acc = ev._union(drivers, None)
    if excluded is not None and acc:
        for d in ev.ids(excluded) & acc.keys():
            del acc[d]
    for p in optional:
        if acc:
            _add_within(acc, ev.scores(p, acc))
    return acc
