"""Post markup: Markdown source -> sanitised HTML (render) and -> plain text (to_text).

Outbound http(s) links are rewritten to the interstitial /out?u=<url>, which shows the real
domain before anyone leaves the site (changing this means `flask forum rerender`).

The only user of markdown-it and bleach; imports only markdown-it, linkify-it, bleach, stdlib.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, unquote

import bleach
from bleach.html5lib_shim import Filter  # type: ignore[attr-defined]  # re-exported; stubs omit it
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "MAX_TABLE_CELLS",
    "OUT_PATH",
    "out_href",
    "render",
    "table_cells",
    "to_text",
]

# The pinned allow-list. Changing it means `flask forum rerender`. h1/h2 are absent on purpose:
# headings are demoted two levels so a post can never look like the page title.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# Every value is also checked (see _ATTRIBUTE_CHECKS); no style, no on*, no src anywhere.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "rel", "class"}),
    "code": frozenset({"class"}),  # language-xxx only
    "th": frozenset({"align"}),  # left | center | right (markdown-it's style= is rewritten)
    "td": frozenset({"align"}),
    "ol": frozenset({"start"}),  # digits only: "3. step" after a code block keeps its number
}
_LINK_REL = "nofollow noopener noreferrer ugc"
OUT_PATH = "/out"  # the interstitial every outbound web link goes through
_EXTERNAL_CLASS = "ext"

# A positive href pattern, checked on the normalised (percent-encoded, ASCII) URL: http(s) with
# a host, mailto:, an in-page #fragment, or a same-site path with one leading "/" (so not
# "//host" or "/\host"). The character class is RFC 3986's: no backslash, space or control
# character can appear anywhere, so tab-split or entity-encoded schemes never match.
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_SAFE_HREF = re.compile(
    rf"(?:(?i:https?)://[A-Za-z0-9\[]{_URL_CHARS}*"
    rf"|(?i:mailto):{_URL_CHARS}+"
    rf"|\#{_URL_CHARS}*"
    rf"|/(?!/){_URL_CHARS}*)"
)
_SAFE_DECODED_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x1f\x7f]*")
_EXTERNAL_HREF = re.compile(r"(?i:https?:|mailto:)")
_WEB_HREF = re.compile(r"(?i:https?:)")
_LANGUAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+#.-]{0,31}")
_LANGUAGE_CLASS = re.compile(rf"language-{_LANGUAGE.pattern}")
_ALIGN = re.compile(r"text-align:(left|center|right)")
_DEMOTE = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}

# NUL, other C0/C1 controls (tab and newlines kept), lone surrogates, non-characters, and bidi
# embeddings/overrides/isolates, which can disguise a URL or an address ("Trojan source").
_UNWANTED_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
# Linkify reads CJK text glued to a URL as part of it ("见https://a.b/c，谢谢"): cut there.
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")


# Rendering cost: a table's every row is padded to the header's width, so a 20,000-character
# post of one wide header and many one-letter rows made millions of cells (seconds of CPU).
# Writers refuse sources over this many cells (posting.check_body); nesting is capped by the
# commonmark preset's maxNesting (20).
MAX_TABLE_CELLS = 2000
_DELIMITER_ROW = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")


def table_cells(source: str) -> int:
    """An upper bound of the table cells `source` renders to, in one linear pass: each table
    is its delimiter row's column count times its rows (header to the next blank line)."""
    total = columns = 0
    previous = ""
    for line in source.split("\n"):
        if not line.strip():
            columns = 0
        elif columns:
            total += columns
        elif "|" in line and "-" in line and _DELIMITER_ROW.fullmatch(line):
            columns = line.strip().strip("|").count("|") + 1
            total += columns * (2 if previous.strip() else 1)  # header and delimiter rows
        previous = line
    return total


def render(source: str) -> str:
    """Markdown source -> sanitised HTML, to be stored in a *_html column."""
    return _sanitise(_markdown_html(source))


