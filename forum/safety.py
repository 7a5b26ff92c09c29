"""Sensitive-data guard: find wallet secrets and personal data in the text of a post.

Pure functions (stdlib + the ``mnemonic`` word lists); the caller decides to refuse or escalate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .safety_keys import (
    KIND_EXTENDED_PRIVATE_KEY,
    KIND_MAYBE_PRIVATE_KEY,
    KIND_PRIVATE_KEY,
    KIND_WIF_KEY,
    key_spans,
)
from .safety_phrases import phrase_spans

KIND_RECOVERY_PHRASE = "recovery_phrase"
KIND_KEYSTORE = "keystore"
KIND_EMAIL = "email"
KIND_PHONE = "phone"
KIND_NATIONAL_ID = "national_id"

SECRET_KINDS = (
    KIND_RECOVERY_PHRASE,
    KIND_PRIVATE_KEY,
    KIND_WIF_KEY,
    KIND_EXTENDED_PRIVATE_KEY,
    KIND_KEYSTORE,
)
PERSONAL_KINDS = (KIND_EMAIL, KIND_PHONE, KIND_NATIONAL_ID)

__all__ = [
    "KIND_EMAIL",
    "KIND_EXTENDED_PRIVATE_KEY",
    "KIND_KEYSTORE",
    "KIND_MAYBE_PRIVATE_KEY",
    "KIND_NATIONAL_ID",
    "KIND_PHONE",
    "KIND_PRIVATE_KEY",
    "KIND_RECOVERY_PHRASE",
    "KIND_WIF_KEY",
    "PERSONAL_KINDS",
    "SECRET_KINDS",
    "Finding",
    "find_personal_data",
    "find_secrets",
    "find_unclear_keys",
    "remove_spans",
    "scan",
]

_SECRET_SET = frozenset(SECRET_KINDS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One sensitive span ``text[start:end]`` of the given kind."""

    kind: str
    start: int
    end: int

    @property
    def is_secret(self) -> bool:
        """True for secret kinds (refuse the post), False for personal data (offer a ticket)."""
        return self.kind in _SECRET_SET


_ASCII_WORD = re.compile(r"[A-Za-z]+")


# --------------------------------------------------------------------------------------------
# Keystore JSON (Ethereum v3); fragments count, valid JSON is not required
# --------------------------------------------------------------------------------------------

_KS_KEY = re.compile(
    r"[\"'](crypto|Crypto|ciphertext|cipherparams|cipher|kdfparams|kdf|mac|iv|salt|dklen|prf"
    r"|version|id|address|[nrpc])[\"']\s*:"
)
_KS_GAP = 300
_KS_VALUE = re.compile(
    r"\s*(?:\"[^\"\n]{0,4000}\"|'[^'\n]{0,4000}'|\{[^{}]{0,4000}\}|[^,}\]\s]{0,200})(?:\s*[}\]])*"
)
_KS_OPEN = re.compile(r"[{\s]*$")


def _keystores(text: str, out: list[Finding]) -> None:
    if "ciphertext" not in text:
        return
    cluster: list[re.Match[str]] = []
    for m in [*_KS_KEY.finditer(text), None]:
        if m is not None and (not cluster or m.start() - cluster[-1].end() <= _KS_GAP):
            cluster.append(m)
            continue
        names = {k.group(1) for k in cluster}
        if "ciphertext" in names and ("kdf" in names or "kdfparams" in names):
            start = cluster[0].start()
            brace = text.rfind("{", max(0, start - 200), start)
            if brace >= 0 and _KS_OPEN.match(text, brace, start):
                start = brace
            value = _KS_VALUE.match(text, cluster[-1].end())
            end = value.end() if value else cluster[-1].end()
            out.append(Finding(KIND_KEYSTORE, start, end))
        cluster = [m] if m is not None else []


# --------------------------------------------------------------------------------------------
# Personal data: e-mail, phone numbers, Chinese resident ID numbers
# --------------------------------------------------------------------------------------------

# Every pattern here starts with a literal ("@", "1", "+", "19"/"20"), which Python's re finds
# with a fast string search; boundaries are checked after the literal or in Python.
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+-]+\Z")
_EMAIL_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?![A-Za-z0-9-])"
)
_NOT_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico"})

