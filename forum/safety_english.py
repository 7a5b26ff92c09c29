"""English recovery phrases however they are written: normalised first (width and case folded,
split on anything that is not a letter, so Markdown, JSON, quotes and joiners drop out), then
windows of BIP-39 words that tolerate a noise word or a typo. Pure; stdlib + mnemonic."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from mnemonic import Mnemonic

WORDS = {word: i for i, word in enumerate(Mnemonic("english").wordlist)}
_FOLD = {c: c + 32 for c in range(65, 91)}  # A-Z
_FOLD |= {c: c - 0xFEE0 + 32 for c in range(0xFF21, 0xFF3B)}  # fullwidth Ａ-Ｚ
_FOLD |= {c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)}  # fullwidth ａ-ｚ
_LETTERS = re.compile(r"[a-z]+")
_FULLWIDTH = re.compile(r"[\uff21-\uff3a\uff41-\uff5a]")
_MIN_RUN = 8  # 8 list words in a row never occurred in ordinary text (longest seen: 7)
_MIN_EXACT = 10  # a window with noise or typos needs this many exact list words …
_MIN_WINDOW = 11  # … and this many list words counting the typos
_MAX_TYPOS = 2
_MAX_NOISE = 2
_LENGTHS = frozenset({12, 15, 18, 21, 24})
_HALF = 5  # each half of a phrase split by a line of prose
# Pre-checks on one flag byte per letter run (1: a list word): list words with single other
# words between them, or two runs of _HALF list words.
_DENSE = re.compile(rb"\x01+(?:\x00\x01+)*")
_HALF_RUN = re.compile(rb"\x01{%d,}" % _HALF)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"  # every list word is lower-case ASCII


def nearest(token: str) -> int:
    """The index of the one list word an edit away from ``token`` (4-9 letters), else -1.
    The edits are generated (at most ~500 look-ups, and only for a noise word inside a dense
    window), rather than read from tables of every word's edits (6.6 MB in every process)."""
    if not 4 <= len(token) <= 9:
        return -1
    found: set[str] = set()
    for i in range(len(token) + 1):  # a letter left out
        head, tail = token[:i], token[i:]
        found.update(filter(WORDS.__contains__, [head + c + tail for c in _ALPHABET]))
        if len(found) > 1:
            return -1
    for i in range(len(token)):
        head, tail = token[:i], token[i + 1 :]
        if head + tail in WORDS:  # a letter too many
            found.add(head + tail)
        found.update(
            filter(WORDS.__contains__, [head + c + tail for c in _ALPHABET])
        )  # wrong letter
        if i and token[i] != token[i - 1]:
            swapped = token[: i - 1] + token[i] + token[i - 1] + token[i + 1 :]
            if swapped in WORDS:
                found.add(swapped)
        if len(found) > 1:
            return -1
    return WORDS[found.pop()] if len(found) == 1 else -1


# A token: (list index or -1, start, end, kind) with kind "w" exact, "t" typo, "n" noise.
Token = tuple[int, int, int, str]


def tokens(text: str) -> list[Token] | None:
    """The letter runs of the folded text, or None when there are too few list words."""
    folded = text.lower()
    if len(folded) != len(text) or _FULLWIDTH.search(text):
        folded = text.translate(_FOLD)
    flags = bytes(map(WORDS.__contains__, _LETTERS.findall(folded)))  # in C: fast
    dense = (len(m.group().replace(b"\0", b"")) >= _MIN_RUN for m in _DENSE.finditer(flags))
    if not any(dense) and len(_HALF_RUN.findall(flags)) < 2:
        return None
    found = [(m.group(), m.start(), m.end()) for m in _LETTERS.finditer(folded)]
    out: list[Token] = []
    for w, a, b in found:
        i = WORDS.get(w, -1)
        out.append((i, a, b, "w") if i >= 0 else (-1, a, b, "n"))
    for k, (_i, a, b, kind) in enumerate(out):
        if kind == "n" and _dense(out, k):
            j = nearest(found[k][0])
            if j >= 0:
                out[k] = (j, a, b, "t")
    return out


def _dense(out: list[Token], k: int) -> bool:
    """At least 6 of the 8 tokens around position k are exact list words."""
    if k and out[k - 1][3] != "w" and k + 1 < len(out) and out[k + 1][3] != "w":
        return False
    around = out[max(0, k - 4) : k] + out[k + 1 : k + 5]
    return sum(t[3] == "w" for t in around) >= 6


def runs(toks: list[Token]) -> list[list[Token]]:
    """Maximal windows of list words (exact or typo) with single noise words between them,
    at most ``_MAX_NOISE`` noise words and ``_MAX_TYPOS`` typos each; no noise at either end."""
    out: list[list[Token]] = []
    cur: list[Token] = []
    for tok in [*toks, (-1, 0, 0, "end")]:
        kind = tok[3]
        if kind in ("w", "t"):
            typos = sum(t[3] == "t" for t in cur)
            if kind == "t" and typos >= _MAX_TYPOS:
                out.append(_strip(cur))
                cur = []
            cur.append(tok)
            continue
        noise = sum(t[3] == "n" for t in cur)
        if kind == "n" and cur and cur[-1][3] != "n" and noise < _MAX_NOISE:
            cur.append(tok)
            continue
        if cur:
            out.append(_strip(cur))
        cur = []
    return [r for r in out if r]


