"""Chinese recovery phrases written without separators, wherever they sit (glued to prose, on
the line under a keyword, split over lines, quoted, in JSON or a code block).

Every window of 12 or 24 BIP-39 list characters with a valid checksum is a candidate; it is a
phrase when it does not read like Chinese: random characters rarely make words, prose mostly
does. "Makes a word" means the pair of characters is a two-character word of jieba's dictionary
(read as data, jieba itself is not imported). Measured (docs/benchmarks.md): 0 in 80% and at most
2 word pairs in 99.9% of random 12-character phrases; at least 2, usually 4 to 6, in ordinary
12-character stretches of support text. Pure; stdlib + mnemonic + jieba's dict.txt."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Iterator
from functools import cache
from itertools import accumulate
from pathlib import Path

from mnemonic import Mnemonic

_SIMPLIFIED = Mnemonic("chinese_simplified").wordlist
_TRADITIONAL = Mnemonic("chinese_traditional").wordlist
LISTS = tuple({c: i for i, c in enumerate(words)} for words in (_SIMPLIFIED, _TRADITIONAL))
# The two lists are aligned: the same index is the same character, simplified or traditional.
_TO_SIMPLIFIED_TABLE = str.maketrans(dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True)))
# Particles and pronouns: prose is full of them; in a random phrase they are rare.
_FUNCTION = frozenset(
    "的了是在我你他她它们吗呢吧啊不也就都和与这那个有没要会能到说对把被给从还很又才"
)
_MAX_WORDS = {
    12: 2,
    15: 2,
    18: 3,
    21: 3,
    24: 4,
}  # word pairs a window may hold and still be a phrase
_MAX_FUNCTION = {12: 2, 15: 2, 18: 3, 21: 3, 24: 4}


@cache
def _word_pairs() -> frozenset[str]:
    """Two-character words of jieba's dictionary made of simplified list characters."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba's dictionary is missing: pip install jieba")
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    listed = LISTS[0]
    pairs = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line[2] == " " and line[0] in listed and line[1] in listed:
                pairs.add(line[:2])
    return frozenset(pairs)


def _checksum_ok(indices: list[int]) -> bool:
    acc = 0
    for i in indices:
        acc = (acc << 11) | i
    count = len(indices)
    cs_bits = count // 3
    entropy = (acc >> cs_bits).to_bytes((count * 11 - cs_bits) // 8, "big")
    return hashlib.sha256(entropy).digest()[0] >> (8 - cs_bits) == acc & ((1 << cs_bits) - 1)


_CLASS = "".join(sorted(set(_SIMPLIFIED) | set(_TRADITIONAL)))
_STREAM = re.compile(
    rf"[{_CLASS}](?:(?:[^A-Za-z0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{{1,8}}+"
    rf"|\s*+\d{{1,2}}+[^A-Za-z0-9\u3400-\u9fff]{{0,4}}+)?+[{_CLASS}]){{11,}}+"
)
_LIST_CHAR = re.compile(f"[{_CLASS}]")


def spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of unspaced (or loosely separated) Chinese phrases in ``text``."""
    words = None
    for stream in _STREAM.finditer(text):
        found = list(_LIST_CHAR.finditer(text, *stream.span()))
        chars = "".join(m.group() for m in found)
        plain = chars.translate(_TO_SIMPLIFIED_TABLE)
        words = words or _word_pairs()
        pairs = [0, *accumulate(plain[i : i + 2] in words for i in range(len(plain) - 1))]
        function = [0, *accumulate(c in _FUNCTION for c in plain)]
        # Every phrase window holds a 12-character stretch with at most 2 word pairs: look
        # only near those (ordinary prose has almost none).
        low = [i for i in range(len(chars) - 11) if pairs[i + 11] - pairs[i] <= _MAX_WORDS[12]]
        if not low:
            continue
        for size in (12, 15, 18, 21, 24):
            most_words, most_function = _MAX_WORDS[size], _MAX_FUNCTION[size]
            starts = {i for lo in low for i in range(lo - size + 12, lo + 1)}
            for i in sorted(starts):
                if i < 0 or i + size > len(chars):
                    continue
                if pairs[i + size - 1] - pairs[i] > most_words:
                    continue
                if function[i + size] - function[i] > most_function:
                    continue
                window = chars[i : i + size]
                for listed in LISTS:
                    if all(c in listed for c in window) and _checksum_ok(
                        [listed[c] for c in window]
                    ):
                        yield found[i].start(), found[i + size - 1].end()
                        break
