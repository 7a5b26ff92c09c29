"""Typing errors: English words one or two edits off (the spelling vocabulary of questions),
Chinese homophones picked by the IME (导如 for 导入), and pinyin typed without the IME
(zhuanzhang). Imports pypinyin (on first use: its dictionaries are ~55 MB), analysis, glossary;
works on a Whoosh reader.

Precision first: a Chinese word is corrected only when the index barely knows it and knows a
same-sounding word far better; pinyin is read only from letters that are not an English word
of the index and split wholly into syllables.
"""

from __future__ import annotations

import re
import threading
import time
from functools import lru_cache

from .analysis import CJK_RUN_RE, STOP_EN, stem
from .glossary import Glossary

VOCAB_TTL = 600.0  # seconds a pinyin vocabulary is reused before it is read again
VOCAB_MAX = 40_000  # most frequent title bigrams in the pinyin vocabulary
RARE = 3  # a typed word seen in at most this many posts may be a typo ...
BETTER = 20  # ... when a same-sounding word is in at least this many times more posts
_PINYIN_RE = re.compile(r"[a-z]{2,40}")


@lru_cache(maxsize=50_000)
def pinyin_of(word: str) -> str:
    """Toneless pinyin of a Chinese word, syllables joined (转账 -> zhuanzhang; ü -> v)."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False, errors="ignore"))


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    out = set()
    for value in pinyin_dict.values():
        for syl in value.split(","):
            out.add(to_normal(syl).replace("ü", "v"))
    return frozenset(s for s in out if s.isascii() and s.isalpha())


def split_syllables(text: str) -> list[str] | None:
    """Split letters into pinyin syllables (fewest syllables wins), or None if impossible."""
    syl = syllables()
    n = len(text)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        head = best[i]
        if head is None:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            piece = text[i:j]
            known = best[j]
            if piece in syl and (known is None or len(head) + 1 < len(known)):
                best[j] = [*head, piece]
    return best[n]


class PinyinVocab:
    """Same-sounding words the index knows: glossary entries and frequent title bigrams,
    grouped by toneless pinyin, most frequent first."""

    def __init__(self, reader, glossary: Glossary):
        freq: dict[str, int] = {}
        for group in glossary.groups:
            for entry in group:
                if CJK_RUN_RE.fullmatch(entry):
                    freq[entry] = max(_df(reader, entry), 1)
        if "title" in reader.schema and reader.doc_count():
            bigrams = [
                (ti.doc_frequency(), text)
                for term, ti in reader.iter_field("title")
                if len(term) == 6  # two CJK characters in UTF-8
                and CJK_RUN_RE.fullmatch(text := term.decode("utf-8", "replace"))
                and len(text) == 2
            ]
            bigrams.sort(reverse=True)
            for df, term in bigrams[:VOCAB_MAX]:
                freq.setdefault(term, df)
        self.freq = freq
        self.by_pinyin: dict[str, list[str]] = {}
        for word in sorted(freq, key=lambda w: -freq[w]):
            self.by_pinyin.setdefault(pinyin_of(word), []).append(word)
        self.made = time.monotonic()

    def best(self, pinyin: str, length: int | None = None) -> str | None:
        """The most frequent known word with this pinyin (and length)."""
        for word in self.by_pinyin.get(pinyin, ()):
            if length is None or len(word) == length:
                return word
        return None


def _df(reader, word: str) -> int:
    """Posts containing a CJK word: the rarest of its bigrams (an upper bound, cheap)."""
    if len(word) < 2:
        return reader.doc_frequency("text", word)
    return min(reader.doc_frequency("text", word[i : i + 2]) for i in range(len(word) - 1))


class Corrector:
    """Per index: the pinyin vocabulary (rebuilt every VOCAB_TTL) and the fixer for a query."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self._vocab: PinyinVocab | None = None
        self._lock = threading.Lock()

    def vocab(self, reader) -> PinyinVocab:
        """The pinyin vocabulary, read from this reader if missing or stale."""
        with self._lock:
            v = self._vocab
            if v is None or time.monotonic() - v.made > VOCAB_TTL:
                v = self._vocab = PinyinVocab(reader, self.glossary)
            return v

    def fixer(self, reader) -> Fixer:
        """fixer(word) -> correction or None, for query building on this reader."""
        return Fixer(self, reader)

    def fix(self, reader, word: str) -> str | None:
        """A homophone correction of a rare Chinese word, or Chinese for pinyin letters."""
        if CJK_RUN_RE.fullmatch(word):
            return self._homophone(reader, word)
        if _PINYIN_RE.fullmatch(word):
            return self._from_pinyin(reader, word) or self._english(reader, word)
        return None

    def _english(self, reader, word: str) -> str | None:
        """An English word of 4+ letters that no post has: the closest word of the spelling
        vocabulary (withdrawl -> withdrawal), searched as an alternate."""
        if len(word) < 4 or word in STOP_EN or reader.doc_frequency("text", stem(word)):
            return None
        fix = closest_word(reader, word)
        return fix if fix and fix != word else None

    def _homophone(self, reader, word: str) -> str | None:
        if len(word) < 2 or self.glossary.has((word,)):
            return None
        df = _df(reader, word)
        if df > RARE:
            return None
        vocab = self.vocab(reader)
        cand = vocab.best(pinyin_of(word), len(word))
        # an unknown word: any known homophone; a rare one: only a far more common homophone
        if cand and cand != word and vocab.freq[cand] >= (BETTER * df if df else 1):
            return cand
        return None

    def pinyin_letters(self, reader, word: str) -> bool:
        """Whether letters may be pinyin: not a word of the index, wholly syllables."""
        if not word.isascii() or not word.isalpha() or word in STOP_EN:
            return False
        if reader.doc_frequency("spell", word) or reader.doc_frequency("text", stem(word)):
            return False  # a word of the index (an English word, a code, a name)
        return split_syllables(word) is not None

    def _from_pinyin(self, reader, word: str) -> str | None:
        if not self.pinyin_letters(reader, word):
            return None
        syls = split_syllables(word)
        if not syls or len(syls) < 2:
            return None
        vocab = self.vocab(reader)
        whole = vocab.best("".join(syls))
        if whole:
            return whole
        # two syllables at a time (a bigram each), the known word for each pair
        out = []
        for i in range(0, len(syls) - 1, 2):
            pair = vocab.best("".join(syls[i : i + 2]), 2)
            if pair is None:
                return None
            out.append(pair)
        return "".join(out) if len(syls) % 2 == 0 else None


class Fixer:
    """A Corrector bound to one reader: call it with a word; pinyin(word) says whether
    letters may be pinyin (spaced syllables, "nengliang buzu", are joined before fixing)."""

    def __init__(self, corrector: Corrector, reader):
        self.corrector, self.reader = corrector, reader

    def __call__(self, word: str) -> str | None:
        return self.corrector.fix(self.reader, word)

    def pinyin(self, word: str) -> bool:
        """Whether these letters may be (part of) a pinyin word."""
        return self.corrector.pinyin_letters(self.reader, word)


def closest_word(reader, word: str) -> str | None:
    """The most frequent spelling-vocabulary word within 1 (short words) or 2 edits."""
    for dist in range(1, (1 if len(word) <= 5 else 2) + 1):
        cands = list(reader.terms_within("spell", word, dist, prefix=1))
        if cands:
            return max(cands, key=lambda w: (reader.doc_frequency("spell", w), w))
    return None
