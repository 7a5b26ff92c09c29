"""Generated screenshots for the image guard: recovery-phrase screens (English and Chinese,
12 and 24 words, in several layouts) and ordinary wallet screens (errors, transactions,
settings) in both languages. Pillow with Debian's fonts (fonts-dejavu-core,
fonts-wqy-microhei). Shared by tests/test_media_guard.py and bench/uploads.py."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass

from mnemonic import Mnemonic
from PIL import Image, ImageDraw, ImageFont

LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CJK = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PHONE = (1080, 2160)
LAYOUTS = ("grid", "list", "dark", "phone-jpeg")
WORDLISTS = {"en": "english", "zh": "chinese_simplified", "zh-tw": "chinese_traditional"}


@dataclass(frozen=True)
class Screen:
    name: str
    data: bytes
    filename: str


def _font(size: int, cjk: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(CJK if cjk else LATIN, size)


def _canvas(dark: bool = False) -> tuple[Image.Image, ImageDraw.ImageDraw, tuple, tuple]:
    bg, fg = ((18, 18, 22), (235, 235, 235)) if dark else ((255, 255, 255), (25, 25, 25))
    image = Image.new("RGB", PHONE, bg)
    return image, ImageDraw.Draw(image), bg, fg


def _save(image: Image.Image, jpeg: bool = False) -> bytes:
    out = io.BytesIO()
    if jpeg:  # what a phone sends after the messenger shrank it
        image.resize((540, 1080), Image.Resampling.LANCZOS).save(out, "JPEG", quality=70)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def phrase_screen(lang: str, words: int, layout: str, seed: int = 0) -> Screen:
    """A wallet's "back up your recovery phrase" screen."""
    phrase = Mnemonic(WORDLISTS[lang]).to_mnemonic(random.Random(seed).randbytes(words * 4 // 3))
    image, draw, _bg, fg = _canvas(dark=layout == "dark")
    cjk = lang != "en"
    title = "备份助记词" if cjk else "Back up your recovery phrase"
    draw.text((70, 110), title, font=_font(52, cjk=True), fill=fg)
    note = "请按顺序抄写，不要截图" if cjk else "Write these words down in order."
    draw.text((70, 200), note, font=_font(34, cjk=True), fill=fg)
    font = _font(44 if words == 12 else 36, cjk)
    for i, word in enumerate(phrase.split()):
        if layout == "list":
            step = 70 if words == 12 else 62
            draw.text((90, 320 + i * step), f"{i + 1}. {word}", font=font, fill=fg)
        else:
            row, col = divmod(i, 3)
            x, y = 70 + col * 330, 330 + row * (120 if words == 12 else 95)
            draw.text((x, y), str(i + 1), font=_font(26), fill=fg)
            draw.text((x + 50, y - 8), word, font=font, fill=fg)
    name = f"phrase-{lang}-{words}-{layout}"
    return Screen(name, _save(image, jpeg=layout == "phone-jpeg"), name + ".png")


def phrase_screens() -> Iterator[Screen]:
    for lang in WORDLISTS:
        for words in (12, 24):
            for n, layout in enumerate(LAYOUTS):
                yield phrase_screen(lang, words, layout, seed=words * 10 + n)


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _tron(rng: random.Random) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    return "T" + "".join(rng.choice(alphabet) for _ in range(33))


def _lines(kind: str, zh: bool, rng: random.Random) -> list[str]:
    amount = f"{rng.uniform(1, 5000):.2f}"
    token = rng.choice(["USDT", "BNB", "ETH", "TRX"])
    if kind == "error":
        code = rng.randint(1000, 9999)
        if zh:
            return [
                "交易失败",
                f"错误代码 {code}",
                "矿工费不足，请先充值 BNB",
                "网络繁忙，请稍后重试",
                "确定",
            ]
        return ["Transaction failed", f"Error code {code}", "Insufficient gas fee.",
                "Please top up BNB and try again.", "OK"]  # fmt: skip
    if kind == "transfer":
        to = "0x" + _hex(rng, 40) if token != "TRX" else _tron(rng)
        tx = "0x" + _hex(rng, 64)
        if zh:
            return ["转账详情", f"金额 -{amount} {token}", "状态 待确认", "收款地址", to,
                    "交易哈希", tx, f"矿工费 0.00{rng.randint(10, 99)} BNB", "2026-11-24 21:05"]  # fmt: skip
        return ["Transfer details", f"Amount -{amount} {token}", "Status Pending", "To", to,
                "Transaction hash", tx, f"Network fee 0.00{rng.randint(10, 99)} BNB",
                "Nov 24, 2026 21:05"]  # fmt: skip
    if kind == "settings":
        version = f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}"
        if zh:
            return ["设置", "语言  简体中文", "货币单位  CNY", "节点设置", "安全中心", "消息通知",
                    f"关于我们  版本 {version}"]  # fmt: skip
        return ["Settings", "Language", "Currency  USD", "Node settings", "Security center",
                "Notifications", f"About us  Version {version}"]  # fmt: skip
    if kind == "home":
        if zh:
            return ["我的钱包", f"总资产 ¥{amount}", f"USDT  {rng.randint(1, 900)}.{rng.randint(10, 99)}",
                    f"BNB  {rng.uniform(0, 9):.4f}", "收款  转账  兑换", "添加代币"]  # fmt: skip
        return ["My wallet", f"Total assets ${amount}", f"USDT  {rng.randint(1, 900)}.{rng.randint(10, 99)}",
                f"BNB  {rng.uniform(0, 9):.4f}", "Receive  Send  Swap", "Add tokens"]  # fmt: skip
    # swap
    if zh:
        return ["兑换", f"支付 {amount} USDT", f"获得 {rng.uniform(0, 9):.4f} BNB", "滑点 0.5%",
                "价格影响 <0.01%", "授权 USDT", "确认兑换"]  # fmt: skip
    return ["Swap", f"From {amount} USDT", f"To {rng.uniform(0, 9):.4f} BNB", "Slippage 0.5%",
            "Price impact <0.01%", "Approve USDT", "Confirm swap"]  # fmt: skip


KINDS = ("error", "transfer", "settings", "home", "swap")


def ordinary_screen(kind: str, zh: bool, seed: int) -> Screen:
    """A screen people send when asking for help: nothing secret on it."""
    rng = random.Random(seed)
    dark = seed % 3 == 0
    image, draw, _bg, fg = _canvas(dark=dark)
    y = 120
    for i, line in enumerate(_lines(kind, zh, rng)):
        size = 52 if i == 0 else (30 if len(line) > 40 else 40)
        draw.text((60, y), line, font=_font(size, cjk=True), fill=fg)
        y += 110 if i == 0 else 80
    name = f"ordinary-{kind}-{'zh' if zh else 'en'}-{seed}"
    return Screen(name, _save(image, jpeg=seed % 4 == 1), name + ".png")


def ordinary_screens(per_kind: int = 6) -> Iterator[Screen]:
    """5 kinds x 2 languages x per_kind variants (dark mode and phone JPEGs among them)."""
    for kind in KINDS:
        for zh in (False, True):
            for n in range(per_kind):
                yield ordinary_screen(kind, zh, seed=n + (100 if zh else 0))
