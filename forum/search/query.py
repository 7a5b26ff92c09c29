"""Query building: the user's syntax ("exact phrase", -exclude, a OR b), concepts (words
grouped by the glossary), and one scored Whoosh query in which every concept is optional and
matching more of them scores more (coordination). Imports the whoosh shim, analysis, glossary.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ._whoosh import wq
from .analysis import CJK_RUN_RE, DEFAULT_MODE, STOP_EN, TOKEN_RE, fold, segment_cjk, stem
from .glossary import CompiledGlossary, Glossary, entry_terms, entry_token
from .matchers import Offset, Or
from .syntax import Parsed, Unit, parse

SYNONYM_BOOST = 0.5  # a synonym's words score half the user's own word
ALTERNATE_BOOST = 0.8  # a typo's correction (homophone, pinyin) scores a little below the word
COORD = 3.0  # matching a concept adds COORD x its idf: more concepts matched rank higher
PART_SHARE = 0.5  # the parts of a word (忘记 + 密码 for 忘记密码) together weigh this share
PARTS_SHARE = 0.002  # ... and are searched only for words in fewer than this share of posts
PARTS_MIN = 200  # ... or fewer than this many
MIN_COVER = 0.3  # a hit must score this share of the coordination weight of the whole query
RUN_MAX = 6  # longer runs are sentences: a verbatim match is unlikely and costly to test
RUN_BOOST = 1.5  # extra score when a long CJK run appears verbatim
MAX_CONCEPTS = 12


def _field_query(
    fieldname: str, term_list: list[str], boost: float = 1.0, slop: int = 1, positional: bool = True
) -> wq.Query | None:
    """Match a term sequence (a phrase when longer than one) in one field.

    A phrase scores the sum of its terms, so its boost is divided by its length: a 4-character
    word (3 bigrams) weighs about as much as a 2-character one."""
    if not term_list:
        return None
    if len(term_list) == 1:
        return wq.Term(fieldname, term_list[0], boost=boost)
    if not positional:
        return wq.And([wq.Term(fieldname, t) for t in term_list], boost=boost / len(term_list))
    return wq.Phrase(fieldname, term_list, slop=slop, boost=boost / len(term_list))


# Concepts -------------------------------------------------------------------------------------

# fixer(word) -> the word's correction (a homophone typo, or pinyin typed as letters), or None
Fixer = Callable[[str], "str | None"]


@dataclass
class Concept:
    """One meaning in the query: the user's words, glossary synonyms, and corrections."""

    key: tuple[str, ...]
    surface: str
    synonyms: list[str]
    alternates: list[str] = field(default_factory=list)


