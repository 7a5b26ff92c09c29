"""Private keys for the sensitive-data guard: 64-hex keys (with the context rule that tells a key
from a transaction hash), WIF and extended private keys, also when grouped, split over lines or
glued to a word. Pure; stdlib only. Yields (kind, start, end)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

KIND_PRIVATE_KEY = "private_key"
KIND_MAYBE_PRIVATE_KEY = "maybe_private_key"
KIND_WIF_KEY = "wif_key"
KIND_EXTENDED_PRIVATE_KEY = "extended_private_key"

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}
_SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_XPRV = re.compile(r"[xyztuvXYZUV]prv")
_WIF_FIRST = frozenset("5KL9c")


def _b58check_payload(token: str) -> bytes | None:
    """Decode a Base58Check string; return the payload if the double-SHA-256 checksum holds."""
    num = 0
    for c in token:
        digit = _B58_INDEX.get(c)
        if digit is None:
            return None
        num = num * 58 + digit
    pad = len(token) - len(token.lstrip("1"))
    raw = b"\0" * pad + num.to_bytes((num.bit_length() + 7) // 8, "big")
    payload, check = raw[:-4], raw[-4:]
    if len(raw) < 5 or hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload


def _is_wif(token: str) -> bool:
    if len(token) not in (51, 52) or token[0] not in _WIF_FIRST:
        return False
    payload = _b58check_payload(token)
    if payload is None or payload[0] not in (0x80, 0xEF):
        return False
    return len(payload) == 33 or (len(payload) == 34 and payload[33] == 0x01)


def _is_xprv(token: str) -> bool:
    if len(token) not in (111, 112) or not _XPRV.match(token):
        return False
    payload = _b58check_payload(token)
    return payload is not None and len(payload) == 78


# --------------------------------------------------------------------------------------------
# Context: is a 64-hex string a key or a transaction hash?
# --------------------------------------------------------------------------------------------

# The nearest context word (before or after) decides. "public" means a transaction/explorer/
# transfer/hash/public-key word: the hex is public data.
_PUBLIC_WORDS = frozenset([
    "tx", "txid", "txids", "txn", "txns", "txs", "txhash", "txhashes", "hash", "hashes",
    "blockhash", "transaction", "transactions", "explorer", "block", "blocks", "transfer",
    "transfers", "transferred", "transferring", "send", "sent", "sending", "deposit", "deposits",
    "deposited", "withdraw", "withdraws", "withdrawal", "withdrawals", "withdrawn", "withdrawing",
    "pending", "confirm", "confirms", "confirmed", "confirmation", "confirmations", "unconfirmed",
    "stuck", "fail", "fails", "failed", "receipt", "receive", "received", "arrive", "arrived",
    "refund", "refunded", "swap", "swaps", "swapped", "approve", "approved", "approval", "payment",
    "payments", "paid", "oklink", "blockchair", "mempool", "pubkey", "publickey", "sha", "sha256",
    "sha3", "keccak", "checksum", "checksums", "digest", "md5", "sha1", "sha512", "commit", "root",
    "merkle", "signature", "sig", "topic", "topics", "salt", "nonce", "id",
])  # fmt: skip
_SECRET_WORDS = frozenset([
    "key", "keys", "privkey", "privatekey", "secretkey", "seed", "mnemonic", "entropy", "export",
    "exported", "exporting", "secret", "private", "priv", "pk", "sk",
])  # fmt: skip
_PUBLIC_ZH = [
    "交易", "哈希", "散列", "转账", "轉賬", "轉帳", "转出", "轉出", "转入", "轉入", "转走", "轉走",
    "转了", "轉了", "到账", "到賬", "到帳", "入账", "入賬", "入帳", "充值", "充币", "充幣", "提现",
    "提現", "提币", "提幣", "打包", "确认", "確認", "区块", "區塊", "浏览器", "瀏覽器", "记录", "記錄",
    "订单", "訂單", "付款", "收款", "这笔", "那笔", "一笔", "這筆", "那筆", "闪兑", "閃兌", "兑换",
    "兌換", "授权", "授權", "失败", "失敗", "卡住", "未到", "没到", "沒到", "公钥", "公鑰", "回执",
    "回執", "查询", "查詢", "查一下", "校验", "校驗",
]  # fmt: skip
_SECRET_ZH = [
    "私钥", "私鑰", "密钥", "密鑰", "秘钥", "秘鑰", "助记词", "助記詞", "种子", "種子", "导出", "導出",
]  # fmt: skip
_ZH_CONTEXT_KIND = {w: "public" for w in _PUBLIC_ZH} | {w: "secret" for w in _SECRET_ZH}
_ZH_CONTEXT = re.compile("|".join(sorted(_ZH_CONTEXT_KIND, key=len, reverse=True)))
_ASCII_WORD = re.compile(r"[A-Za-z][a-z]*|[A-Z]+(?![a-z])")  # camelCase: "transactionHash"
_CONTEXT_BEFORE = 80
_CONTEXT_AFTER = 40
_URL_HINT = re.compile(r"://|[A-Za-z0-9-]+\.[A-Za-z]{2,}[/#?]")


def _word_kind(word: str, previous: str) -> str | None:
    word = word.lower()
    if word in _PUBLIC_WORDS or word.endswith("scan"):  # etherscan, tronscan, bscscan …
        return "public"
    if word in _SECRET_WORDS:
        return "public" if previous in ("public", "pub") else "secret"
    return None


def _inside_url(text: str, start: int) -> bool:
    """True when the token starting at ``start`` is part of a URL (e.g. an explorer link)."""
    lo = max(0, start - 200)
    cut = max(text.rfind(ws, lo, start) for ws in (" ", "\n", "\t", "\u3000"))
    return _URL_HINT.search(text, max(lo, cut + 1), start) is not None


def _context(text: str, start: int, end: int, lo: int) -> str | None:
    """Return 'secret', 'public' or None for the context word nearest to text[start:end]."""
    best: str | None = None
    best_end = -1
    lo = max(lo, start - _CONTEXT_BEFORE)
    words = list(_ASCII_WORD.finditer(text, lo, start))
    for i in range(len(words) - 1, -1, -1):  # nearest first
        kind = _word_kind(words[i].group(), words[i - 1].group().lower() if i else "")
        if kind is not None:
            best, best_end = kind, words[i].end()
            break
    for m in _ZH_CONTEXT.finditer(text, lo, start):
        if m.end() > best_end or (m.end() == best_end and best == "public"):
            best, best_end = _ZH_CONTEXT_KIND[m.group()], m.end()
    best_dist = start - best_end if best is not None else _CONTEXT_BEFORE + 1
    hi = end + _CONTEXT_AFTER
    previous = ""
    for m in _ASCII_WORD.finditer(text, end, hi):
        kind = _word_kind(m.group(), previous)
        previous = m.group().lower()
        if kind is not None:
            if m.start() - end < best_dist:
                best, best_dist = kind, m.start() - end
            break
    after = _ZH_CONTEXT.search(text, end, hi)
    if after and after.start() - end < best_dist:
        best = _ZH_CONTEXT_KIND[after.group()]
    return best


def _is_plausible_key(hex64: str) -> bool:
    """A secp256k1 private key is in [1, n-1]; placeholders like 000…0 or fff…f are not keys."""
    return len(set(hex64.lower())) >= 8 and 0 < int(hex64, 16) < _SECP256K1_ORDER


# --------------------------------------------------------------------------------------------
# Finding candidates: whole, glued to a word, grouped, split over lines
# --------------------------------------------------------------------------------------------

# 64 hex digits not inside a longer hex run; letters g-z may be glued on ("privatekey4c08…").
_HEX64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")
_GLUED_HEX = re.compile(r"(?<=[g-zG-Z])[0-9a-fA-F]{65,70}(?![0-9A-Za-z])")
# Pieces of a key: runs of 4+ letters/digits separated by spaces, one line break, "-" or ":".
# A piece has a digit, is all hex, or is long: prose words are not pieces.
_P = r"(?:[A-Za-z]*+[0-9][0-9A-Za-z]*+|[0-9a-fA-F]{4,}+|[0-9A-Za-z]{12,}+)(?![0-9A-Za-z])"
_PIECE_OK = re.compile(_P)
_PIECES = re.compile(
    rf"(?<![0-9A-Za-z]){_P}(?:(?:[ \t]*+\r?\n[ \t]*+|[ \t]++|[ \t]?[-:][ \t]?){_P}){{1,40}}"
)
_PIECE = re.compile(r"[0-9A-Za-z]+")
_HEX_CHARS = frozenset("0123456789abcdefABCDEF")
_KEY_LENGTHS = frozenset({51, 52, 64, 111, 112})
_ALNUM_TABLE = bytes(97 if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))
_LONG_TOKEN = re.compile(r"[0-9A-Za-z]{51,}")


def _piece_ok(piece: str) -> bool:
    """A piece of a written-out key has a digit, is all hex, or is long; prose words are not."""
    return _PIECE_OK.fullmatch(piece) is not None


def _strip_0x(m: re.Match[str]) -> tuple[str, int, int]:
    piece = m.group()
    if len(piece) > 2 and piece[:2] in ("0x", "0X") and set(piece[2:]) <= _HEX_CHARS:
        return piece[2:], m.start() + 2, m.end()
    return piece, m.start(), m.end()


def _joined_candidates(text: str) -> Iterator[tuple[str, int, int]]:
    """(joined, start, end) for runs of 2+ pieces whose letters add up to a key's length."""
    for seq in _PIECES.finditer(text):
        pieces = [_strip_0x(p) for p in _PIECE.finditer(text, *seq.span())]
        for i, (first, first_start, _end) in enumerate(pieces):
            if not _piece_ok(first):
                continue
            total = 0
            for j in range(i, len(pieces)):
                piece = pieces[j][0]
                if j > i and not _piece_ok(piece):
                    break
                total += len(piece)
                if total > 112:
                    break
                if j > i and total in _KEY_LENGTHS:
                    joined = "".join(p[0] for p in pieces[i : j + 1])
                    yield joined, first_start, pieces[j][2]


