"""The one module that imports whoosh (pinned 2.7.4): every other search module takes its
whoosh names from here. Silences Whoosh's own SyntaxWarnings at import and applies four narrow
patches to its internals (tests/test_search_engine.py exercises each)."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escape sequences: silence them for whoosh modules only.
    for _cat in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=_cat, module=r".*\bwhoosh\b")
    from whoosh import columns, fields, formats, scoring, writing
    from whoosh import index as windex
    from whoosh import query as wq
    from whoosh.analysis import Token, Tokenizer
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS
    from whoosh.codec.whoosh3 import W3FieldWriter, W3PerDocReader, W3PostingsWriter
    from whoosh.filedb.filestore import FileStorage
    from whoosh.lang.porter2 import stem as porter2
    from whoosh.matching import mcore
    from whoosh.matching.binary import AndMaybeMatcher, UnionMatcher
    from whoosh.matching.wrappers import WrappingMatcher
    from whoosh.multiproc import MpWriter
    from whoosh.system import pack_uint
    from whoosh.util.numeric import _length_byte_cache as BYTE_TO_LENGTH

POSITIONS = formats.Positions()


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
    return BYTE_TO_LENGTH[lb] if lb else default


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


__all__ = [
    "BYTE_TO_LENGTH",
    "POSITIONS",
    "W3_LENGTHS",
    "FileStorage",
    "MpWriter",
    "Token",
    "Tokenizer",
    "W3FieldWriter",
    "W3PostingsWriter",
    "WrappingMatcher",
    "columns",
    "fields",
    "formats",
    "pack_uint",
    "porter2",
    "scoring",
    "windex",
    "wq",
    "writing",
]  # fmt: skip
