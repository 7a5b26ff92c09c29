"""Recovery phrases (BIP-39, English and Chinese word lists from the `mnemonic` package):
the part of the sensitive-data guard that finds them. Pure; stdlib + mnemonic."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

from mnemonic import Mnemonic

from . import safety_chinese, safety_english

# --------------------------------------------------------------------------------------------
# BIP-39 word lists and checksum
# --------------------------------------------------------------------------------------------


def _index(lang: str) -> dict[str, int]:
    return {word: i for i, word in enumerate(Mnemonic(lang).wordlist)}


_EN_WORDS = _index("english")
_ZH_LISTS = (_index("chinese_simplified"), _index("chinese_traditional"))
_PHRASE_LENGTHS = frozenset({12, 15, 18, 21, 24})
_MIN_RUN = 8  # prose never has 8 consecutive list words separated like a phrase (longest seen: 7)


def _bip39_checksum_ok(indices: list[int]) -> bool:
    """BIP-39: 11 bits per word; the last words//3 bits are the first bits of SHA-256(entropy)."""
    count = len(indices)
    if count not in _PHRASE_LENGTHS:
        return False
    acc = 0
    for i in indices:
        acc = (acc << 11) | i
    cs_bits = count // 3
    entropy = (acc >> cs_bits).to_bytes((count * 11 - cs_bits) // 8, "big")
    return hashlib.sha256(entropy).digest()[0] >> (8 - cs_bits) == acc & ((1 << cs_bits) - 1)


# --------------------------------------------------------------------------------------------
# Recovery phrases
# --------------------------------------------------------------------------------------------

# Numbering between words: "1. ", "2) ", "(3)", "#4", "5 - ", "6、", "7:"; only 1 to 24 (word
# positions), so tables like "north 90 - east 180" do not chain. Possessive pieces keep every
# regex below linear (no backtracking into separators).
_POSITION = r"(?:2[0-4]|1[0-9]|0?[1-9]|２[０-４]|１[０-９]|[１-９])(?![0-9０-９])"
_NUMBERING = rf"[(\[（#]?{_POSITION}(?:\s*[.)\]:：、．）\-])?"
_EN_SEP = rf"(?:[\s,，、;；]|{_NUMBERING})++"
_EN_WORD = r"[A-Za-z]{3,8}+(?![A-Za-z])"  # every English BIP-39 word has 3 to 8 letters
_EN_CANDIDATE = re.compile(rf"(?<![A-Za-z]){_EN_WORD}(?:{_EN_SEP}{_EN_WORD}){{{_MIN_RUN - 1},}}")
_EN_TOKEN = re.compile(r"[A-Za-z]+")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ZH_SEP = rf"(?:[\s,，、;；/|·\-]|{_NUMBERING})++"
_ZH_CHAR = rf"[{_CJK}](?![{_CJK}])"
_ZH_CANDIDATE = re.compile(rf"(?<![{_CJK}]){_ZH_CHAR}(?:{_ZH_SEP}{_ZH_CHAR}){{{_MIN_RUN - 1},}}")
_ZH_TOKEN = re.compile(rf"[{_CJK}]")
_ZH_RUN = re.compile(rf"[{_CJK}]+")

# Speed: Python's re only skips ahead fast when a pattern starts with a plain character set, and
# a pattern that starts with a look-behind is tried at every position (~30 ns each). So a loose
# pre-pass starts at the separator after the first word (any character a separator can hold),
# finds 7+ more words, and the exact patterns above run only in the windows it returns.
_SEP_CHARS = r"\s,，、;；/|·\-0-9０-９.)(\]\[:：．）（#"
_EN_PREPASS = re.compile(
    rf"[{_SEP_CHARS}][{_SEP_CHARS}]*+{_EN_WORD}(?:[{_SEP_CHARS}]++{_EN_WORD}){{{_MIN_RUN - 2},}}"
)
_ZH_PREPASS = re.compile(
    rf"[{_SEP_CHARS}][{_SEP_CHARS}]*+{_ZH_CHAR}(?:[{_SEP_CHARS}]++{_ZH_CHAR}){{{_MIN_RUN - 2},}}"
)

# A keyword right before an unspaced run of Chinese list characters. The Chinese pattern starts
# with a character set (fast skip); English keywords are matched on the lower-cased text.
_ZH_KEYWORD = re.compile(
    r"[助恢种種私密秘](?:(?<=助)[记記][词詞]|(?<=恢)[复復](?:短[语語]|[词詞])"
    r"|(?<=[种種])子(?:短[语語]|[词詞])?|(?<=私)[钥鑰]|(?<=[密秘])[钥鑰])"
)
_EN_KEYWORD = re.compile(r"(?:seed|mnemonic|recovery|secret|backup)(?:[\s_-]*(?:phrase|words?))?")
_EN_KEYWORD_ANY_CASE = re.compile(_EN_KEYWORD.pattern, re.IGNORECASE)
_EN_KEYWORD_STEMS = (b"seed", b"mnemonic", b"recovery", b"secret", b"backup")
# A cheaper test first. English: 8 list words in a row among the ASCII letter runs of the UTF-8
# bytes (bytes.translate/split run in C). Chinese: 8 list characters in a row among the runs of
# Chinese characters, counting only runs of one character. Both hold for every run the exact
# patterns find, so they only save time.
_RUN8 = b"\x01" * _MIN_RUN
_EN_BYTES = frozenset(w.encode() for w in _EN_WORDS)
_EN_TABLE = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_ZH_ANY = frozenset(c for words in _ZH_LISTS for c in words)


def _phrase_prefilter(text: str, raw: bytes, ascii_only: bool) -> tuple[bool, bool]:
    """Could the text hold 8+ separated (English, Chinese) list words? False means surely not."""
    english = _RUN8 in bytes(map(_EN_BYTES.__contains__, raw.translate(_EN_TABLE).split()))
    if ascii_only:
        return english, False
    return english, _RUN8 in bytes(map(_ZH_ANY.__contains__, _ZH_RUN.findall(text)))


_CONNECTOR = re.compile(r"[\s:：=\"'“”‘’「」『』【】\[\]()（）]*")
_COPULAS = ("如下", "是", "为", "為")


def _skip_connector(text: str, pos: int) -> int:
    m = _CONNECTOR.match(text, pos)
    return m.end() if m else pos


_TRIM_LIMIT = 120


def _valid_windows(indices: list[int]) -> list[tuple[int, int]]:
    """Merged (i, j) windows of a list-word run that are whole BIP-39 phrases (valid checksum)."""
    windows: list[tuple[int, int]] = []
    count = len(indices)
    for length in sorted(_PHRASE_LENGTHS):
        for i in range(count - length + 1):
            if _bip39_checksum_ok(indices[i : i + length]):
                windows.append((i, i + length))
    windows.sort()
    merged: list[tuple[int, int]] = []
    for i, j in windows:
        if merged and i <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], j))
        else:
            merged.append((i, j))
    return merged


