"""Search query syntax and highlighting: "exact phrase", -exclude, OR, glossary expansion.

Turns a user's query into Whoosh query objects over the title/body fields, and marks matches
in result text as escaped HTML. Imports whoosh (silenced) and forum.search_analysis only.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field

from forum.search_analysis import (
    CJK_RUN_RE,
    DEFAULT_MODE,
    STOP_EN,
    TOKEN_RE,
    CompiledGlossary,
    Glossary,
    entry_terms,
    entry_token,
    fold,
    segment_cjk,
    stem,
    term_spans,
)

with warnings.catch_warnings():
    for _cat in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=_cat, module=r".*\bwhoosh\b")
    from whoosh import query as wq

SYNONYM_BOOST = 0.5
COMMON_SHARE = 0.25  # a clause in more posts than this is scored, not required
RUN_MAX = 6  # longer runs are sentences: a verbatim match is unlikely and costly to test
RUN_BOOST = 1.5  # extra score when a long CJK run appears verbatim
MAX_CONCEPTS = 12
MAX_QUERY_CHARS = 200


class Or(wq.Or):
    """Or as a binary tree of unions at every index size (keeps block-max skipping)."""

    matcher_type = wq.Or.DEFAULT_MATCHER


_QTOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class Unit:
    """One element of a parsed query: a word run or a quoted phrase, maybe negated."""

    text: str
    phrase: bool = False
    negated: bool = False


@dataclass
class Parsed:
    """A parsed query: AND-ed groups (each an OR of units) plus excluded units."""

    groups: list[list[Unit]] = field(default_factory=list)
    excluded: list[Unit] = field(default_factory=list)


def parse(q: str) -> Parsed:
    """Split the query syntax: "phrase", -word, -"phrase", a OR b; other words are AND-ed."""
    parsed = Parsed()
    pending_or = False
    for m in _QTOKEN_RE.finditer(q[:MAX_QUERY_CHARS]):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if phrase is not None:
            unit = Unit(phrase, phrase=True, negated=bool(neg))
        elif word == "OR":
            pending_or = bool(parsed.groups)
            continue
        elif word.startswith("-") and len(word) > 1:
            unit = Unit(word[1:], negated=True)
        else:
            unit = Unit(word.lstrip("+"))
        if unit.negated:
            parsed.excluded.append(unit)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(unit)
            pending_or = False
        else:
            parsed.groups.append([unit])
    return parsed


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


@dataclass
class Concept:
    """One meaning in the query: the user's words plus glossary synonyms (by entry text)."""

    key: tuple[str, ...]
    surface: str
    synonyms: list[str]


def concepts(units: list[Unit], glossary: Glossary, mode: str = DEFAULT_MODE) -> list[Concept]:
    """Group the words of non-phrase units into concepts, matching glossary entries greedily."""
    tokens: list[tuple[str, str]] = []  # (key part, surface)
    for unit in units:
        for cjk, word in TOKEN_RE.findall(fold(unit.text)):
            if cjk:
                tokens.extend((w, w) for w in segment_cjk(cjk, glossary, mode))
            else:
                tokens.append((stem(word), word))
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
                out.append(Concept((key_part,), surface, []))
            i += 1
    return out[:MAX_CONCEPTS]


@dataclass
class Clause:
    """One required part of a query: `match` decides which posts qualify (cheap to iterate),
    `bonus` adds score inside them, `full` is both at once (used where it is optional)."""

    match: wq.Query
    bonus: wq.Query | None
    full: wq.Query


def concept_clause(
    c: Concept, cg: CompiledGlossary, fieldname: str = "text", hl: set[str] | None = None
) -> Clause | None:
    """The user's word OR its glossary group token (weighted lower); fills hl for highlighting.

    Every post containing a glossary entry also holds its group token, so the group token
    alone decides the match and the exact word only adds score: an AND then walks single
    posting lists instead of unions, with the same scores. A Chinese word of 3+ characters
    outside the glossary is the AND of its bigrams (no position check, like most CJK-bigram
    engines: several times faster, and the bigrams of one word rarely occur apart)."""
    own = entry_terms(c.surface, cg.mode)
    if not own:
        return None
    if len(own) > 1 and (tuple(own) in cg.key_tokens):
        exact = wq.Term(fieldname, entry_token(own))
    else:
        exact = _field_query(fieldname, own, positional=any(t.isascii() for t in own))
    loose = []
    if len(own) > 1 and all(t.isascii() for t in own):
        # English words of an entry that are not adjacent ("forgot my wallet password")
        loose.append(wq.And([wq.Term(fieldname, t) for t in own], boost=SYNONYM_BOOST / len(own)))
    groups = [wq.Term(fieldname, tok, boost=SYNONYM_BOOST) for tok in cg.group_tokens(tuple(own))]
    if hl is not None:
        hl.update(own)
        for syn in c.synonyms:
            hl.update(entry_terms(syn, cg.mode))
    full = Or([exact, *loose, *groups]) if loose or groups else exact
    if not groups:
        return Clause(full, None, full)
    match = groups + loose
    return Clause(match[0] if len(match) == 1 else Or(match), exact, full)


def concept_query(
    c: Concept, cg: CompiledGlossary, fieldname: str = "text", hl: set[str] | None = None
) -> wq.Query | None:
    """The whole concept as one query (exact word, loose words, group tokens)."""
    clause = concept_clause(c, cg, fieldname, hl)
    return clause.full if clause else None


