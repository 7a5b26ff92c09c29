"""Highlighting: the spans of result text that match the query's terms, marked as escaped
HTML (<mark> is the only tag a snippet ever contains). Imports analysis only."""

from __future__ import annotations

import html
from functools import lru_cache

from .analysis import fold, term_spans

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


CACHED_CHARS = 4000  # longer texts are cut afresh each time (bounds the cache's memory)


def result_html(title: str, body: str, hl_terms: frozenset[str]) -> tuple[str, str, bool, bool]:
    """A result's marked title, its snippet, and whether the body and the title matched.
    A pure function of its arguments, so repeated results come from a small per-process
    cache: a changed text or another query is another key, never a stale snippet."""
    if len(body) + len(title) > CACHED_CHARS:
        return _result_html(title, body, hl_terms)
    return _cached_result_html(title, body, hl_terms)


def _result_html(title: str, body: str, hl_terms: frozenset[str]) -> tuple[str, str, bool, bool]:
    snippet_html, body_matched = snippet(body, hl_terms)
    spans = match_spans(title, hl_terms) if title else []
    return mark(title, spans), snippet_html, body_matched, bool(spans)


_cached_result_html = lru_cache(maxsize=512)(_result_html)