# Chinese mobile: 1[3-9]x xxxx xxxx (3-4-4, single space or dash), optional +86 / 0086 / 86.
_CN_MOBILE = re.compile(r"1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9A-Za-z_])(?![.,][0-9])")
_CN_PREFIX = re.compile(r"\(?(?:\+|00)?86\)?[ -]?\Z")
# International: "+" then 8 to 15 digits (E.164), single spaces/dashes/brackets between digits,
# the last group at least 3 digits long (so "+2024-06-15" is not a phone).
_INTL_PHONE = re.compile(
    r"\+(?<![0-9A-Za-z_+]\+)[1-9](?:(?:[ -]|[ ]?\(|\)[ ]?)?[0-9]){7,14}"
    r"(?<=[0-9]{3})(?![0-9A-Za-z_])(?![.,][0-9])"
)
# Words before a digit run: the nearest one says phone, or says it is some other number.
_PHONE_WORDS = {
    **dict.fromkeys(
        ["phone", "phones", "telephone", "cellphone", "mobile", "tel", "cell", "whatsapp", "whats",
         "telegram", "call", "calls", "sms", "contact", "wechat"],
        "phone",
    ),
    **dict.fromkeys(
        ["order", "orders", "invoice", "ticket", "ref", "uid", "id", "nonce", "height", "block",
         "amount", "balance", "total", "fee", "fees", "gas", "gasprice", "gaslimit", "price",
         "limit", "timestamp", "time", "sun", "wei", "qty", "volume", "hash"],
        "number",
    ),
}  # fmt: skip
_PHONE_ZH = {
    **dict.fromkeys(
        ["电话", "電話", "手机", "手機", "联系", "聯系", "聯繫", "微信", "短信", "致电", "致電"],
        "phone",
    ),
    **dict.fromkeys(
        ["订单", "訂單", "单号", "單號", "编号", "編號", "流水", "工单", "工單", "高度", "区块",
         "區塊", "金额", "金額", "数量", "數量", "余额", "餘額", "手续费", "手續費", "价格", "價格",
         "时间", "時間", "合计", "合計", "共计", "共計", "能量", "带宽", "帶寬", "#", "№"],
        "number",
    ),
}  # fmt: skip
_PHONE_ZH_CONTEXT = re.compile("|".join(sorted(map(re.escape, _PHONE_ZH), key=len, reverse=True)))
_PHONE_CONTEXT_BEFORE = 40
_AMOUNT_UNIT = re.compile(
    r"\s*(?:(?i:usdt|usdc|trx|eth|btc|bnb|sol|matic|ht|okb|tp|sun|wei|gwei|sats?|satoshis?|gas"
    r"|energy|bandwidth|units?|tokens?|coins?)(?![A-Za-z])|[元块塊个個笔筆枚次能带帶聪聰%])"
)

# Resident ID: 6-digit area, YYYYMMDD (found by its century "19"/"20"), 3 digits, check digit.
_ID_TAIL = r"[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z_])"
_ID_NUMBERS = tuple(re.compile(rf"{c}(?<=[1-9][0-9]{{5}}{c}){_ID_TAIL}") for c in ("19", "20"))
_ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51,
     52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _is_phone(text: str, start: int, end: int) -> bool:
    """Reject digit runs that the surrounding words make an amount, order number, height …"""
    if _AMOUNT_UNIT.match(text, end):
        return False
    lo = max(0, start - _PHONE_CONTEXT_BEFORE)
    verdict, verdict_end = "phone", -1
    for m in reversed(list(_ASCII_WORD.finditer(text, lo, start))):  # nearest first
        kind = _PHONE_WORDS.get(m.group().lower())
        if kind is not None:
            verdict, verdict_end = kind, m.end()
            break
    for z in _PHONE_ZH_CONTEXT.finditer(text, lo, start):
        if z.end() > verdict_end:
            verdict, verdict_end = _PHONE_ZH[z.group()], z.end()
    return verdict == "phone"


def _digit_bounded(text: str, start: int) -> bool:
    """No letter, digit, "_" or "+" right before ``start``, and not the decimals of a number."""
    if start == 0:
        return True
    c = text[start - 1]
    if c.isascii() and (c.isalnum() or c in "_+"):
        return False
    return not (c in ".," and start >= 2 and "0" <= text[start - 2] <= "9")


