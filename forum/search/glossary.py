"""The search glossary: synonym groups (forum/data/synonyms.txt plus an operator's file), and
its compiled form, the entry and group tokens added to the index. Imports analysis only."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from .analysis import CJK_RUN_RE, DATA_DIR, DEFAULT_MODE, TOKEN_RE, fold, stem, terms

GLOSSARY_PATH = DATA_DIR / "synonyms.txt"


class Glossary:
    """Synonym groups: one group per line, entries separated by '|'; '#' starts a comment.

    A query word expands to the union of every group that contains it (not transitive), so an
    operator's extra file simply adds groups on top of the shipped one.
    """

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self.groups: list[tuple[str, ...]] = []
        self._by_key: dict[tuple[str, ...], set[int]] = {}
        self.max_words = 1
        self.cjk_max = 1
        for group in groups:
            self.add(group)

    @classmethod
    def load(cls, *paths: str | os.PathLike[str] | None) -> Glossary:
        """Read the shipped glossary and any extra files (later files add groups)."""
        gl = cls()
        for path in paths:
            if path is None:
                continue
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    gl.add(part.strip() for part in line.split("|"))
        return gl

    @staticmethod
    def key(entry: str) -> tuple[str, ...]:
        """The lookup key of an entry: its folded, stemmed tokens, CJK runs kept whole."""
        out = []
        for cjk, word in TOKEN_RE.findall(fold(entry)):
            out.append(cjk if cjk else stem(word))
        return tuple(out)

    def add(self, group: Iterable[str]) -> None:
        """Add one synonym group."""
        entries = tuple(dict.fromkeys(e for e in group if e))
        if len(entries) < 2:
            return
        idx = len(self.groups)
        self.groups.append(entries)
        for entry in entries:
            k = self.key(entry)
            if not k:
                continue
            self._by_key.setdefault(k, set()).add(idx)
            self.max_words = max(self.max_words, len(k))
            if len(k) == 1 and CJK_RUN_RE.fullmatch(k[0]):
                self.cjk_max = max(self.cjk_max, len(k[0]))

    def fingerprint(self) -> str:
        """A short hash of the groups: the index records the one it was built with."""
        return hashlib.blake2b(repr(self.groups).encode("utf-8"), digest_size=8).hexdigest()

    def expand(self, key: tuple[str, ...]) -> list[str]:
        """All entries sharing a group with the key (the key's own entry first), or []."""
        idxs = self._by_key.get(key)
        if not idxs:
            return []
        out: dict[str, None] = {}
        for i in sorted(idxs):
            for entry in self.groups[i]:
                if self.key(entry) != key:
                    out[entry] = None
        return list(out)

    def has(self, key: tuple[str, ...]) -> bool:
        """Whether the key is a glossary entry."""
        return key in self._by_key


class CompiledGlossary:
    """The glossary as index-time tokens: "=entry" for multi-term entries, "~N" per group.

    Emitting them while indexing turns a synonym group into one posting list at query time
    (one term instead of an OR of every entry: that OR was the slowest part of a query)."""

    def __init__(self, glossary: Glossary, mode: str = DEFAULT_MODE):
        self.mode = mode
        self.by_first: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
        self.key_tokens: dict[tuple[str, ...], list[str]] = {}
        self.single: dict[str, list[str]] = {}  # one-character CJK entry -> its group tokens
        groups_of: dict[tuple[str, ...], list[int]] = {}
        for gi, group in enumerate(glossary.groups):
            for entry in group:
                words = entry_terms(entry, mode)
                if words:
                    groups_of.setdefault(tuple(words), []).append(gi)
        for t, gis in groups_of.items():
            tokens = [f"~{gi}" for gi in dict.fromkeys(gis)]
            emit = ([entry_token(t)] if len(t) > 1 else []) + tokens
            self.by_first.setdefault(t[0], []).append((t, emit))
            self.key_tokens[t] = tokens
            if len(t) == 1 and len(t[0]) == 1 and CJK_RUN_RE.fullmatch(t[0]):
                self.single[t[0]] = tokens

    def add_tokens(self, out, *position_maps) -> None:
        """Add entry/group tokens to `out` (term -> (positions, weight)) where entries occur."""
        by_first = self.by_first
        for positions, weight in position_maps:
            # only positions whose term may start an entry are tried (most bigrams cannot)
            starts = sorted(
                p for t, ps in positions.items() if t in by_first or self._has_single(t) for p in ps
            )
            if not starts:
                continue
            seq = {p: term for term, ps in positions.items() for p in ps}
            for pos in starts:
                for entry, emit in self._candidates(seq, pos):
                    if len(entry) > 1 and any(
                        seq.get(pos + i) != e for i, e in enumerate(entry[1:], 1)
                    ):
                        continue
                    for tok in emit:
                        got = out.get(tok)
                        if got is None:
                            out[tok] = ([pos], weight)
                        elif got[0][-1] != pos:
                            got[0].append(pos)
                            out[tok] = (got[0], got[1] + weight)

    def _has_single(self, term: str) -> bool:
        return len(term) == 2 and (term[0] in self.single or term[1] in self.single)

    def _candidates(self, seq: dict[int, str], pos: int):
        """Entries that may start at pos: by first term, and one-character entries inside a
        bigram (each occurrence once: as first character, or second at the end of a run)."""
        term = seq[pos]
        yield from self.by_first.get(term, ())
        if len(term) == 2 and self.single:
            if term[0] in self.single:
                yield (term,), self.single[term[0]]
            nxt = seq.get(pos + 1, "")
            if term[1] in self.single and nxt[:1] != term[1]:
                yield (term,), self.single[term[1]]

    def group_tokens(self, terms_: tuple[str, ...]) -> list[str]:
        """The group tokens of an analysed entry ([] if it is not in the glossary)."""
        return self.key_tokens.get(terms_, [])


def entry_token(terms_: tuple[str, ...] | list[str]) -> str:
    """The single index token standing for a multi-term glossary entry."""
    return "=" + " ".join(terms_)


def entry_terms(entry: str, mode: str = DEFAULT_MODE) -> list[str]:
    """Index terms of a phrase or glossary entry; lone CJK characters inside mixed text drop."""
    out = terms(fold(entry), mode)
    if len(out) > 1:
        out = [t for t in out if len(t) > 1 or t.isascii()]
    return out
