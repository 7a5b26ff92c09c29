"""Writing a segment's postings a term at a time (installed over Whoosh 2.7.4's writer).

Whoosh's SegmentWriter puts every posting in a pool as a 5-tuple, sorts all of them when the
segment is written, then feeds them one by one to the codec (a method call, asserts and a
field-length lookup per posting): about half of the indexing time. Here the pool groups the
postings by term as documents arrive (document numbers only grow within a writer), only the
distinct terms are sorted, and each term's postings are written a block at a time from arrays.
The postings are the same (a block's maximum weight is now the stored float32 value). Anything unusual (postings arriving out of order, a pool that
had to spill to disk, another codec) takes Whoosh's own path. Imports the whoosh shim only."""

from __future__ import annotations

import contextlib
import queue
from array import array
from collections.abc import Iterable

from ._whoosh import (
    BYTE_TO_LENGTH,
    W3_LENGTHS,
    MpWriter,
    W3FieldWriter,
    W3PostingsWriter,
    writing,
)

_PostingPool = writing.PostingPool
_whoosh_add_postings = W3FieldWriter.add_postings
_whoosh_add_document = writing.SegmentWriter.add_document


class GroupedPostings:
    """A pool's postings by term: iterated as Whoosh's sorted 5-tuples, or term by term."""

    def __init__(self, fields: dict):
        self.fields = fields  # fieldname -> term bytes -> (docnums, weights, values)

    def grouped(self):
        """(fieldname, term bytes, docnums, weights, values) in (field, term) order."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                yield (fieldname, btext, *terms[btext])

    def __iter__(self):
        for fieldname, btext, docs, weights, values in self.grouped():
            for d, w, v in zip(docs, weights, values, strict=True):
                yield fieldname, btext, d, w, v


class TermPool(writing.PostingPool):
    """PostingPool grouping postings by term (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        self.in_order = True

    def add(self, item):
        """Record one (fieldname, term bytes, docnum, weight, value) posting."""
        fieldname, btext, docnum, weight, value = item
        terms = self.fields.get(fieldname)
        if terms is None:
            self.fieldnames.add(fieldname)
            terms = self.fields[fieldname] = {}
        got = terms.get(btext)
        if got is None:
            got = terms[btext] = (array("I"), array("f"), [])
            self.currentsize += 240 + len(btext)
        elif got[0][-1] >= docnum:
            self.in_order = False
        got[0].append(docnum)
        got[1].append(weight)
        got[2].append(value)
        self.currentsize += 24
        if self.currentsize > self.limit:
            self.save()

    def add_field(self, fieldname: str, docnum: int, items, boost: float, scorable: bool) -> int:
        """Record a field's postings for the newest document (a field's index() output);
        return the field's length."""
        terms = self.fields.get(fieldname)
        if terms is None:
            self.fieldnames.add(fieldname)
            terms = self.fields[fieldname] = {}
        length = added = 0
        for btext, freq, weight, value in items:
            length += freq
            got = terms.get(btext)
            if got is None:
                terms[btext] = (array("I", (docnum,)), array("f", (weight * boost,)), [value])
                added += 1
            else:
                got[0].append(docnum)
                got[1].append(weight * boost)
                got[2].append(value)
        self.currentsize += 24 * length + 240 * added
        if self.currentsize > self.limit:
            self.save()
        return length if scorable else 0

    def _ungroup(self) -> None:
        if self.fields:
            self.current.extend(GroupedPostings(self.fields))
            self.fields = {}

    def save(self):
        """Spill to a sorted run on disk (Whoosh's way)."""
        self._ungroup()
        super().save()

    def iter_postings(self):
        """The postings in (field, term, docnum) order."""
        if self.runs or self.current or not self.in_order:
            self._ungroup()
            return super().iter_postings()
        return GroupedPostings(self.fields)


def add_document(self, **fields):
    """SegmentWriter.add_document handing each field's postings to the pool in one call."""
    pool = self.pool
    if not isinstance(pool, TermPool) or not _plain(self):
        return _whoosh_add_document(self, **fields)
    self._check_state()
    schema, docnum, pdw = self.schema, self.docnum, self.perdocwriter
    docboost = self._doc_boost(fields)
    names = sorted(name for name in fields if not name.startswith("_"))
    self._check_fields(schema, names)
    pdw.start_doc(docnum)
    for name in names:
        value = fields[name]
        if value is None:
            continue
        field = schema[name]
        length = 0
        if field.indexed:
            boost = self._field_boost(fields, name, docboost)
            length = pool.add_field(name, docnum, field.index(value), boost, field.scorable)
        custom = fields.get(f"_stored_{name}", value)
        pdw.add_field(name, field, custom if field.stored else None, length)
        column = field.column_type
        if column and custom is not None:
            pdw.add_column_value(name, column, field.to_column_value(custom))
    pdw.finish_doc()
    self._added = True
    self.docnum += 1
    return None


def _plain(writer) -> bool:
    """No field needs vectors or a separate spelling field (this add_document's limits);
    worked out once per writer."""
    got = writer.__dict__.get("_forum_plain")
    if got is None:
        fields = writer.schema.items()
        got = writer._forum_plain = all(
            not f.vector and not f.separate_spelling() for _n, f in fields
        )
    return got


def _mini_weights(self):
    """W3PostingsWriter._mini_weights with C-speed equality tests (same result)."""
    weights = self._weights
    n = len(weights)
    if weights.count(1.0) == n:
        return None
    if weights.count(weights[0]) == n:
        return weights[0]
    return tuple(weights)


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


class BulkWriter(MpWriter):
    """MpWriter (multisegment) whose own process writes its segment while the children
    write theirs (Whoosh's waits for the children first, then writes its own)."""

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        own = self._finalize_segment() if self._added else self._close_segment()
        for task in self.tasks:
            task.join()
        results = []
        for _task in self.tasks:
            with contextlib.suppress(queue.Empty):
                results.append(self.resultqueue.get(timeout=1))
        finalsegments += [segment for _run, _fields, segment in results]
        if own is not None:
            finalsegments.append(own)
        self._commit_toc(finalsegments)
        self._finish()


def bulk_writer(ix, cg, procs: int, limitmb: int):
    """A writer for a rebuild in which this process and procs - 1 forked children each write
    one segment (Whoosh's MpWriter alone leaves this process feeding the children)."""
    sub = {"compound": False, "limitmb": limitmb}
    w = BulkWriter(
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
    own = add_document
    for i, fields in enumerate(docs):
        if (i // BATCH) % procs == 0:
            own(w, **fields)
        else:
            w.add_document(**fields)


def install() -> None:
    """Use the term-grouping pool and writer for every Whoosh writer of this process."""
    writing.PostingPool = TermPool
    writing.SegmentWriter.add_document = add_document
    W3FieldWriter.add_postings = add_postings
    W3PostingsWriter._mini_weights = _mini_weights


install()
