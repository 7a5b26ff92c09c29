"""Writing a segment's postings a term at a time (installed over Whoosh 2.7.4's writer).

Whoosh's SegmentWriter puts every posting in a pool as a 5-tuple, sorts all of them when the
segment is written, then feeds them one by one to the codec (a method call, asserts and a
field-length lookup per posting): about half of the indexing time. Here the pool groups the
postings by term as documents arrive (document numbers only grow within a writer), only the
distinct terms are sorted, and each term's postings are written a block at a time from arrays.
The bytes on disk are the same. Anything unusual (postings arriving out of order, a pool that
had to spill to disk, another codec) takes Whoosh's own path. Imports the whoosh shim only."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from ._whoosh import BYTE_TO_LENGTH, W3_LENGTHS, MpWriter, W3FieldWriter, writing

_PostingPool = writing.PostingPool
_whoosh_add_postings = W3FieldWriter.add_postings


class GroupedPostings:
    """A pool's postings by term: iterated as Whoosh's sorted 5-tuples, or term by term."""

    def __init__(self, terms: dict):
        self.terms = terms

    def grouped(self):
        """(fieldname, term bytes, docnums, weights, values) in (field, term) order."""
        terms = self.terms
        for key in sorted(terms):
            yield (*key, *terms[key])

    def __iter__(self):
        for fieldname, btext, docs, weights, values in self.grouped():
            for d, w, v in zip(docs, weights, values, strict=True):
                yield fieldname, btext, d, w, v


class TermPool(_PostingPool):
    """PostingPool grouping postings by term (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}
        self.in_order = True

    def add(self, item):
        """Record one (fieldname, term bytes, docnum, weight, value) posting."""
        fieldname, btext, docnum, weight, value = item
        got = self.terms.get((fieldname, btext))
        if got is None:
            self.fieldnames.add(fieldname)
            got = self.terms[fieldname, btext] = (array("I"), array("f"), [])
            self.currentsize += 240 + len(btext)
        elif got[0][-1] >= docnum:
            self.in_order = False
        got[0].append(docnum)
        got[1].append(weight)
        got[2].append(value)
        self.currentsize += 24
        if self.currentsize > self.limit:
            self.save()

    def _ungroup(self) -> None:
        if self.terms:
            self.current.extend(GroupedPostings(self.terms))
            self.terms = {}

    def save(self):
        """Spill to a sorted run on disk (Whoosh's way)."""
        self._ungroup()
        super().save()

    def iter_postings(self):
        """The postings in (field, term, docnum) order."""
        if self.runs or self.current or not self.in_order:
            self._ungroup()
            return super().iter_postings()
        return GroupedPostings(self.terms)


def _length_bytes(lengths, fieldname: str):
    """A segment's length bytes of one field (bytes), or None to ask per document."""
    try:
        cr = lengths._cached_reader(f"_{fieldname}_len", W3_LENGTHS)
    except AttributeError:
        return None
    return b"" if cr is None else cr._dbfile.get(cr._basepos, cr._count * cr._fixedlen)


def _block_lengths(docs, lens, lengths, fieldname) -> tuple[int | None, int]:
    """(shortest non-zero length or None, longest length) of the documents of a block."""
    if lens is None:
        ls = [lengths.doc_field_length(d, fieldname, 0) for d in docs]
    else:
        n = len(lens)
        ls = [BYTE_TO_LENGTH[lens[d]] if d < n and lens[d] else 0 for d in docs]
    nonzero = [v for v in ls if v]
    return (min(nonzero) if nonzero else None), max(ls)


def add_postings(self, schema, lengths, items):
    """W3FieldWriter.add_postings: grouped postings are written a block at a time."""
    if not isinstance(items, GroupedPostings):
        return _whoosh_add_postings(self, schema, lengths, items)
    lastfn, lens = None, None
    for fieldname, btext, docs, weights, values in items.grouped():
        if fieldname != lastfn:
            if lastfn is not None:
                self.finish_field()
            self.start_field(fieldname, schema[fieldname])
            lastfn = fieldname
            lens = _length_bytes(lengths, fieldname) if lengths is not None else b""
        self.start_term(btext)
        pw = self._postwriter
        limit, n = pw._blocklimit, len(docs)
        for i in range(0, n, limit):
            if i:
                pw._write_block()  # the previous block was full
            block = docs[i : i + limit]
            pw._ids, pw._weights = block, weights[i : i + limit]
            pw._values = [v for v in values[i : i + limit] if v]
            pw._maxweight = max(0, max(pw._weights))
            pw._minlength, pw._maxlength = _block_lengths(block, lens, lengths, fieldname)
        self.finish_term()  # writes the last block
    if lastfn is not None:
        self.finish_field()
    return None


# Bulk writing with several processes ----------------------------------------------------------

BATCH = 512  # documents handed to a process at a time


def bulk_writer(ix, cg, procs: int, limitmb: int):
    """A writer for a rebuild in which this process and procs - 1 forked children each write
    one segment (Whoosh's MpWriter alone leaves this process feeding the children)."""
    sub = {"compound": False, "limitmb": limitmb}
    w = MpWriter(
        ix, procs=procs - 1, multisegment=True, batchsize=BATCH, subargs=sub, _lk=False, **sub
    )
    for name in ("text", "title"):
        w.schema[name].cg = cg
    return w


def feed(w, docs: Iterable[dict], procs: int) -> None:
    """Add documents (field dicts) to a writer from bulk_writer (or any writer when procs is
    1). Every procs-th batch is indexed by this process, the others by the children: on 2
    cores, this process and one child instead of an idle feeder and two children."""
    if procs <= 1:
        for fields in docs:
            w.add_document(**fields)
        return
    own = writing.SegmentWriter.add_document
    for i, fields in enumerate(docs):
        if (i // BATCH) % procs == 0:
            own(w, **fields)
        else:
            w.add_document(**fields)


def install() -> None:
    """Use the term-grouping pool and writer for every Whoosh writer of this process."""
    writing.PostingPool = TermPool
    W3FieldWriter.add_postings = add_postings


install()
