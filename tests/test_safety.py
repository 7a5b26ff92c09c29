"""The sensitive-data guard (forum/safety.py): precision on ordinary support text, recall on
generated secrets and personal data, span removal and the edge cases of the issue."""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from forum import safety
from forum.safety import (
    KIND_EMAIL,
    KIND_EXTENDED_PRIVATE_KEY,
    KIND_KEYSTORE,
    KIND_MAYBE_PRIVATE_KEY,
    KIND_NATIONAL_ID,
    KIND_PHONE,
    KIND_PRIVATE_KEY,
    KIND_RECOVERY_PHRASE,
    KIND_WIF_KEY,
    PERSONAL_KINDS,
    SECRET_KINDS,
    Finding,
    find_personal_data,
    find_secrets,
    find_unclear_keys,
    remove_spans,
    scan,
)

NEGATIVES = Path(__file__).parent / "data" / "guard_negatives.txt"
EN = Mnemonic("english")
ZH_S = Mnemonic("chinese_simplified")
ZH_T = Mnemonic("chinese_traditional")
EN_WORDS = frozenset(EN.wordlist)

# --------------------------------------------------------------------------------------------
# Generators (own Base58Check, ID check digits; nothing shared with the code under test)
# --------------------------------------------------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num = int.from_bytes(raw, "big")
    out = ""
    while num:
        num, digit = divmod(num, 58)
        out = B58[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def wif(key: bytes, *, compressed: bool, testnet: bool = False) -> str:
    return b58check((b"\xef" if testnet else b"\x80") + key + (b"\x01" if compressed else b""))


def extended_key(rng: random.Random, version: str) -> str:
    return b58check(bytes.fromhex(version) + rng.randbytes(74))


def china_id(rng: random.Random) -> str:
    area = rng.choice(["110105", "310104", "440305", "510107", "330106", "420111", "610113"])
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def keystore(rng: random.Random, variant: int) -> str:
    crypto = {
        "cipher": "aes-128-ctr",
        "ciphertext": rng.randbytes(32).hex(),
        "cipherparams": {"iv": rng.randbytes(16).hex()},
        "kdf": "scrypt" if variant % 2 else "pbkdf2",
        "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": rng.randbytes(32).hex()}
        if variant % 2
        else {"c": 262144, "dklen": 32, "prf": "hmac-sha256", "salt": rng.randbytes(32).hex()},
        "mac": rng.randbytes(32).hex(),
    }
    whole = {
        "address": rng.randbytes(20).hex(),
        "Crypto" if variant % 5 == 0 else "crypto": crypto,
        "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
        "version": 3,
    }
    shapes = [
        json.dumps(whole),
        json.dumps(whole, indent=2),
        json.dumps({"crypto": crypto}),  # fragment: just the crypto object
        json.dumps(crypto, indent=4)[1:-1],  # fragment without braces
        json.dumps(whole, separators=(",", ":")),
    ]
    return shapes[variant % len(shapes)]


