"""The index schema: field types that call forum.search.analysis directly, the packed info
column (thread day, category, post kind, solved), filters on it, and fast BM25F scoring."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ._whoosh import (
    BYTE_TO_LENGTH,
    POSITIONS,
    Token,
    Tokenizer,
    columns,
    fields,
    formats,
    pack_uint,
    scoring,
)
from .analysis import DEFAULT_MODE, english_words, index_terms, term_positions
from .glossary import CompiledGlossary


class FoldingTokenizer(Tokenizer):
    """Whoosh face of forum.search.analysis: folded, CJK bigrams, stemmed English."""

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

    def __init__(self, mode: str = DEFAULT_MODE, phrase: bool = False):
        super().__init__(analyzer=FoldingTokenizer(mode), phrase=phrase)
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
        if self.format.supports("positions"):  # an index built before issue 13's speed work
            for term, (poss, weight) in terms.items():
                yield term.encode("utf-8"), len(poss), weight, _encode_positions(poss)
            return
        freq = _FREQ_VALUES
        yield from [
            (term.encode("utf-8"), len(poss), weight, freq[len(poss)])
            if len(poss) < 64
            else (term.encode("utf-8"), len(poss), weight, pack_uint(len(poss)))
            for term, (poss, weight) in terms.items()
        ]


_FREQ_VALUES = [pack_uint(n) for n in range(64)]  # Frequency format's posting values


_ONE_POS: dict[int, bytes] = {}


def _encode_positions(poss: list[int]) -> bytes:
    """Whoosh's Positions encoding (pack_uint(n) + pickled deltas), single positions cached."""
    if len(poss) == 1:
        got = _ONE_POS.get(poss[0])
        if got is None:
            got = POSITIONS.encode(poss)
            if len(_ONE_POS) < 100_000:
                _ONE_POS[poss[0]] = got
        return got
    return POSITIONS.encode(poss)


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
        return self.c1 * w / (w + self.ka + self.kb * BYTE_TO_LENGTH[self.lengths[matcher.id()]])


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