@dataclass
class Built:
    """Whoosh queries for one user query: strict (all groups) and relaxed (any group)."""

    strict: wq.Query | None
    relaxed: wq.Query | None
    highlight_terms: frozenset[str]
    core: wq.Query | None = None  # same posts as strict, cheaper: for counting


def build(
    q: str, glossary: Glossary, cg: CompiledGlossary, fieldname: str = "text", reader=None
) -> Built:
    """Build the strict (AND) and relaxed (OR: fills a page the AND leaves short) queries.

    With a reader, clauses matching more than COMMON_SHARE of the posts become optional."""
    mode = cg.mode
    parsed = parse(q)
    clauses: list[Clause] = []
    hl: set[str] = set()
    for group in parsed.groups:
        if len(group) == 1 and not group[0].phrase:
            continue  # plain words: grouped into concepts below, across units ("gas fee")
        alts: list[wq.Query] = []
        for unit in group:
            if unit.phrase:
                t = entry_terms(unit.text, mode)
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
                    for c in concepts([unit], glossary, mode)
                    if (cq := concept_query(c, cg, fieldname, hl)) is not None
                ]
        if alts:
            one = Or(alts) if len(alts) > 1 else alts[0]
            clauses.append(Clause(one, None, one))
    plain = [g[0] for g in parsed.groups if len(g) == 1 and not g[0].phrase]
    plain_concepts = concepts(plain, glossary, mode)
    clauses += [cl for c in plain_concepts if (cl := concept_clause(c, cg, fieldname, hl))]
    excluded = [
        fq
        for u in parsed.excluded
        if (fq := _field_query(fieldname, entry_terms(u.text, mode))) is not None
    ]
    if not clauses:
        return Built(None, None, frozenset())
    relaxed = Or([c.full for c in clauses], scale=0.9) if len(clauses) > 1 else None
    optional: list[wq.Query] = []
    if reader is not None and len(clauses) > 1:
        # Words in a large share of posts (钱包, wallet) barely narrow the results and weigh
        # little (low idf), but an AND or a score over them costs as much as their posting
        # lists: next to rarer words they are left out (Lucene's "common terms" idea). One
        # clause always stays; if all are common, the rarest plus the others as score only.
        limit = COMMON_SHARE * max(reader.doc_count(), 1)
        sizes = [c.match.estimate_size(reader) for c in clauses]
        keep = [i for i, n in enumerate(sizes) if n <= limit]
        if not keep:
            keep = [sizes.index(min(sizes))]
            optional = [c.full for i, c in enumerate(clauses) if i not in keep]
        clauses = [clauses[i] for i in keep]
    matches = [c.match for c in clauses]
    core = wq.And(matches) if len(matches) > 1 else matches[0]
    optional += [c.bonus for c in clauses if c.bonus is not None]
    # a long CJK run that was split into several words scores extra where it appears verbatim
    words = {c.surface for c in plain_concepts}
    runs = [
        r
        for u in plain
        for r in CJK_RUN_RE.findall(fold(u.text))
        if 3 <= len(r) <= RUN_MAX and r not in words
    ]
    boosts = [
        fq
        for r in runs
        if (fq := _field_query(fieldname, entry_terms(r, mode), RUN_BOOST, positional=False))
    ]
    strict = core
    if optional or boosts:
        extra = optional + boosts
        strict = wq.AndMaybe(core, Or(extra) if len(extra) > 1 else extra[0])
    if boosts and relaxed is not None:
        relaxed = wq.AndMaybe(relaxed, Or(boosts) if len(boosts) > 1 else boosts[0])
    if excluded:
        neg = Or(excluded) if len(excluded) > 1 else excluded[0]
        strict = wq.AndNot(strict, neg)
        core = wq.AndNot(core, neg)
        relaxed = wq.AndNot(relaxed, neg) if relaxed is not None else None
    return Built(strict, relaxed, frozenset(hl), core)


# Highlighting ---------------------------------------------------------------------------------

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def match_spans(text: str, hl_terms: frozenset[str]) -> list[tuple[int, int]]:
    """Merged (start, end) character spans of `text` whose index terms are in hl_terms."""
    folded = fold(text)
    if len(folded) != len(text):
        # NFKC changed the length (ligatures etc.): fold char by char to keep offsets
        folded = "".join(fold(ch)[:1] or " " for ch in text)
    spans: list[tuple[int, int]] = []
    for term, start, end in term_spans(folded):
        if term in hl_terms:
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    return spans


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape text and wrap the spans in <mark>: the only tags a snippet ever contains."""
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(MARK_OPEN + html.escape(text[start:end]) + MARK_CLOSE)
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, hl_terms: frozenset[str], width: int = 160) -> tuple[str, bool]:
    """The best window of about `width` characters as safe HTML, and whether anything matched."""
    text = " ".join(text.split())
    spans = match_spans(text, hl_terms)
    if not spans:
        cut = text[:width]
        return html.escape(cut) + ("…" if len(text) > width else ""), False
    # window start = the span that begins the densest window
    best_i, best_n, j = 0, 0, 0
    for i, (start, _end) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= start + width:
            j += 1
        if j - i > best_n:
            best_i, best_n = i, j - i
    lo = max(0, spans[best_i][0] - width // 5)
    hi = min(len(text), lo + width)
    lo = max(0, min(lo, hi - width))
    inside = [(max(s, lo) - lo, min(e, hi) - lo) for s, e in spans if s < hi and e > lo]
    body = mark(text[lo:hi], inside)
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else ""), True
