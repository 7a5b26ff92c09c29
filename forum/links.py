"""Outbound links: the URLs and bare domains in a text, the registrable domain of each (the
public-suffix list bundled with tldextract, never fetched), and domains that imitate the brand.

Pure: stdlib, tldextract and confusable_homoglyphs; callers pass the operator's settings.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _extract():
    """tldextract over the snapshot shipped inside the package: no download, no cache
    directory. Built on first use (the list and the library are ~5 MB per process)."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


# Obfuscations scammers use so a filter misses the link: hxxp, [.] (.) " dot com", fullwidth.
_DEFANGED_DOT = re.compile(r"\s*[\[(（【]\s*(?:\.|dot|点)\s*[\])）】]\s*", re.IGNORECASE)
_SPOKEN_DOT = re.compile(r"\s+dot\s+(?=(?:com|net|org|io|xyz|app|cc|cn|co|pro|vip)\b)", re.I)
_HXXP = re.compile(r"\bhxxp(s?)://", re.IGNORECASE)

_URL = re.compile(
    r"(?:(?:https?)://|www\.)[^\s<>\"'()\[\]{}（）【】「」，。、；！？]+", re.IGNORECASE
)
_LABEL = r"[a-z0-9\u4e00-\u9fff](?:[a-z0-9\u4e00-\u9fff-]{0,61}[a-z0-9\u4e00-\u9fff])?"
_BARE = re.compile(rf"(?<![\w@.\-/])((?:{_LABEL}\.)+[a-z]{{2,24}})(?![\w\-@])", re.IGNORECASE)
# Public suffixes that are also common file extensions ("setup.py", "README.md", "a.zip"):
# written bare, without a scheme, they are files, not sites.
_FILE_SUFFIXES = frozenset({"py", "md", "sh", "rs", "pl", "ps", "so", "zip", "mov", "sol", "js"})
# Words scammers glue to a brand name: "tpwallet-support", "official-tokenpocket".
SERVICE_WORDS = (
    "support", "help", "official", "service", "verify", "validate", "recovery", "recover",
    "rectify", "fix", "kefu", "care", "desk", "secure", "claim", "airdrop", "sync", "app",
    "wallet", "cn", "guanfang", "unlock", "refund", "bonus", "reward",
)  # fmt: skip
_ASCII_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "3": "e", "5": "s", "4": "a"})


@dataclass(frozen=True)
class Destination:
    """Where a link really goes: the host and the registrable domain (what a person owns)."""

    url: str
    host: str
    registrable: str


@dataclass
class LinkScan:
    """The links of a text: every destination, those not on the allow-lists, and look-alikes."""

    destinations: list[Destination] = field(default_factory=list)
    unlisted: list[Destination] = field(default_factory=list)
    lookalikes: list[Destination] = field(default_factory=list)


def undefang(text: str) -> str:
    """Undo the usual disguises of a link: hxxp://, [.] and (dot), " dot com", full width."""
    text = unicodedata.normalize("NFKC", text)
    text = _HXXP.sub(r"http\1://", text)
    text = _DEFANGED_DOT.sub(".", text)
    return _SPOKEN_DOT.sub(".", text)


def destination(url: str) -> Destination | None:
    """The host and registrable domain of an http(s) URL or a bare host, or None. A URL whose
    host has no public suffix (an IP address, an unknown TLD) counts as its own domain; a bare
    name without one is not a link."""
    bare = "://" not in url
    raw = f"http://{url}" if bare else url
    try:
        host = (urlsplit(raw).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if not host:
        return None
    if "xn--" in host:
        with contextlib.suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    parts = _extract()(host)
    if not parts.suffix or not parts.domain:
        return None if bare else Destination(url, host, host)
    return Destination(url, host, f"{parts.domain}.{parts.suffix}")


def find(text: str) -> list[Destination]:
    """Every link in the text: URLs with a scheme or www., and bare domains like a-b.com."""
    text = undefang(text)
    found: list[Destination] = []
    for match in _URL.finditer(text):
        dest = destination(match.group(0).rstrip(".,;:!?"))
        if dest is not None:
            found.append(dest)
    without_urls = _URL.sub(" ", text)
    for match in _BARE.finditer(without_urls):
        name = match.group(1)
        if name.rsplit(".", 1)[-1].lower() in _FILE_SUFFIXES:
            continue
        dest = destination(name)
        if dest is not None:
            found.append(dest)
    return found


def on_list(dest: Destination, domains: list[str] | tuple[str, ...]) -> bool:
    """Whether the destination is one of these registrable domains (or a subdomain of one)."""
    listed = {d.strip().lower() for d in domains if d.strip()}
    return dest.registrable in listed or dest.host in listed


def skeleton(name: str) -> str:
    """A domain label folded to what it looks like: confusable letters to Latin, 0->o, 1->l,
    rn->m, vv->w, separators dropped, so "tpwa1let", "tp-wаllet" (Cyrillic a) fold alike."""
    name = unicodedata.normalize("NFKC", name).casefold()
    out = []
    for char in name:
        if char.isascii():
            out.append(char)
            continue
        from confusable_homoglyphs import confusables  # ~6 MB of data: on first use

        found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
        latin = [h["c"] for f in found or [] for h in f["homoglyphs"] if h["c"].isascii()]
        out.append(latin[0].lower() if latin else char)
    folded = "".join(out).translate(_ASCII_LOOKALIKES)
    folded = folded.replace("rn", "m").replace("vv", "w")
    return re.sub(r"[\W_]+", "", folded)


def imitates_brand(dest: Destination, brands: tuple[str, ...], official: tuple[str, ...]) -> bool:
    """A domain not on the official list whose name contains a brand word, is within a typo or
    two of one, or glues a short brand word to a service word ("tp-support")."""
    if on_list(dest, official):
        return False
    # the registrable name, and every label in front of it ("tpwallet-support.example.com")
    names = [dest.registrable, *dest.host.removesuffix(dest.registrable).split(".")]
    return any(_imitates(name, brands, official) for name in names if name)


@lru_cache(maxsize=4096)
def _imitates(registrable: str, brands: tuple[str, ...], official: tuple[str, ...]) -> bool:
    label = registrable.split(".", 1)[0]
    folded = skeleton(label)
    whole = skeleton(registrable.replace(".", ""))
    targets = {skeleton(b) for b in brands if b} | {skeleton(o.split(".", 1)[0]) for o in official}
    for target in filter(None, targets):
        if len(target) >= 5:
            if target in folded or target in whole or _distance(folded, target) <= 2:
                return True
            continue
        # short brand words ("tp"): only with a service word or as the whole name
        rest = folded.removeprefix(target) if folded.startswith(target) else None
        if rest is None and folded.endswith(target):
            rest = folded.removesuffix(target)
        if rest is not None and (rest == "" or any(w in rest for w in SERVICE_WORDS)):
            return True
    return False


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (two rows): small brand names, a handful of labels per post."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def scan(
    text: str,
    *,
    official: tuple[str, ...],
    trusted: tuple[str, ...],
    brands: tuple[str, ...],
    site_host: str = "",
) -> LinkScan:
    """The links of a text, sorted: off the allow-lists, and imitating the brand."""
    result = LinkScan()
    for dest in find(text):
        if site_host and dest.host == site_host:
            continue
        result.destinations.append(dest)
        if on_list(dest, official) or on_list(dest, trusted):
            continue
        result.unlisted.append(dest)
        if imitates_brand(dest, brands, official):
            result.lookalikes.append(dest)
    return result