def _strip(run: list[Token]) -> list[Token]:
    while run and run[-1][3] == "n":
        run = run[:-1]
    return run


def _pure(run: list[Token]) -> bool:
    return all(t[3] == "w" for t in run)


def spans(
    text: str, checksum_ok: Callable[[list[int]], bool], trim: Callable[[list[Token]], Iterator]
) -> Iterator[tuple[int, int]]:
    """Spans of English recovery phrases in ``text``."""
    toks = tokens(text)
    if toks is None:
        return
    found = runs(toks)
    for run in found:
        exact = sum(t[3] == "w" for t in run)
        listed = sum(t[3] != "n" for t in run)
        if exact >= _MIN_EXACT and listed >= _MIN_WINDOW and not _pure(run):
            run = _without_prose_lines(text, run)
            yield run[0][1], run[-1][2]
            continue
        for segment in _segments(run):
            if len(segment) >= _MIN_RUN:
                yield from trim(_tidy(text, segment))
    yield from _split_halves(text, found, checksum_ok)


def _qualifies(run: list[Token]) -> bool:
    exact = sum(t[3] == "w" for t in run)
    return exact >= _MIN_EXACT and sum(t[3] != "n" for t in run) >= _MIN_WINDOW


def _without_prose_lines(text: str, run: list[Token]) -> list[Token]:
    """Cut the run at the first noise word of its last line (or after the last noise word of
    its first line) when the rest is still a phrase, so refusing keeps the prose around it
    ("Now the balance is zero." on the line after the words)."""
    while True:
        lines = [text.count("\n", 0, t[1]) for t in run]
        if lines[0] == lines[-1]:
            return run
        tail = [k for k, n in enumerate(lines) if n == lines[-1] and run[k][3] == "n"]
        head = [k for k, n in enumerate(lines) if n == lines[0] and run[k][3] == "n"]
        if tail and _qualifies(run[: tail[0]]):
            line_start = lines.index(lines[-1])
            whole = run[:line_start]  # the lines before are a phrase of a usual length
            cut = line_start if len(whole) in _LENGTHS and _pure(whole) else tail[0]
            run = _strip(run[:cut])
        elif head and _qualifies(run[head[-1] + 1 :]):
            run = run[head[-1] + 1 :]
        else:
            return run


def _split_halves(
    text: str, found: list[list[Token]], checksum_ok: Callable[[list[int]], bool]
) -> Iterator[tuple[int, int]]:
    """A phrase split in two by a line of prose: two nearby runs of exact words that make a
    whole phrase with a valid checksum, or two whole lines of 6+ list words each."""
    halves = [s for run in found for s in _segments(run) if len(s) >= _HALF]
    for a, b in itertools.pairwise(halves):
        if b[0][1] - a[-1][2] > 200:
            continue
        lines = len(a) >= 6 and len(b) >= 6 and _own_line(text, a) and _own_line(text, b)
        if lines and len(a) + len(b) >= 12:
            yield a[0][1], a[-1][2]
            yield b[0][1], b[-1][2]
            continue
        for i in range(max(0, len(a) - 20), len(a) - _HALF + 1):
            for j in range(_HALF, min(len(b), 20) + 1):
                if len(a) - i + j in _LENGTHS and checksum_ok([t[0] for t in a[i:] + b[:j]]):
                    yield a[i][1], a[-1][2]
                    yield b[0][1], b[j - 1][2]


def _tidy(text: str, segment: list[Token]) -> list[Token]:
    """Drop a word at either end set apart by another separator than the rest ("phrase: a b")."""
    seps = [text[a[2] : b[1]] for a, b in itertools.pairwise(segment)]
    usual = max(set(seps), key=seps.count)
    if len(segment) > _MIN_RUN and seps[0] != usual and seps.count(usual) > len(seps) // 2:
        segment, seps = segment[1:], seps[1:]
    if len(segment) > _MIN_RUN and seps[-1] != usual and seps.count(usual) > len(seps) // 2:
        segment = segment[:-1]
    return segment


def _segments(run: list[Token]) -> Iterator[list[Token]]:
    """The stretches of exact list words in a run."""
    segment: list[Token] = []
    for tok in [*run, (-1, 0, 0, "n")]:
        if tok[3] == "w":
            segment.append(tok)
            continue
        if segment:
            yield segment
        segment = []


def _own_line(text: str, run: list[Token]) -> bool:
    """No other letters on the lines the run covers."""
    lo = text.rfind("\n", 0, run[0][1]) + 1
    hi = text.find("\n", run[-1][2])
    hi = len(text) if hi < 0 else hi
    return not re.search(r"[A-Za-z]", text[lo : run[0][1]] + text[run[-1][2] : hi])