def _phrase_spans(
    tokens: Sequence[tuple[int, int, int, *tuple[str, ...]]],
) -> Iterator[tuple[int, int]]:
    """Spans of runs of >= 8 list words; tokens are (word index or -1, start, end[, kind]).

    A run of 13 to 120 words is trimmed to its windows with a valid checksum, so that list
    words around a phrase ("… please help") stay; any rest of 8+ words is reported too. Longer
    runs are not prose: they are reported whole (and the checksum work stays bounded).
    """
    first = -1
    for i in range(len(tokens) + 1):
        if i < len(tokens) and tokens[i][0] >= 0:
            if first < 0:
                first = i
            continue
        if first >= 0 and i - first >= _MIN_RUN:
            run = tokens[first:i]
            trim = 12 < len(run) <= _TRIM_LIMIT
            windows = _valid_windows([t[0] for t in run]) if trim else []
            if not windows:
                yield run[0][1], run[-1][2]
            rest = 0
            for a, b in [*windows, (len(run), len(run))]:
                if a - rest >= _MIN_RUN and windows:
                    yield run[rest][1], run[a - 1][2]
                if b > a:
                    yield run[a][1], run[b - 1][2]
                rest = b
        first = -1


def phrase_spans(text: str, raw: bytes, ascii_only: bool) -> Iterator[tuple[int, int]]:
    """Spans of recovery phrases in text (raw: its UTF-8 bytes, for fast pre-checks)."""
    _english, chinese = _phrase_prefilter(text, raw, ascii_only)
    yield from safety_english.spans(text, _bip39_checksum_ok, _phrase_spans)
    if ascii_only:  # no Chinese phrase possible
        return
    yield from safety_chinese.spans(text)
    if chinese:
        for pre in _ZH_PREPASS.finditer(text):
            for cand in _ZH_CANDIDATE.finditer(text, max(0, pre.start() - 1), pre.end()):
                chars = [
                    (m.group(), m.start(), m.end()) for m in _ZH_TOKEN.finditer(text, *cand.span())
                ]
                for words in _ZH_LISTS:
                    tokens = [(words.get(c, -1), a, b) for c, a, b in chars]
                    for start, end in _phrase_spans(tokens):
                        yield start, end
    keywords = list(_ZH_KEYWORD.finditer(text))
    raw_lower = raw.lower()  # bytes.lower: ASCII only, fast
    if any(stem in raw_lower for stem in _EN_KEYWORD_STEMS):
        lower = text.lower()
        if len(lower) == len(text):
            keywords += _EN_KEYWORD.finditer(lower)
        else:  # a few characters change length when lower-cased
            keywords += _EN_KEYWORD_ANY_CASE.finditer(text)
    for kw in keywords:
        pos = _skip_connector(text, kw.end())
        # A run glued to the keyword is ordinary prose ("助记词丢了怎么办…"): require a colon,
        # space, quote or 是/为 between them.
        starts = [pos] if pos > kw.end() else []
        for copula in _COPULAS:
            if text.startswith(copula, pos):
                starts.append(_skip_connector(text, pos + len(copula)))
                break
        for start in starts:
            run = _ZH_RUN.match(text, start)
            if run is None or run.end() - start not in _PHRASE_LENGTHS:
                continue
            phrase = run.group()
            for words in _ZH_LISTS:
                if all(c in words for c in phrase) and _bip39_checksum_ok(
                    [words[c] for c in phrase]
                ):
                    yield start, run.end()
                    break