def _id_valid(text: str, m: re.Match[str]) -> bool:
    start = m.start() - 6
    digits = text[start : m.end()]
    if int(digits[:2]) not in _ID_PROVINCES or not _digit_bounded(text, start):
        return False
    try:
        born = date(int(digits[6:10]), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return False
    if born > date.today():
        return False
    total = sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == digits[17].upper()


def _emails(text: str, out: list[Finding]) -> None:
    at = text.find("@")
    while at >= 0:
        local = _EMAIL_LOCAL.search(text, max(0, at - 65), at)
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if local and domain and domain.group(1).lower() not in _NOT_TLDS:
            start = local.start()
            while start < at and not text[start].isalnum():
                start += 1  # the local part starts with a letter or digit
            if start < at and at - local.start() <= 64:
                out.append(Finding(KIND_EMAIL, start, domain.end()))
        at = text.find("@", at + 1)


def _personal(text: str) -> list[Finding]:
    out: list[Finding] = []
    if "@" in text:
        _emails(text, out)
    for m in _CN_MOBILE.finditer(text):
        start, end = m.span()
        prefix = _CN_PREFIX.search(text, max(0, start - 7), start)
        if prefix and prefix.start() < start and _digit_bounded(text, prefix.start()):
            start = prefix.start()
        elif not _digit_bounded(text, start):
            continue
        if m.group()[-9:].count("0") < 6 and _is_phone(text, start, end):
            out.append(Finding(KIND_PHONE, start, end))
    if "+" in text:
        for m in _INTL_PHONE.finditer(text):
            if _is_phone(text, *m.span()):
                out.append(Finding(KIND_PHONE, *m.span()))
    for pattern in _ID_NUMBERS:
        for m in pattern.finditer(text):
            if _id_valid(text, m):
                out.append(Finding(KIND_NATIONAL_ID, m.start() - 6, m.end()))
    return _normalize(out)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _normalize(findings: list[Finding]) -> list[Finding]:
    """Sort; drop spans inside a bigger one; merge overlapping spans of the same kind."""
    findings.sort(key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    for f in findings:
        if out and f.end <= out[-1].end:
            continue
        if out and f.kind == out[-1].kind and f.start < out[-1].end:
            out[-1] = Finding(f.kind, out[-1].start, f.end)
            continue
        out.append(f)
    return out


@lru_cache(maxsize=16)  # the guard asks for secrets, unclear keys and personal data in turn
def _findings(text: str) -> tuple[Finding, ...]:
    """Secrets and unclear keys in ``text``: normalised, sorted by start."""
    out: list[Finding] = []
    raw = text.encode("utf-8", "surrogatepass")
    ascii_only = text.isascii()
    out.extend(Finding(KIND_RECOVERY_PHRASE, a, b) for a, b in phrase_spans(text, raw, ascii_only))
    out.extend(Finding(kind, a, b) for kind, a, b in key_spans(text, raw))
    _keystores(text, out)
    return tuple(_normalize(out))


def _secrets(text: str) -> list[Finding]:
    return [f for f in _findings(text) if f.is_secret]


def _outside(findings: list[Finding], secrets: list[Finding]) -> list[Finding]:
    return [f for f in findings if not any(f.start < s.end and s.start < f.end for s in secrets)]


def find_secrets(text: str) -> list[Finding]:
    """Return wallet secrets (recovery phrases, keys, keystores) in ``text``, sorted by start."""
    return _secrets(text)


def find_unclear_keys(text: str) -> list[Finding]:
    """Return 0x-prefixed 64-hex strings with no context: a transaction hash or a private key?
    Only the author can tell; the caller asks them (kind KIND_MAYBE_PRIVATE_KEY)."""
    return [f for f in _findings(text) if f.kind == KIND_MAYBE_PRIVATE_KEY]


def find_personal_data(text: str) -> list[Finding]:
    """Return e-mails, phone numbers and ID numbers in ``text`` that are not part of a secret."""
    found = _personal(text)
    return _outside(found, list(_findings(text))) if found else found


def scan(text: str) -> list[Finding]:
    """Return secrets, unclear keys and personal data in ``text`` together, sorted by start."""
    secrets = list(_findings(text))
    personal = _personal(text)
    if secrets and personal:
        personal = _outside(personal, secrets)
    return sorted([*secrets, *personal], key=lambda f: (f.start, f.end))


def remove_spans(text: str, findings: Iterable[Finding], placeholder: str = "[…]") -> str:
    """Replace each finding's span (overlaps merged) by ``placeholder``; keep the rest as is."""
    spans = sorted((max(0, f.start), min(len(text), f.end)) for f in findings if f.end > f.start)
    parts: list[str] = []
    pos = 0
    cur_start = cur_end = -1
    for start, end in spans:
        if start >= end:
            continue
        if cur_end >= 0 and start <= cur_end:
            cur_end = max(cur_end, end)
            continue
        if cur_end >= 0:
            parts.append(text[pos:cur_start])
            parts.append(placeholder)
            pos = cur_end
        cur_start, cur_end = start, end
    if cur_end >= 0:
        parts.append(text[pos:cur_start])
        parts.append(placeholder)
        pos = cur_end
    parts.append(text[pos:])
    return "".join(parts)
