"""The read side of an index: search (cached ranking, fresh snippets), similar titles while
asking, and "did you mean" for English and Chinese. Functions over a SearchIndex and a Reading;
imports query, ranking, highlight, typos, schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from . import highlight as hl_
from . import query as qb
from .analysis import STOP_EN, stem
from .matchers import Or
from .ranking import TIER_MIN_MATCHES, Hit, Reading, SearchPage, collect, count, rank
from .schema import accept_all, accept_filter
from .syntax import Unit
from .typos import closest_word

if TYPE_CHECKING:
    from .index import SearchIndex

TextFor = Callable[[list[int]], dict[int, tuple[str, str]]]
SUGGEST_BELOW = 3  # threads having every concept under which a correction is offered


def search(
    ix: SearchIndex,
    rd: Reading,
    q: str,
    *,
    page: int = 1,
    per_page: int = 20,
    category_ids: Iterable[int] | None = None,
    solved: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "relevance",
    text_for: TextFor | None = None,
    highlight: bool = True,
) -> SearchPage:
    """Threads matching q, best first (or newest first), with snippets and a suggestion.

    text_for(post_ids) -> {post_id: (title, body)} supplies the text to highlight (from the
    database); without it an index built with store_text uses its stored copy."""
    page, per_page = max(1, page), max(1, min(per_page, 100))
    cats = frozenset(category_ids) if category_ids else None
    # The ranking is cached per index generation; snippets are cut afresh from text_for
    # (the database's current text), so a cached ranking never shows stale text.
    key = (q, page, per_page, cats, solved, date_from, date_to, sort, rd.gen)
    ranked = ix._cache.get(key) if ix._cache is not None else None
    if ranked is None:
        accept = accept_filter(cats, solved, date_from, date_to)
        ranked = _ranked(ix, rd, q, page, per_page, accept, sort)
        if ix._cache is not None:
            ix._cache.put(key, ranked)
    found, terms = ranked
    result = replace(found, hits=[replace(hit) for hit in found.hits])
    if highlight:
        _highlight(ix, rd, result.hits, terms, text_for)
    return result


def _built(ix: SearchIndex, rd: Reading, q: str, fieldname: str = "text") -> qb.Built:
    reader = rd.s.reader()
    fixer = ix.corrector.fixer(reader) if ix.public else None
    return qb.build(q, ix.glossary, ix.cg, fieldname, reader=reader, fixer=fixer)


def _rank(ix, rd, q: str, built: qb.Built, page, per_page, accept, sort) -> SearchPage:
    """rank() with the title tier when the words match many posts."""
    titled = None
    many = built.core is not None and built.core.estimate_size(rd.s.reader()) > TIER_MIN_MATCHES
    if sort == "relevance" and many:
        titled = _built(ix, rd, q, "title")
    return rank(rd, built, page, per_page, accept, sort, titled)


def _ranked(ix, rd, q, page, per_page, accept, sort) -> tuple[SearchPage, frozenset[str]]:
    built = _built(ix, rd, q)
    found = _rank(ix, rd, q, built, page, per_page, accept, sort)
    if ix.public and (found.relaxed or found.total < SUGGEST_BELOW):
        found.suggestion = built.corrected or _english_fix(rd, q, ix)
        if found.total == 0 and found.suggestion:
            # nothing for what was typed: show what the correction finds, and say so
            fixed = _built(ix, rd, found.suggestion)
            shown = _rank(ix, rd, found.suggestion, fixed, page, per_page, accept, sort)
            if shown.total:
                shown.suggestion, shown.showing_suggestion = found.suggestion, True
                return shown, fixed.highlight_terms
    return found, built.highlight_terms


def _highlight(ix, rd: Reading, hits: list[Hit], hl: frozenset[str], text_for: TextFor | None):
    if not hits:
        return
    if text_for is not None:
        texts = text_for([h.post_id for h in hits])
    elif ix.store_text:
        texts = _stored_texts(rd, hits)
    else:
        return
    for hit in hits:
        title, body = texts.get(hit.post_id, ("", ""))
        title_html, hit.snippet_html, body_matched, title_matched = hl_.result_html(title, body, hl)
        if title:
            hit.title_html = title_html
            if title_matched and not body_matched and hit.matched_in == "question":
                hit.matched_in = "title"


def _stored_texts(rd: Reading, hits: list[Hit]) -> dict[int, tuple[str, str]]:
    out = {}
    for hit in hits:
        docnum = rd.s.document_number(post_id=str(hit.post_id))
        if docnum is not None:
            out[hit.post_id] = tuple(rd.s.stored_fields(docnum).get("stored_text", ("", "")))
    return out


def similar(ix: SearchIndex, rd: Reading, text: str, limit: int, text_for: TextFor | None):
    """Threads whose title resembles text, solved first, within 35% of the best score."""
    hl: set[str] = set()
    parts = [
        p
        for c in qb.concepts([Unit(text)], ix.glossary, ix.mode)
        if (p := qb.concept_query(c, ix.cg, "title", hl)) is not None
    ]
    if not parts:
        return []
    q = qb.for_field(Or(parts, scale=0.9) if len(parts) > 1 else parts[0], rd.s.reader(), "title")
    # Whoosh's matchers with block-max skipping: the coordination scale (Or(scale=)) has no
    # bulk form, and only the best few titles are wanted
    hits, _total, _exact = collect(
        rd, q, max(limit * 3, 10), accept_all, "relevance", count_all=False, bulk=False
    )
    best = hits[0].score if hits else 0.0
    hits = [h for h in hits if h.score >= best * 0.35]
    hits.sort(key=lambda h: (not h.solved, -h.score))
    hits = hits[:limit]
    _highlight(ix, rd, hits, frozenset(hl), text_for)
    return hits


def suggest(ix: SearchIndex, rd: Reading, q: str) -> str | None:
    """A corrected query: Chinese homophones and pinyin, else English words within 1-2 edits."""
    built = _built(ix, rd, q)
    return built.corrected or _english_fix(rd, q, ix)


def _english_fix(rd: Reading, q: str, ix: SearchIndex) -> str | None:
    reader = rd.s.reader()
    corrected, changed = [], False
    for token in q.split():
        word = token.lower()
        if (
            word.isascii()
            and word.isalpha()
            and len(word) >= 4
            and word not in STOP_EN
            and not reader.doc_frequency("text", stem(word))
        ):
            fix = closest_word(reader, word)
            if fix:
                corrected.append(fix)
                changed = True
                continue
        corrected.append(token)
    if not changed:
        return None
    text = " ".join(corrected)
    built = qb.build(text, ix.glossary, ix.cg)
    # verify against live posts: a word left only by deleted posts finds nothing
    if built.core is None or not count(rd, built.core, accept_all, 1)[0]:
        return None
    return text