def phrase(mnemo: Mnemonic, rng: random.Random, words: int) -> list[str]:
    return mnemo.to_mnemonic(rng.randbytes(words * 4 // 3)).split(" ")


def layout(words: list[str], style: int) -> str:
    """Write the words of a phrase the ways people paste them."""
    if style == 0:
        return " ".join(words)
    if style == 1:
        return ", ".join(words)
    if style == 2:
        return "\n".join(words)
    if style == 3:
        return " ".join(f"{i}. {w}" for i, w in enumerate(words, 1))
    if style == 4:
        return " ".join(f"{i}){w}" for i, w in enumerate(words, 1))
    if style == 5:
        return "、".join(words)
    if style == 6:
        return "，".join(words)
    return "\n".join(f"{i}.{w}" for i, w in enumerate(words, 1))


EN_FRAMES = [
    ("My seed phrase is: ", " can someone check it?"),
    ("", ""),
    ("Recovery words\n", "\nthanks"),
    ("I wrote this down when I created the wallet -> ", " <- is it valid?"),
    ("助记词：", "，请帮我看看"),
]
ZH_FRAMES = [
    ("我的助记词是 ", "，请帮我看看"),
    ("", ""),
    ("助记词如下：\n", "\n谢谢"),
    ("導入失敗，助記詞：", "。"),
    ("seed: ", " help"),
]
UNSPACED_KEYWORDS = ["我的助记词是", "助记词：", "助記詞:", "seed phrase: ", "恢复短语为", "种子 "]


def recovery_cases() -> list[tuple[str, int, int]]:
    """(text, start of the first word, end of the last word) for 230 generated phrases."""
    rng = random.Random(39)
    cases: list[tuple[str, int, int]] = []

    def add(prefix: str, body: str, suffix: str, first: str, last: str) -> None:
        start = len(prefix) + body.index(first)
        end = len(prefix) + body.rindex(last) + len(last)
        cases.append((prefix + body + suffix, start, end))

    for i in range(80):
        words = phrase(EN, rng, (12, 24)[i % 2])
        if i % 9 == 0:
            words = [w.upper() if i % 2 else w.capitalize() for w in words]
        prefix, suffix = EN_FRAMES[i % len(EN_FRAMES)]
        add(
            prefix,
            layout(words, i % 5 if i % 5 != 0 else (i // 5) % 8),
            suffix,
            words[0],
            words[-1],
        )
    for i in range(150):
        mnemo = ZH_S if i % 2 else ZH_T
        words = phrase(mnemo, rng, (12, 24, 15, 18, 21)[i % 5])
        if i % 6 == 5:  # unspaced right after a keyword, exact length, checksum valid
            keyword = UNSPACED_KEYWORDS[(i // 6) % len(UNSPACED_KEYWORDS)]
            add(keyword, "".join(words), "，请帮我看看" if i % 4 else "", words[0], words[-1])
            continue
        prefix, suffix = ZH_FRAMES[i % len(ZH_FRAMES)]
        add(prefix, layout(words, (i * 7) % 8), suffix, words[0], words[-1])
    return cases


HEX_KEY_FRAMES = [
    "private key: {k}",
    "My private key is {k}, can I import it into TP?",
    "私钥：{k}",
    "这是我的私钥 {k} 帮我看看能不能导入",
    "私鑰 {k}",
    "privkey={k}",
    "Priv Key - {k}",
    "导出的密钥是{k}，导入以后余额是0",
    "My transfer failed. Exported private key:\n{k}\nwhat now?",
    "I exported the key from MetaMask: {k}",
]


def hex_key_cases() -> list[tuple[str, int, int]]:
    rng = random.Random(64)
    cases = []
    for i in range(100):
        key = rng.randbytes(32).hex()
        if i % 3 == 0:
            key = key.upper()
        if i % 2:
            key = "0x" + key
        frame = HEX_KEY_FRAMES[i % len(HEX_KEY_FRAMES)]
        start = frame.index("{k}")
        cases.append((frame.format(k=key), start, start + len(key)))
    return cases


def token_cases() -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) for WIF keys, extended private keys and keystores."""
    rng = random.Random(58)
    cases: list[tuple[str, str, int, int]] = []

    def add(kind: str, frame: str, token: str) -> None:
        start = frame.index("{t}") + len(token) - len(token.lstrip())
        cases.append((kind, frame.replace("{t}", token), start, start + len(token.strip())))

    frames = ["WIF: {t}", "my bitcoin key {t} please check", "私钥是{t}。", "{t}"]
    for i in range(60):
        token = wif(rng.randbytes(32), compressed=i % 2 == 0, testnet=i >= 50)
        add(KIND_WIF_KEY, frames[i % len(frames)], token)
    versions = ["0488ADE4"] * 30 + ["049D7878", "04B2430C", "04358394"]  # xprv, yprv, zprv, tprv
    frames = ["{t}", "导出的扩展私钥 {t} 安全吗？", "xprv backup:\n{t}\n"]
    for i, version in enumerate(versions):
        add(KIND_EXTENDED_PRIVATE_KEY, frames[i % 3], extended_key(rng, version))
    frames = ["{t}", "这是我的 keystore 文件：\n{t}\n密码忘了怎么办", "UTC--2024 file: {t} thanks"]
    for i in range(20):
        add(KIND_KEYSTORE, frames[i % 3], keystore(rng, i))
    return cases


def personal_cases() -> list[tuple[str, str, int, int]]:
    rng = random.Random(86)
    cases: list[tuple[str, str, int, int]] = []

    def add(kind: str, frame: str, value: str) -> None:
        start = frame.index("{v}")
        cases.append((kind, frame.format(v=value), start, start + len(value)))

    users = ["zhang.wei", "li_na88", "wang-fang", "john.smith+tp", "crypto.fan2024", "chen1990"]
    domains = ["qq.com", "163.com", "gmail.com", "outlook.com", "foxmail.com", "mail.example.cn"]
    for i in range(35):
        email = f"{rng.choice(users)}{i}@{rng.choice(domains)}"
        add(
            KIND_EMAIL,
            ["邮箱 {v}", "contact me at {v} please", "{v}", "我的邮箱是{v}，谢谢"][i % 4],
            email,
        )
    for i in range(35):
        digits = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        shapes = [
            digits,
            f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"+86 {digits}",
            f"+86-{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"0086{digits}",
            f"+1 415 555 {rng.randrange(10000):04d}",
            f"+44 20 7946 {rng.randrange(10000):04d}",
            f"+65 9{rng.randrange(10**7):07d}",
            f"+1 (212) 555-{rng.randrange(10000):04d}",
        ]
        frames = [
            "手机号 {v}",
            "联系电话：{v}",
            "call me on {v}",
            "{v}",
            "微信同号{v}，麻烦尽快联系",
        ]
        add(KIND_PHONE, frames[i % len(frames)], shapes[i % len(shapes)])
    for i in range(30):
        add(
            KIND_NATIONAL_ID,
            ["身份证号 {v}", "ID: {v}", "{v}", "实名认证用的是{v}。"][i % 4],
            china_id(rng),
        )
    return cases


def covered(findings: list[Finding], kind: str, start: int, end: int) -> bool:
    return any(f.kind == kind and f.start <= start and f.end >= end for f in findings)


# --------------------------------------------------------------------------------------------
# 1. Precision: ordinary support text is never refused or escalated
# --------------------------------------------------------------------------------------------


def negative_lines() -> list[str]:
    lines = [line.strip() for line in NEGATIVES.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def is_chinese(line: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in line) >= 4


def test_negatives_corpus_is_big_and_bilingual() -> None:
    lines = negative_lines()
    chinese = sum(map(is_chinese, lines))
    assert len(lines) >= 400
    assert 0.55 <= chinese / len(lines) <= 0.7, (chinese, len(lines))


def test_no_refusal_on_ordinary_support_text() -> None:
    lines = negative_lines()
    refused = [(line, find_secrets(line)) for line in lines if find_secrets(line)]
    personal = [(line, find_personal_data(line)) for line in lines if find_personal_data(line)]
    print(
        f"\nnegatives: {len(lines)} lines, {len(refused)} secret and {len(personal)} personal hits"
    )
    assert refused == []
    assert personal == []


# --------------------------------------------------------------------------------------------
# 2. Recall: generated secrets and personal data are all caught, with the right kind
# --------------------------------------------------------------------------------------------


def test_recovery_phrases_are_caught() -> None:
    cases = recovery_cases()
    missed = [t for t, s, e in cases if not covered(find_secrets(t), KIND_RECOVERY_PHRASE, s, e)]
    print(f"\nrecovery phrases: {len(cases) - len(missed)}/{len(cases)}")
    assert len(cases) >= 200
    assert missed == []


def test_hex_private_keys_with_context_are_caught() -> None:
    cases = hex_key_cases()
    missed = [t for t, s, e in cases if not covered(find_secrets(t), KIND_PRIVATE_KEY, s, e)]
    print(f"\nhex private keys: {len(cases) - len(missed)}/{len(cases)}")
    assert len(cases) == 100
    assert missed == []


def test_wif_xprv_and_keystores_are_caught() -> None:
    cases = token_cases()
    missed = [(k, t) for k, t, s, e in cases if not covered(find_secrets(t), k, s, e)]
    counts = {k: sum(c[0] == k for c in cases) for k in (KIND_WIF_KEY, KIND_EXTENDED_PRIVATE_KEY)}
    print(f"\nkeys and keystores: {len(cases) - len(missed)}/{len(cases)} {counts}")
    assert counts[KIND_WIF_KEY] >= 50
    assert counts[KIND_EXTENDED_PRIVATE_KEY] >= 30
    assert sum(c[0] == KIND_KEYSTORE for c in cases) >= 20
    assert missed == []


def test_personal_data_is_caught_and_is_not_a_secret() -> None:
    cases = personal_cases()
    missed = [(k, t) for k, t, s, e in cases if not covered(find_personal_data(t), k, s, e)]
    print(f"\npersonal data: {len(cases) - len(missed)}/{len(cases)}")
    assert len(cases) >= 100
    assert missed == []
    assert [t for _, t, _, _ in cases if find_secrets(t)] == []


def test_eight_list_words_in_prose_are_caught_and_seven_are_not() -> None:
    assert "the" not in EN_WORDS and "and" not in EN_WORDS  # the words around the run
    rng = random.Random(7)
    for _ in range(50):
        words = rng.sample(EN.wordlist, 8)
        text = f"I saw the {' '.join(words)} and the rest"
        start = text.index(words[0])
        assert covered(
            find_secrets(text), KIND_RECOVERY_PHRASE, start, start + len(" ".join(words))
        )
        seven = f"I saw the {' '.join(words[:7])} and the rest"
        assert find_secrets(seven) == []


def test_long_common_sentences_are_not_phrases() -> None:
    sentences = [
        "please check the new version and try again after you restart the phone",
        "Please check your network, then try again later, and if it still fails send us a "
        "screen record with your device model and system version.",
        "I can not find the swap button, can you help me please, thank you very much",
    ]
    for sentence in sentences:
        assert find_secrets(sentence) == [], sentence


# --------------------------------------------------------------------------------------------
# 3. remove_spans keeps everything but the secret
# --------------------------------------------------------------------------------------------


def test_remove_spans_removes_only_the_phrase() -> None:
    words = EN.to_mnemonic(bytes(range(16))).split(" ")
    text = f"My app crashes. seed: {' '.join(words)} please help"
    kept = remove_spans(text, find_secrets(text))
    assert kept == "My app crashes. seed: […] please help"
    assert not any(w in kept.split() for w in words)


def test_remove_spans_never_leaks_a_phrase_word() -> None:
    rng = random.Random(11)
    over = 0
    for i in range(200):
        words = phrase(EN, rng, (12, 24)[i % 2])
        text = f"My app crashes. seed: {' '.join(words)} please help"
        kept = remove_spans(text, find_secrets(text))
        # "seed", "please" and "help" are list words too: a checksum-valid window may cover them
        kept = kept.replace("My app crashes. […]", "My app crashes. seed: […]")
        assert kept.startswith("My app crashes. seed: […]")
        tail = kept.removeprefix("My app crashes. seed: […]")
        assert tail in (" please help", " help", ""), kept
        over += tail != " please help"
    assert over < 80  # the phrase's own window is found; extra windows are the rarer case


def test_remove_spans_merges_overlaps_and_keeps_the_rest_byte_for_byte() -> None:
    text = "a\r\nb  c\tdé 助记词"
    spans = [Finding(KIND_EMAIL, 5, 7), Finding(KIND_PHONE, 6, 9), Finding(KIND_PHONE, 0, 1)]
    assert remove_spans(text, spans) == "[…]\r\nb […]é 助记词"
    assert remove_spans(text, []) == text
    assert (
        remove_spans(text, [Finding(KIND_EMAIL, 3, 4)], placeholder="***")
        == "a\r\n***  c\tdé 助记词"
    )
    assert remove_spans(text, [Finding(KIND_EMAIL, 3, 4), Finding(KIND_EMAIL, 4, 5)]) == (
        "a\r\n[…] c\tdé 助记词"
    )


# --------------------------------------------------------------------------------------------
# 4. Edge cases from the issue
# --------------------------------------------------------------------------------------------

TX = "5f3e9c2a7b1d4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e2f"


@pytest.mark.parametrize(
    "text",
    [
        f"txid: {TX}",
        f"TxID {TX}",
        f"交易哈希：{TX}",
        f"Hash: 0x{TX}",
        f"https://tronscan.org/#/transaction/{TX}",
        f"https://etherscan.io/tx/0x{TX}",
        f"看这里 https://bscscan.com/tx/0x{TX} 显示成功",
        f"https://btc.com/{TX}",  # a URL without any tx word: still a link, not a key
        f"帮我看看 explorer.example.org/#/{TX}",
        f"区块哈希 {TX}",
        f"转账一直没到账 {TX}",
        f"0x{TX}",  # bare and 0x-prefixed: Ethereum tx hashes are written this way
        f"txids:\n{TX}\n{TX[::-1]}\n{TX[1:] + 'a'}",
        f"私钥我从来没给过别人，被转走了，交易哈希 {TX}",
        f"public key {TX}",
    ],
)
def test_transaction_hashes_are_not_refused(text: str) -> None:
    assert find_secrets(text) == []


def test_hex_key_context_decides_and_bare_unprefixed_hex_is_refused() -> None:
    assert [f.kind for f in find_secrets(f"交易失败了，我的私钥是 {TX}")] == [KIND_PRIVATE_KEY]
    # Documented choice: a bare 64-hex string with no word around it looks like an exported
    # ETH/TRON key, so it is refused; the same string labelled as a txid is not.
    assert [f.kind for f in find_secrets(TX)] == [KIND_PRIVATE_KEY]
    assert find_secrets(f"txid {TX}") == []
    # Not a real key even after "private key": zero, all-f and low-variety placeholders.
    assert find_secrets("private key: " + "0" * 64) == []
    assert find_secrets("private key: " + "f" * 64) == []
    assert find_secrets("private key: " + "ab" * 32) == []


@pytest.mark.parametrize(
    "text",
    [
        "我的 xpub 是 " + b58check(bytes.fromhex("0488B21E") + bytes(range(74))),
        "ETH 地址 0x52908400098527886E0F7030069857D2E4169EE7",
        "波场地址 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        "BTC: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq 和 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "P2SH 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    ],
)
def test_addresses_and_public_keys_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []
    assert find_personal_data(text) == []


def test_broken_checksums_are_not_keys() -> None:
    rng = random.Random(5)
    good_wif = wif(rng.randbytes(32), compressed=True)
    good_xprv = extended_key(rng, "0488ADE4")
    assert [f.kind for f in find_secrets(good_wif)] == [KIND_WIF_KEY]
    assert [f.kind for f in find_secrets(good_xprv)] == [KIND_EXTENDED_PRIVATE_KEY]
    for good in (good_wif, good_xprv):
        i = len(good) // 2
        broken = good[:i] + ("2" if good[i] != "2" else "3") + good[i + 1 :]
        assert find_secrets(broken) == []


def test_unspaced_chinese_after_keyword_needs_a_valid_checksum() -> None:
    rng = random.Random(12)
    flagged = 0
    for _ in range(40):
        words = phrase(ZH_S, rng, 12)
        valid = "".join(words)
        assert ZH_S.check(" ".join(words))
        text = f"我的助记词是{valid}，请帮我看看"
        assert covered(find_secrets(text), KIND_RECOVERY_PHRASE, 6, 18)
        # change the last character until the checksum fails (checked with the mnemonic package)
        for candidate in ZH_S.wordlist:
            invalid = [*words[:-1], candidate]
            if not ZH_S.check(" ".join(invalid)):
                break
        # the same invalid phrase written with spaces is a run of 12 list characters: caught
        assert find_secrets(f"我的助记词是 {' '.join(invalid)}，请帮我看看") != []
        flagged += 1
    assert flagged == 40


def test_unspaced_chinese_without_keyword_or_glued_to_it_is_caught() -> None:
    words = "".join(phrase(ZH_S, random.Random(3), 12))
    for text in (
        f"今天{words}，请帮我看看",
        f"我的助记词{words}，请帮我看看",
        f"助记词：{words}还有别的字",
    ):
        start = text.index(words)
        assert covered(find_secrets(text), KIND_RECOVERY_PHRASE, start, start + 12), text


def test_checksum_agrees_with_the_mnemonic_package() -> None:
    rng = random.Random(99)
    for _ in range(200):
        words = [rng.choice(ZH_T.wordlist) for _ in range(12)]
        expected = ZH_T.check(" ".join(words))
        found = find_secrets("Seed: " + "".join(words))
        assert bool(found) == expected


def test_id_numbers_need_check_digit_and_plausible_date() -> None:
    good = china_id(random.Random(1))
    assert [f.kind for f in find_personal_data(f"身份证 {good}")] == [KIND_NATIONAL_ID]
    wrong_check = good[:-1] + ("1" if good[-1] != "1" else "2")
    assert find_personal_data(f"身份证 {wrong_check}") == []
    future = good[:6] + f"{date.today().year + 1}0101" + good[14:]
    assert all(f.kind != KIND_NATIONAL_ID for f in find_personal_data(future))
    assert find_personal_data(f"订单号 {good}8") == []  # 19 digits: not an ID


@pytest.mark.parametrize(
    "text",
    [
        "gasPrice 15000000000 wei",
        "订单号 13912345678",
        "UTC+8 2024-06-15 13:45:20",
        "+2024-06-15",
        "余额 +13800138000 TRX",
        "v2.9.1 / 1.8.2 / iOS 17.5.1",
        "时间戳 1718431234567",
        "区块高度 62345678",
        "金额 1,380,013.8000 USDT",
        "0.13800138000 ETH",
        "这个数字 15000000000 是什么意思",  # 9 zeros: an amount, not a subscriber number
    ],
)
def test_numbers_that_are_not_phones(text: str) -> None:
    assert find_personal_data(text) == []


def test_personal_data_inside_a_secret_is_not_reported_twice() -> None:
    body = keystore(random.Random(2), 1).replace(
        "3198bc9c-6672-5ab3-d995-4942343ae5b6", "13800138000"
    )
    assert [f.kind for f in find_secrets(body)] == [KIND_KEYSTORE]
    assert find_personal_data(body) == []
    found = scan(f"邮箱 a@qq.com {body}")
    assert [f.kind for f in found] == [KIND_EMAIL, KIND_KEYSTORE]


def test_scan_sorts_both_kinds_and_is_secret() -> None:
    words = EN.to_mnemonic(bytes(16))
    text = f"call 13800138000 or mail me@x.cn, seed: {words}"
    found = scan(text)
    assert [f.kind for f in found] == [KIND_PHONE, KIND_EMAIL, KIND_RECOVERY_PHRASE]
    assert [f.is_secret for f in found] == [False, False, True]
    assert found == sorted(found, key=lambda f: f.start)
    assert set(SECRET_KINDS).isdisjoint(PERSONAL_KINDS)
    with pytest.raises(AttributeError):
        found[0].kind = "x"  # type: ignore[misc]


def test_english_keyword_before_unspaced_chinese_in_any_case() -> None:
    words = "".join(phrase(ZH_S, random.Random(21), 12))
    for prefix in ("SEED: ", "Mnemonic = ", "İstanbul 的朋友说 recovery phrase: "):
        text = f"{prefix}{words}"  # "İ" grows when lower-cased: the other code path
        assert covered(find_secrets(text), KIND_RECOVERY_PHRASE, len(prefix), len(text)), prefix


def test_email_edges() -> None:
    text = "@moderator 我的邮箱 me@x.cn，图片 icon@2x.png"
    assert [text[f.start : f.end] for f in find_personal_data(text)] == ["me@x.cn"]
    assert find_personal_data("@") == []
    assert find_personal_data("a@b") == []


# --------------------------------------------------------------------------------------------
# 7. The generated guard corpus (tests/data/guard_corpus.py) and the hand-written cases
# --------------------------------------------------------------------------------------------

sys.path.insert(0, str(Path(__file__).parent / "data"))
from guard_corpus import negatives as corpus_negatives  # noqa: E402
from guard_corpus import positives as corpus_positives  # noqa: E402

# What bench/guard.py reached (docs/benchmarks.md); a drop below fails. Grouped WIF/xprv (8-char
# groups without digits) is the known gap.
FLOORS = {"en-split-by-prose": 0.9, "en-typo-2": 0.95, "wif-grouped": 0.0, "xprv-grouped": 0.0}


def caught(text: str) -> bool:
    return bool(find_secrets(text) or find_unclear_keys(text))


def test_generated_corpus_recall_per_form() -> None:
    total: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for form, text in corpus_positives():
        total[form] += 1
        hits[form] += caught(text)
    assert total.total() >= 5000
    assert sum(hits.values()) / total.total() >= 0.97
    low = {f: hits[f] / total[f] for f in total if hits[f] / total[f] < FLOORS.get(f, 0.98)}
    assert low == {}


def test_generated_negatives_are_never_refused_nor_asked_about() -> None:
    lines = corpus_negatives()
    assert len(lines) >= 1000
    assert sum(map(is_chinese, lines)) >= 400
    posts = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    assert [x for x in lines + posts if caught(x)] == []


def handwritten() -> list[tuple[str, str, str]]:
    text = (Path(__file__).parent / "data" / "guard_handwritten.txt").read_text(encoding="utf-8")
    cases = []
    for block in text.split("\n=== ")[1:]:
        head, _, body = block.partition("\n")
        kind, name = head.split()[:2]
        cases.append((kind, name, body.strip("\n")))
    return cases


@pytest.mark.parametrize(("kind", "name", "text"), handwritten(), ids=lambda v: str(v)[:30])
def test_handwritten_cases(kind: str, name: str, text: str) -> None:
    secrets, unclear = find_secrets(text), find_unclear_keys(text)
    if kind == "pos":
        assert secrets or unclear, name
    elif kind == "ask":
        assert unclear and not secrets, name
    else:
        assert not secrets and not unclear, name


def test_unclear_key_is_not_a_secret_and_context_settles_it() -> None:
    bare = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    (finding,) = find_unclear_keys(f"here it is {bare}")
    assert finding.kind == KIND_MAYBE_PRIVATE_KEY and not finding.is_secret
    assert find_secrets(f"here it is {bare}") == []
    assert find_unclear_keys(f"tx {bare} pending") == []
    assert find_secrets(f"my private key {bare}")[0].kind == KIND_PRIVATE_KEY


def test_refusing_a_phrase_keeps_the_prose_on_the_lines_around_it():
    """The span removed is the phrase, not the sentence after it that happens to contain
    list words ("now", "balance", "zero" are BIP-39 words)."""
    phrase = Mnemonic("english").to_mnemonic(bytes(range(16)))
    text = f"I restored my wallet on a new phone.\nMy words are: {phrase}\nNow the balance is zero."
    kept = safety.remove_spans(text, safety.find_secrets(text))
    assert kept.endswith("\nNow the balance is zero.")
    assert not any(word in kept.split() for word in phrase.split()[1:-1])