def _tokens(units: list[Unit], glossary: Glossary, mode: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []  # (key part, surface)
    for unit in units:
        for cjk, word in TOKEN_RE.findall(fold(unit.text)):
            if cjk:
                tokens.extend((w, w) for w in segment_cjk(cjk, glossary, mode))
            else:
                tokens.append((stem(word), word))
    return tokens


def concepts(
    units: list[Unit], glossary: Glossary, mode: str = DEFAULT_MODE, fixer: Fixer | None = None
) -> list[Concept]:
    """Group the words of non-phrase units into concepts, matching glossary entries greedily;
    a word the fixer corrects gets the correction (and its synonyms) as an alternate."""
    tokens = _tokens(units, glossary, mode)
    if fixer is not None and hasattr(fixer, "pinyin"):
        tokens = _join_pinyin(tokens, fixer)
    out: list[Concept] = []
    i = 0
    while i < len(tokens):
        for size in range(min(glossary.max_words, len(tokens) - i), 0, -1):
            key = tuple(t[0] for t in tokens[i : i + size])
            if size > 1 and not all(k.isascii() for k in key):
                continue
            if glossary.has(key):
                surface = " ".join(t[1] for t in tokens[i : i + size])
                out.append(Concept(key, surface, glossary.expand(key)))
                i += size
                break
        else:
            key_part, surface = tokens[i]
            if surface not in STOP_EN or len(tokens) == 1:
                fix = fixer(surface) if fixer else None
                alternates = [fix] if fix else []
                synonyms = glossary.expand(Glossary.key(fix)) if fix else []
                out.append(Concept((key_part,), surface, synonyms, alternates))
            i += 1
    return out[:MAX_CONCEPTS]


def _join_pinyin(tokens: list[tuple[str, str]], fixer) -> list[tuple[str, str]]:
    """Join runs of letters that may each be pinyin ("nengliang buzu") into one word, when
    the joined letters read as a known Chinese word."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and fixer.pinyin(tokens[j][1]):
            j += 1
        if j - i >= 2 and fixer(joined := "".join(t[1] for t in tokens[i:j])):
            out.append((joined, joined))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


@dataclass
class Clause:
    """One scored part of the query. `query` scores; `match` finds the same posts cheaply (for
    counting); `share` is its fraction of a concept's coordination weight; `main` is False for
    the parts of a word (they raise the score but do not count as the concept)."""

    query: wq.Query
    match: wq.Query
    share: float = 1.0
    main: bool = True


def _word_alternatives(
    word: str, cg: CompiledGlossary, fieldname: str, boost: float, hl: set[str] | None
) -> tuple[list[wq.Query], list[wq.Query]]:
    """(exact queries, group-token queries) for one surface word or glossary entry."""
    own = entry_terms(word, cg.mode)
    if not own:
        return [], []
    if hl is not None:
        hl.update(own)
    if len(own) > 1 and tuple(own) in cg.key_tokens:
        exact = [wq.Term(fieldname, entry_token(own), boost=boost)]
    else:
        fq = _field_query(fieldname, own, boost, positional=any(t.isascii() for t in own))
        exact = [fq] if fq is not None else []
    groups = [
        wq.Term(fieldname, tok, boost=SYNONYM_BOOST * boost) for tok in cg.group_tokens(tuple(own))
    ]
    return exact, groups


def _one(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else Or(queries)


def _parts(surface: str, cg: CompiledGlossary) -> list[str]:
    """The pieces of a word: the words of an English entry ("forgot password": forgot,
    password, each with its glossary group), or in a CJK word of 3+ characters the glossary
    entries inside it (longest first, left to right), otherwise its bigrams."""
    if " " in surface and surface.isascii():
        words = [w for w in surface.split() if w not in STOP_EN]
        return words if len(words) > 1 else []
    if len(surface) < 3 or not CJK_RUN_RE.fullmatch(surface):
        return []
    out, i = [], 0
    while i < len(surface) - 1:
        for size in range(len(surface) - i - (i == 0), 1, -1):
            piece = surface[i : i + size]
            if tuple(entry_terms(piece, cg.mode)) in cg.key_tokens:
                out.append(piece)
                i += size
                break
        else:
            out.append(surface[i : i + 2])
            i += 1
    return out


def concept_clauses(
    c: Concept,
    cg: CompiledGlossary,
    fieldname: str = "text",
    hl: set[str] | None = None,
    reader=None,
) -> list[Clause]:
    """The concept's main clause (its word, glossary group, corrections) and its parts.

    Every post containing a glossary entry also holds the group token, so the group token
    alone finds the posts (`match`) and the exact word only adds score."""
    exact, groups = _word_alternatives(c.surface, cg, fieldname, 1.0, hl)
    for alt in c.alternates:
        e, g = _word_alternatives(alt, cg, fieldname, ALTERNATE_BOOST, hl)
        exact, groups = exact + e, groups + g
    if hl is not None:
        for syn in c.synonyms:
            hl.update(entry_terms(syn, cg.mode))
    if not exact and not groups:
        return []
    if groups and not c.alternates:
        # the group token is in every post holding the word: iterate it, score the word inside
        match = _one(groups)
        full = wq.AndMaybe(match, _one(exact)) if exact else match
    else:
        match = full = _one(exact + groups)
    clauses = [Clause(full, match)]
    if reader is not None and match.estimate_size(reader) > max(
        PARTS_MIN, PARTS_SHARE * reader.doc_count()
    ):
        return clauses  # a common word: its parts would only add cost, not new answers
    parts = _parts(c.alternates[0] if c.alternates else c.surface, cg)
    for part in parts:
        e, g = _word_alternatives(part, cg, fieldname, SYNONYM_BOOST, hl)
        if e or g:
            q = _one(e + g)
            clauses.append(Clause(q, q, PART_SHARE / len(parts), main=False))
    return clauses


def concept_query(
    c: Concept, cg: CompiledGlossary, fieldname: str = "text", hl: set[str] | None = None
) -> wq.Query | None:
    """The whole concept as one query (word, corrections, group tokens, parts)."""
    clauses = concept_clauses(c, cg, fieldname, hl)
    return _one([cl.query for cl in clauses]) if clauses else None


# The whole query ------------------------------------------------------------------------------


@dataclass
class Built:
    """Whoosh queries for one user query.

    scored: every concept optional, coordination added; floor: the least score a hit needs;
    core: posts having every concept (for counting "all words" matches); corrected: the query
    with typos corrected, when a correction was made (the "did you mean" text)."""

    scored: wq.Query | None
    core: wq.Query | None
    highlight_terms: frozenset[str]
    floor: float = 0.0
    corrected: str | None = None


def _idf(q: wq.Query, reader) -> float:
    """BM25's idf of a clause's posts; 0 for a clause no post has (it cannot be matched, so
    it must not raise the floor: a lone unknown word then falls back to its parts)."""
    if reader is None:
        return 1.0
    n, df = max(reader.doc_count(), 1), q.estimate_size(reader)
    return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0


def _syntax_clauses(parsed: Parsed, glossary, cg, fieldname, hl, fixer) -> list[Clause]:
    """Clauses of quoted phrases and OR groups (each one concept, all alternatives OR-ed)."""
    out = []
    for group in parsed.groups:
        if len(group) == 1 and not group[0].phrase:
            continue  # plain words: grouped into concepts across units ("gas fee")
        alts: list[wq.Query] = []
        for unit in group:
            if unit.phrase:
                t = entry_terms(unit.text, cg.mode)
                # a quoted glossary entry has its own index token: no position check needed
                fq = (
                    wq.Term(fieldname, entry_token(t))
                    if len(t) > 1 and tuple(t) in cg.key_tokens
                    else _field_query(fieldname, t)
                )
                if fq is not None:
                    alts.append(fq)
                    hl.update(t)
            else:
                alts += [
                    cq
                    for c in concepts([unit], glossary, cg.mode, fixer)
                    if (cq := concept_query(c, cg, fieldname, hl)) is not None
                ]
        if alts:
            out.append(Clause(_one(alts), _one(alts)))
    return out


def _run_boosts(plain: list[Unit], words: set[str], fieldname: str, mode: str) -> list[wq.Query]:
    """A long CJK run that was split into several words scores extra where it is verbatim."""
    runs = [
        r
        for u in plain
        for r in CJK_RUN_RE.findall(fold(u.text))
        if 3 <= len(r) <= RUN_MAX and r not in words
    ]
    return [
        fq
        for r in runs
        if (fq := _field_query(fieldname, entry_terms(r, mode), RUN_BOOST, positional=False))
    ]


def _corrected(plain_concepts: list[Concept]) -> str | None:
    # English corrections are offered by the searcher after a check against live posts
    if not any(c.alternates and not c.alternates[0].isascii() for c in plain_concepts):
        return None
    return " ".join(c.alternates[0] if c.alternates else c.surface for c in plain_concepts)


def build(
    q: str,
    glossary: Glossary,
    cg: CompiledGlossary,
    fieldname: str = "text",
    reader=None,
    fixer: Fixer | None = None,
) -> Built:
    """One scored query over every concept (coordination), its floor, and the core AND."""
    parsed = parse(q)
    hl: set[str] = set()
    clauses = _syntax_clauses(parsed, glossary, cg, fieldname, hl, fixer)
    plain = [g[0] for g in parsed.groups if len(g) == 1 and not g[0].phrase]
    plain_concepts = concepts(plain, glossary, cg.mode, fixer)
    for c in plain_concepts:
        clauses += concept_clauses(c, cg, fieldname, hl, reader)
    if not clauses:
        return Built(None, None, frozenset())
    weights = [COORD * _idf(cl.match, reader) for cl in clauses]
    scored_parts: list[wq.Query] = [
        Offset(cl.query, w * cl.share) for cl, w in zip(clauses, weights, strict=True)
    ]
    scored_parts += _run_boosts(plain, {c.surface for c in plain_concepts}, fieldname, cg.mode)
    scored = _one(scored_parts)
    mains = [cl.match for cl in clauses if cl.main]
    core = wq.And(mains) if len(mains) > 1 else mains[0]
    floor = MIN_COVER * sum(w for cl, w in zip(clauses, weights, strict=True) if cl.main)
    excluded = [
        fq
        for u in parsed.excluded
        if (fq := _field_query(fieldname, entry_terms(u.text, cg.mode))) is not None
    ]
    if excluded:
        scored, core = wq.AndNot(scored, _one(excluded)), wq.AndNot(core, _one(excluded))
    scored, core = for_field(scored, reader, fieldname), for_field(core, reader, fieldname)
    return Built(scored, core, frozenset(hl), floor, _corrected(plain_concepts))


def for_field(q: wq.Query, reader, fieldname: str) -> wq.Query:
    """q as the field can answer it: phrases become ANDs where no positions are indexed."""
    return q if _has_positions(reader, fieldname) else q.accept(_unphrase)


def _has_positions(reader, fieldname: str) -> bool:
    """Indexes built before issue 13's speed work kept positions (quoted phrases checked
    word order); newer ones do not (faster to write and to read). Without a reader: assume
    none (a Phrase on a field without positions is an error, an And is valid on both)."""
    if reader is None or fieldname not in reader.schema:
        return False
    return reader.schema[fieldname].format.supports("positions")


def _unphrase(q: wq.Query) -> wq.Query:
    """A phrase becomes the AND of its words in one post (no positions to check order)."""
    if isinstance(q, wq.Phrase):
        return wq.And([wq.Term(q.fieldname, w) for w in q.words], boost=q.boost)
    return q