def _glued(token: str, start: int) -> Iterator[tuple[str, int, int]]:
    """WIF / xprv at the start or end of a longer run of letters and digits."""
    size = len(token)
    for n in (51, 52, 111, 112):
        if size > n:
            yield token[-n:], start + size - n, start + size
            yield token[:n], start, start + n
    x = _XPRV.search(token, 1)
    if x:
        for n in (111, 112):
            yield token[x.start() : x.start() + n], start + x.start(), start + x.start() + n


def _b58_kind(token: str) -> str | None:
    if _is_wif(token):
        return KIND_WIF_KEY
    if _is_xprv(token):
        return KIND_EXTENDED_PRIVATE_KEY
    return None


def key_spans(text: str, raw: bytes) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) for every key in text (raw: its UTF-8 bytes, for a fast pre-check)."""
    if b"aaaa" not in raw.translate(_ALNUM_TABLE):  # no run of 4 letters/digits: no key piece
        return
    hexes: list[tuple[int, int, bool]] = []  # (start, end, prefixed) of 64-hex strings
    for m in _GLUED_HEX.finditer(text):  # "exported4c08…": the word's last letters are hex
        hexes.append((m.end() - 64, m.end(), False))
    for m in _HEX64.finditer(text):
        prefixed = text[max(0, m.start() - 2) : m.start()] in ("0x", "0X")
        hexes.append((m.start() - 2 if prefixed else m.start(), m.end(), prefixed))
    for m in _LONG_TOKEN.finditer(text):
        token = m.group()
        kind = _b58_kind(token)
        if kind:
            yield kind, m.start(), m.end()
            continue
        for part, a, b in _glued(token, m.start()):
            kind = _b58_kind(part)
            if kind:
                yield kind, a, b
                break
    for joined, a, b in _joined_candidates(text):
        if len(joined) == 64:
            if set(joined) <= _HEX_CHARS:
                prefixed = text[max(0, a - 2) : a] in ("0x", "0X")
                hexes.append((a - 2 if prefixed else a, b, prefixed))
            continue
        kind = _b58_kind(joined)
        if kind:
            yield kind, a, b
    yield from _hex_verdicts(text, sorted(set(hexes)))


# Several hashes listed one after another ("txids:\n<h1>\n<h2>") inherit the previous verdict.
_LIST_GAP = re.compile(
    r"[\s,，、;；]*(?:(?:and|or|和|及|以及|还有|還有|或)\s*)?(?:\d{1,2}[.)、:：]?\s*)?"
)


def _hex_verdicts(text: str, hexes: list[tuple[int, int, bool]]) -> Iterator[tuple[str, int, int]]:
    """The bare-hex rule. A 64-hex string is a private key when the nearest context word says
    key (私钥, private key, export …); it is public when the nearest one says transaction/
    explorer/transfer/hash/public key, or when it sits inside a URL. With no context word:
      * unprefixed -> a key: that is exactly what an exported ETH/TRON key looks like;
      * 0x-prefixed -> unclear: EVM transaction hashes are written 0x…, but some wallets export
        keys with 0x too. The author is asked which it is (KIND_MAYBE_PRIVATE_KEY)."""
    prev_end = 0
    prev: str | None = None
    for start, end, prefixed in hexes:
        if start < prev_end:
            continue
        verdict: str | None
        if _inside_url(text, start):
            verdict = "public"
        else:
            verdict = _context(text, start, end, prev_end)
            if verdict is None and prev is not None and _LIST_GAP.fullmatch(text, prev_end, start):
                verdict = prev
            if verdict is None:
                verdict = "maybe" if prefixed else "secret"
        prev_end, prev = end, verdict
        digits = "".join(c for c in text[start:end] if c in _HEX_CHARS)[-64:]
        if verdict != "public" and _is_plausible_key(digits):
            yield (KIND_PRIVATE_KEY if verdict == "secret" else KIND_MAYBE_PRIVATE_KEY), start, end
