"""Generated guard corpus (seeded, deterministic): realistic accidental forms of wallet secrets,
and ordinary support text. Used by tests/test_safety.py and bench/guard.py.

    positives() -> [(form, text)]   every text holds one secret the guard must refuse or ask about
    negatives() -> [line]           ordinary support text the guard must pass untouched

Nothing here is shared with forum/safety*.py: own Base58Check, own layouts, own typos.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from mnemonic import Mnemonic

HERE = Path(__file__).parent
EN = Mnemonic("english")
ZH = {"zh-s": Mnemonic("chinese_simplified"), "zh-t": Mnemonic("chinese_traditional")}
LENGTHS = (12, 15, 18, 21, 24)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

EN_BEFORE = [
    "Hi, I reinstalled the app and my balance is gone. My words are:",
    "please help, the import says invalid. I typed",
    "Is this right? From my backup card:",
    "wallet wont restore with",
    "I wrote these down when I created the wallet",
    "Support asked me to confirm my words, here:",
    "this is what I saved in my notes app",
    "",
]
EN_AFTER = ["", "what am I doing wrong?", "thanks in advance", "It worked yesterday.", "pls help"]
EN_NOISE = ["and", "then", "the", "um", "or", "ok"]
EN_PROSE_LINES = [
    "and the second half of the card, which is a bit smudged:",
    "the rest is on the back of the paper",
    "(continued on next page)",
    "then these six:",
    "sorry, my phone cut it off, the rest:",
]
ZH_BEFORE = [
    "我的助记词如下，请帮我看看为什么导入失败：", "导入钱包的时候我输入了", "恢复不了，我抄的是",
    "客服让我发一下，", "这是我备份的", "请问这样对吗", "我在备忘录里存的是", "",
]  # fmt: skip
ZH_AFTER = ["然后就显示错误", "请帮忙看看", "是不是顺序错了？", "，谢谢", "", "导入提示无效"]
ZH_KEYWORDS = ["助记词：", "我的助记词", "助記詞如下", "恢复短语", "seed phrase:", "备份的词"]
HEX_BEFORE = [
    "this is what it showed when I clicked export:", "here it is", "the app shows", "is this it?",
    "是这个吗：", "导出以后显示的是", "my key:", "私钥", "I copied", "",
]  # fmt: skip


def _rng(name: str) -> random.Random:
    return random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))


def _mnemonic(m: Mnemonic, rng: random.Random, words: int) -> list[str]:
    return m.to_mnemonic(rng.randbytes(words * 4 // 3)).split(m.delimiter or " ")


def _b58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num, out = int.from_bytes(raw, "big"), ""
    while num:
        num, digit = divmod(num, 58)
        out = B58[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # a letter left out
    if kind == 1:
        return word[:i] + word[i - 1] + word[i:]  # a letter doubled
    if kind == 2 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped
    near = {"a": "s", "e": "r", "i": "o", "o": "p", "n": "m", "r": "t", "s": "a", "t": "y"}
    return word[:i] + near.get(word[i], "e") + word[i + 1 :]  # a neighbouring key


# --------------------------------------------------------------------------------------------
# English layouts
# --------------------------------------------------------------------------------------------


def _table(words: list[str], rng: random.Random) -> str:
    cols = rng.choice((1, 2, 3))
    head = "| " + " | ".join(["#", "word"] * cols) + " |"
    rows = [head, "|" + "---|" * (2 * cols)]
    for r in range(0, len(words), cols):
        cells = [f"{r + c + 1} | {w}" for c, w in enumerate(words[r : r + cols])]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _lines(words: list[str], size: int) -> str:
    return "\n".join(" ".join(words[i : i + size]) for i in range(0, len(words), size))


EN_LAYOUTS = {
    "en-spaced": lambda w, r: " ".join(w),
    "en-bullets": lambda w, r: "\n".join(f"{r.choice('-*+')} {x}" for x in w),
    "en-numbered": lambda w, r: "\n".join(f"{i}{r.choice(['.', ')', ':'])} {x}" for i, x in enumerate(w, 1)),
    "en-numbered-inline": lambda w, r: " ".join(f"{i}.{x}" for i, x in enumerate(w, 1)),
    "en-table": _table,
    "en-json": lambda w, r: json.dumps({"mnemonic": w} if r.random() < 0.5 else w),
    "en-python": lambda w, r: "words = [" + ", ".join(f"'{x}'" for x in w) + "]",
    "en-quoted": lambda w, r: " ".join(f'"{x}"' for x in w),
    "en-backticks": lambda w, r: " ".join(f"`{x}`" for x in w),
    "en-bold": lambda w, r: " ".join(f"**{x}**" for x in w),
    "en-joined": lambda w, r: r.choice("-._/|").join(w),
    "en-lines": lambda w, r: _lines(w, r.choice((1, 3, 4, 6))),
    "en-code-block": lambda w, r: "```\n" + " ".join(w) + "\n```",
    "en-caps": lambda w, r: " ".join(w).upper(),
    "en-capitalised": lambda w, r: ", ".join(x.capitalize() for x in w),
    "en-fullwidth": lambda w, r: " ".join(w).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
}  # fmt: skip


def _english(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for form, layout in EN_LAYOUTS.items():
        for n in range(110):
            words = _mnemonic(EN, rng, LENGTHS[n % 5])
            out.append((form, _wrap(layout(words, rng), rng, EN_BEFORE, EN_AFTER, "\n")))
    simple = ["en-spaced", "en-bullets", "en-json", "en-numbered", "en-lines"]
    for typos in (1, 2):
        for n in range(150):
            words = _mnemonic(EN, rng, LENGTHS[n % 5])
            for i in rng.sample(range(len(words)), typos):
                words[i] = _typo(words[i], rng)
            text = EN_LAYOUTS[rng.choice(simple)](words, rng)
            out.append((f"en-typo-{typos}", _wrap(text, rng, EN_BEFORE, EN_AFTER, "\n")))
    for n in range(150):
        words = _mnemonic(EN, rng, LENGTHS[n % 5])
        words.insert(rng.randrange(1, len(words)), rng.choice(EN_NOISE))
        out.append(("en-noise-word", _wrap(" ".join(words), rng, EN_BEFORE, EN_AFTER, " ")))
    for n in range(150):
        words = _mnemonic(EN, rng, (12, 24)[n % 2])
        cut = len(words) // 2 + rng.choice((-1, 0, 1))
        text = f"{' '.join(words[:cut])}\n{rng.choice(EN_PROSE_LINES)}\n{' '.join(words[cut:])}"
        out.append(("en-split-by-prose", _wrap(text, rng, EN_BEFORE, EN_AFTER, "\n")))
    return out


def _wrap(text: str, rng: random.Random, before: list[str], after: list[str], sep: str) -> str:
    return f"{rng.choice(before)}{sep}{text}{sep}{rng.choice(after)}".strip()


# --------------------------------------------------------------------------------------------
# Chinese layouts (simplified and traditional)
# --------------------------------------------------------------------------------------------

ZH_LAYOUTS = {
    "zh-keyword-line-above": lambda w, r: f"{r.choice(ZH_KEYWORDS)}\n{''.join(w)}",
    "zh-glued-before": lambda w, r: f"{r.choice(ZH_BEFORE)}{''.join(w)}",
    "zh-glued-after": lambda w, r: f"{''.join(w)}{r.choice(ZH_AFTER)}",
    "zh-glued-both": lambda w, r: f"{r.choice(ZH_BEFORE)}{''.join(w)}{r.choice(ZH_AFTER)}",
    "zh-two-lines": lambda w, r: f"{r.choice(ZH_BEFORE)}\n{''.join(w[: len(w) // 2])}\n{''.join(w[len(w) // 2 :])}",
    "zh-code-block": lambda w, r: f"{r.choice(ZH_BEFORE)}\n```\n{''.join(w)}\n```",
    "zh-json": lambda w, r: json.dumps(w, ensure_ascii=False),
    "zh-quoted": lambda w, r: "".join(f"“{x}”" for x in w),
    "zh-single-quoted": lambda w, r: ",".join(f"'{x}'" for x in w),
    "zh-spaced": lambda w, r: f"{r.choice(ZH_BEFORE)} {' '.join(w)}",
    "zh-commas": lambda w, r: f"{r.choice(ZH_BEFORE)}{r.choice('，、,').join(w)}",
    "zh-numbered": lambda w, r: "\n".join(f"{i}. {x}" for i, x in enumerate(w, 1)),
}  # fmt: skip


def _chinese(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for form, layout in ZH_LAYOUTS.items():
        for lang, m in ZH.items():
            for n in range(90):
                words = _mnemonic(m, rng, (12, 12, 24, 15, 18)[n % 5])
                out.append((f"{form} ({lang})", layout(words, rng)))
    return out


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


def _key(rng: random.Random) -> str:
    while True:
        key = rng.randbytes(32)
        if 0 < int.from_bytes(key, "big") < 2**256 - 2**129:
            return key.hex()


def _keys(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for n in range(60):
        key = _key(rng)
        before = rng.choice(HEX_BEFORE)
        out.append(("hex-0x-no-key-word", f"{before} 0x{key}"))
        groups = 4 if n % 2 else 8
        out.append(
            (
                "hex-grouped",
                f"{before} " + " ".join(key[i : i + groups] for i in range(0, 64, groups)),
            )
        )
        parts = rng.choice((2, 4))
        out.append(
            (
                "hex-split-lines",
                f"{before}\n"
                + "\n".join(key[i : i + 64 // parts] for i in range(0, 64, 64 // parts)),
            )
        )
        out.append(
            (
                "hex-glued",
                f"{rng.choice(['privatekey', 'key', '私钥', 'exported', 'mykey'])}{rng.choice(['', '0x'])}{key}",
            )
        )
        raw = bytes.fromhex(key)
        wif = _b58check(b"\x80" + raw + (b"\x01" if n % 2 else b""))
        xprv = _b58check(bytes.fromhex("0488ade4") + rng.randbytes(74))
        for name, value in (("wif", wif), ("xprv", xprv)):
            cut = rng.randrange(10, len(value) - 10)
            out.append((f"{name}-split-lines", f"{before}\n{value[:cut]}\n{value[cut:]}"))
            out.append(
                (f"{name}-glued", f"{rng.choice(['key', 'wif', 'backup', 'mine', 'here'])}{value}")
            )
            out.append(
                (f"{name}-grouped", " ".join(value[i : i + 8] for i in range(0, len(value), 8)))
            )
    return out  # fmt: skip


def positives() -> list[tuple[str, str]]:
    """(form, text) pairs: at least 5,000, every form of issue 10, both languages."""
    return _english(_rng("english")) + _chinese(_rng("chinese")) + _keys(_rng("keys"))


EN_TEMPLATES = [
    "I sent {amt} USDT from Binance to my wallet {ago} and it still has not arrived. txid {tx}",
    "Transaction {tx0x} is stuck as pending on BSC, gas price was 3 gwei.",
    "The explorer link https://etherscan.io/tx/{tx0x} says success but my balance did not change.",
    "Swap failed with 'execution reverted' on version {ver}, hash {tx0x}",
    "After updating to {ver} the app crashes on launch (Android {android}, {phone}).",
    "My address is {addr}, can someone check why the token does not show up?",
    "Withdrawal to {tron} on TRC20 has been confirming for {mins} minutes.",
    "Which network should I pick to send USDT to {tron}? The exchange says TRC20.",
    "I tried clearing the cache and reinstalling {ver}, same problem, white screen.",
    "Error: insufficient funds for gas * price + value (version={ver})",
    "console: [{time}] WARN rpc timeout after 30000ms url=https://bsc-dataseed.binance.org",
    "npm ERR! code ERESOLVE while installing web3@{semver}",
    "const tx = await signer.sendTransaction({{ to: '{addr}', value: parseEther('0.1') }});",
    "curl -s https://api.trongrid.io/v1/accounts/{tron}/transactions | jq '.data[0].txID'",
    "Block {block} on Ethereum, my deposit {tx0x} has {conf} confirmations now.",
    "I approved the token on a site I do not trust. Approval tx {tx0x} — how do I revoke it?",
    "The DApp browser shows 'network error' on iOS {ios}; on wifi and on 4G the same.",
    "My BTC address {btc} received 0.0042 BTC but the app shows 0.",
    "Is {ver} the latest version? The store still offers {ver2}.",
    "Can I import my wallet on a second phone with the same recovery phrase? Is that safe?",
    "Never share your seed phrase or private key with anyone, including people claiming to be support.",
    "Where do I find the export private key option? I want to move to a hardware wallet.",
    "Thanks, it worked after I switched the node to the official one.",
    "The fee was {fee} TRX, is that normal for a USDT transfer with no energy?",
    "Tried on {phone} with Android {android}; app build {build}; still no luck.",
    "Sent {amt} USDT to the wrong chain (ERC20 instead of TRC20) to {addr}. Can it be recovered?",
    "My balance shows {amt} USDT but when I try to send it says insufficient balance.",
    "Log: {time} INFO wallet sync finished height={block} peers=8",
    "2024-06-1{d}T{time}Z ERROR TxPool: replacement transaction underpriced nonce={nonce}",
    "The QR code for {addr} is not readable in the scanner, I had to paste it.",
    "checksum of the apk from the website: sha256 {sha}",
    "I am on version {ver}, tried both the Play Store build and the APK from the website.",
    "Same here: tx hash {tx0x}, still pending after {mins} minutes.",
    "What does 'nonce too low' mean? Here is the failed transaction: {tx0x}",
    "The token contract is {addr}, decimals 18, symbol TEST.",
    "Please read the pinned post about fake support accounts before you reply to any DM.",
    "It says 'invalid mnemonic' when I try to restore, I am sure every word is right.",
    "Do I need BNB for gas when sending USDT on BEP20? I only have {amt} USDT.",
    "hardware wallet connected, firmware {semver}, but signing fails with code 0x6985",
    "Why is the energy rental so expensive today? It was {fee} TRX yesterday.",
]
ZH_TEMPLATES = [
    "我从交易所提了 {amt} USDT 到钱包，{ago}了还没到账，交易哈希 {tx}",
    "这笔转账一直显示打包中：{tx0x}，手续费给的 3 gwei。",
    "区块浏览器 https://tronscan.org/#/transaction/{tx} 显示成功，但是余额没变。",
    "更新到 {ver} 以后一打开就闪退，安卓 {android}，手机是{phone_zh}。",
    "我的地址是 {addr}，请帮忙看一下为什么代币不显示。",
    "提币到 {tron}（TRC20）已经确认了 {mins} 分钟了，正常吗？",
    "转 USDT 到 {tron} 应该选哪个网络？交易所说是 TRC20。",
    "清理缓存、卸载重装 {ver} 都试过了，还是白屏。",
    "报错信息：余额不足以支付矿工费（版本 {ver}）",
    "闪兑失败了，提示“执行被回滚”，交易哈希 {tx0x}",
    "授权了一个不认识的网站，授权交易 {tx0x}，怎么取消授权？",
    "DApp 浏览器一直提示网络错误，iOS {ios}，换了 WiFi 和 4G 都一样。",
    "我的比特币地址 {btc} 收到了 0.0042 BTC，但是钱包里显示 0。",
    "{ver} 是最新版本吗？应用商店里还是 {ver2}。",
    "同一个助记词可以在两部手机上导入吗？安全吗？",
    "千万不要把助记词和私钥告诉任何人，包括自称客服的人。",
    "导出私钥的选项在哪里？我想换到硬件钱包。",
    "谢谢，切换到官方节点以后就好了。",
    "这次转 USDT 扣了 {fee} TRX 手续费，没有能量的情况下正常吗？",
    "用的是{phone_zh}，安卓 {android}，应用版本 {build}，还是不行。",
    "把 {amt} USDT 转错链了（ERC20 转到了 TRC20 地址 {addr}），还能找回吗？",
    "余额显示 {amt} USDT，但是转账的时候提示余额不足。",
    "日志：{time} 同步完成 高度={block}",
    "扫码识别不了 {addr} 的二维码，只能手动粘贴。",
    "官网下载的安装包 sha256 校验值是 {sha}",
    "我也是一样：交易哈希 {tx0x}，等了 {mins} 分钟还没确认。",
    "“nonce too low” 是什么意思？失败的交易在这里：{tx0x}",
    "代币合约地址是 {addr}，精度 18。",
    "回复私信之前请先看置顶帖，注意冒充客服的骗子。",
    "恢复钱包时提示“助记词无效”，我确定每个词都没抄错，顺序也对。",
    "用 BEP20 转 USDT 需要 BNB 做手续费吗？我只有 {amt} USDT。",
    "今天租能量怎么这么贵？昨天才 {fee} TRX。",
    "请问怎么添加自定义网络？RPC 地址填什么？链 ID 是 56 吗？",
    "钱包里的 NFT 不显示了，是不是要手动添加合约？",
    "客服你好，我的账户被冻结了吗？一直提示风险地址，地址是 {tron}。",
    "我昨天晚上八点左右转的，到现在都快一天了，交易所那边说链上没看到。",
    "麻烦管理员看看这个问题，已经等了好几天了，急用钱，谢谢大家。",
    "您好，我在更新到最新版本之後，資產頁面一直顯示為零，請問應該怎麼處理？",
    "轉帳到交易所一直沒有到帳，交易哈希是 {tx}，麻煩幫忙查一下。",
    "請問助記詞和私鑰有什麼區別？哪一個更重要？",
]
PHONES = ["Pixel 7", "Galaxy S23", "Redmi Note 12", "iPhone 14", "OnePlus 11", "Huawei P50"]
PHONES_ZH = ["华为 P50", "小米 13", "OPPO Reno 10", "vivo X90", "荣耀 90", "iPhone 14"]


def _negative_line(template: str, rng: random.Random) -> str:
    tx = rng.randbytes(32).hex()
    return template.format(
        tx=tx, tx0x="0x" + rng.randbytes(32).hex(), sha=rng.randbytes(32).hex(),
        addr="0x" + rng.randbytes(20).hex(), tron="T" + _b58check(b"A" + rng.randbytes(20))[1:34],
        btc=_b58check(b"\0" + rng.randbytes(20)), amt=rng.choice(["50", "200", "1,000", "37.5", "5000"]),
        ago=rng.choice(["2 hours ago", "yesterday", "3 days ago", "两个小时", "一天", "三天"]),
        ver=f"{rng.randint(1, 2)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        ver2=f"{rng.randint(1, 2)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        semver=f"{rng.randint(1, 6)}.{rng.randint(0, 12)}.{rng.randint(0, 30)}",
        android=rng.randint(9, 14), ios=f"{rng.randint(15, 17)}.{rng.randint(0, 6)}",
        phone=rng.choice(PHONES), phone_zh=rng.choice(PHONES_ZH), build=rng.randint(1000, 3000),
        mins=rng.choice([15, 40, 90, 180]), time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        block=rng.randint(18_000_000, 20_000_000), conf=rng.randint(1, 64), fee=rng.choice([13.7, 27, 6.5, 1.1]),
        d=rng.randint(0, 9), nonce=rng.randint(0, 500),
    )  # fmt: skip


def negatives() -> list[str]:
    """Ordinary support text, one line each: the hand-written file and 700 generated lines."""
    lines = [
        line.strip()
        for line in (HERE / "guard_negatives.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rng = _rng("negatives")
    templates = EN_TEMPLATES + ZH_TEMPLATES
    return lines + [_negative_line(templates[i % len(templates)], rng) for i in range(700)]