def to_text(source: str) -> str:
    """Markdown source -> the post's visible text, one line per block, for search and snippets.

    Plain text, not HTML: whatever "<" the author typed as text is kept, so escape on display.
    """
    pieces: list[str] = []
    for token in _MD.parse(_clean_source(source)):
        if token.type == "inline":
            pieces.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            pieces.append(token.content + "\n")
        elif token.type in ("th_close", "td_close"):
            pieces.append(" ")
        elif token.block and (token.nesting == -1 or token.type == "hr"):
            pieces.append("\n")
    lines = (_HORIZONTAL_SPACE.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _clean_source(source: str) -> str:
    return _UNWANTED_CHARS.sub("", source)


def _markdown_html(source: str) -> str:
    """First wall: markdown-it with raw HTML off and every link checked in the token stream."""
    return _MD.render(_clean_source(source))


def _sanitise(html: str) -> str:
    """Second wall: bleach with the pinned allow-list, as if markdown-it had let anything by."""
    return _CLEANER.clean(html)


def _is_safe_href(href: str) -> bool:
    """True if href matches the positive pattern (http(s), mailto, #fragment, /same-site)."""
    if _SAFE_HREF.fullmatch(href) is None:
        return False
    # A same-site path must stay one even after a server or proxy percent-decodes it.
    return not href.startswith("/") or _SAFE_DECODED_PATH.fullmatch(unquote(href)) is not None


def _link_attrs(href: str, title: str | None = None) -> dict[str, str | int | float]:
    attrs: dict[str, str | int | float] = {"href": href}
    if title:
        attrs["title"] = title
    attrs["rel"] = _LINK_REL
    if _EXTERNAL_HREF.match(href):
        attrs["class"] = _EXTERNAL_CLASS
    return attrs


# --- the token-level wall ------------------------------------------------------------------


def _harden(state: StateCore) -> None:
    """Core rule, run last: demote headings, check fences and table alignment, fix links."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _DEMOTE.get(token.tag, "h6")
        elif token.type == "fence":
            words = token.info.split(maxsplit=1)
            token.info = words[0] if words and _LANGUAGE.fullmatch(words[0]) else ""
        elif token.type in ("th_open", "td_open"):
            match = _ALIGN.fullmatch(str(token.attrGet("style") or ""))
            token.attrs = {"align": match.group(1)} if match else {}
        elif token.type == "inline" and token.children:
            token.children = _harden_inline(token.children)


def _harden_inline(children: list[Token]) -> list[Token]:
    """Drop unsafe or nested links to their text; turn images into links; set rel and class."""
    out: list[Token] = []
    kept: list[bool] = []  # one entry per open link: was its <a> kept?
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            keep = _is_safe_href(href) and not any(kept)
            kept.append(keep)
            if keep:
                token.attrs = _link_attrs(href, _str_or_none(token.attrGet("title")))
                out.append(token)
        elif token.type == "link_close":
            if kept and kept.pop():
                out.append(token)
        elif token.type == "image":
            out.extend(_image_as_link(token, inside_link=any(kept)))
        else:
            out.append(token)
    return out


def _image_as_link(image: Token, inside_link: bool) -> list[Token]:
    """No third-party images on a wallet forum (tracking, look-alikes): link to it instead."""
    src = str(image.attrGet("src") or "")
    alt = _inline_text(image.children or []).strip()
    if inside_link or not _is_safe_href(src):
        return [_text_token(alt)] if alt else []
    link_open = Token("link_open", "a", 1)
    link_open.attrs = _link_attrs(src, _str_or_none(image.attrGet("title")))
    return [link_open, _text_token(alt or _MD.normalizeLinkText(src)), Token("link_close", "a", -1)]


class _CjkAwareValidator:
    """A linkify-it schema validator: the stock one, cut where CJK prose is glued on."""

    def __init__(self, schema: str) -> None:
        self.schema = schema

    def validate(self, text: str, pos: int) -> int:
        length = _STOCK_LINKIFY.test_schema_at(text, self.schema, pos)
        return _cjk_cut(text[pos : pos + length]) if length else 0


def _cjk_cut(tail: str) -> int:
    """Length of a linkified URL tail ("//host/path" or "user@host") before CJK prose starts."""
    host_start = 2 if tail.startswith("//") else tail.find("@") + 1
    host_end = len(tail)
    for sep in "/?#":
        found = tail.find(sep, host_start)
        if found != -1:
            host_end = min(host_end, found)
    for match in _CJK.finditer(tail, host_start):
        i = match.start()
        # In the host a whole-CJK label ("例子.中国") is a real IDN; ASCII then CJK is prose.
        glued = tail[i - 1].isascii() and tail[i - 1].isalnum()
        if i >= host_end or glued or _CJK_PUNCTUATION.match(tail[i]):
            return i if i > host_start else 0
    return len(tail)


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for token in children:
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.type == "image":
            parts.append(_inline_text(token.children or []))
    return "".join(parts)


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# --- the bleach wall ------------------------------------------------------------------------


def _is_positive_int(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 9


_ATTRIBUTE_CHECKS: dict[tuple[str, str], Callable[[str], bool]] = {
    ("a", "href"): _is_safe_href,
    ("a", "rel"): lambda value: value == _LINK_REL,
    ("a", "class"): lambda value: value == _EXTERNAL_CLASS,
    ("code", "class"): lambda value: _LANGUAGE_CLASS.fullmatch(value) is not None,
    ("th", "align"): lambda value: value in ("left", "center", "right"),
    ("td", "align"): lambda value: value in ("left", "center", "right"),
    ("ol", "start"): _is_positive_int,
}


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, frozenset()):
        return False
    check = _ATTRIBUTE_CHECKS.get((tag, name))
    return check is None or check(value)


def out_href(url: str) -> str:
    """The interstitial's address for an outbound web link (the URL percent-encoded whole)."""
    return f"{OUT_PATH}?u={quote(url, safe='')}"


class _LinkRelFilter(Filter):
    """After sanitising: every <a> gets rel, class="ext" exactly when it leaves the site, and
    web links go through the interstitial (the href was checked by the sanitiser first)."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                data = token["data"]
                href = data.get((None, "href"), "")
                data[(None, "rel")] = _LINK_REL
                if _WEB_HREF.match(href):
                    # the sanitiser hands over "&" as "&amp;": encode the URL itself
                    data[(None, "href")] = out_href(html.unescape(href))
                if _EXTERNAL_HREF.match(href) or href.startswith(f"{OUT_PATH}?"):
                    data[(None, "class")] = _EXTERNAL_CLASS
                else:
                    data.pop((None, "class"), None)
            yield token


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": False, "linkify": True, "typographer": False, "breaks": True},
    ).enable(["table", "strikethrough", "linkify"])
    # Parse every destination and let _harden decide with the positive pattern, so a refused
    # link keeps its text instead of showing its raw Markdown.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    if md.linkify is None:
        raise RuntimeError("linkify-it-py is required")
    # Only scheme links and e-mail addresses: "setup.py" or "README.md" are not links, and
    # protocol-relative "//host" and ftp: never are.
    md.linkify.set({"fuzzy_link": False}).add("//", None).add("ftp:", None)
    for schema in ("http:", "mailto:"):  # "https:" is an alias of "http:"
        md.linkify.add(schema, {"validate": _CjkAwareValidator(schema).validate})
    md.core.ruler.push("forum_harden", _harden)
    return md


_STOCK_LINKIFY = LinkifyIt()
_MD = _build_markdown()
_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=frozenset({"http", "https", "mailto"}),
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)
