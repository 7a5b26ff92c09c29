"""forum.markup: an XSS corpus through render() and each wall alone, and what real posts become."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum import markup
from forum.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, out_href, render, to_text

PAYLOAD_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"
_ESCAPE = re.compile(r"\\(\\|n|r|t|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})")
_SIMPLE_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}

# The oracle is written independently of forum/markup.py's own pattern on purpose.
SAFE_HREF = re.compile(r"(?:(?i:https?)://|(?i:mailto):|#|/(?![/\\]))[^\\]*")
BAD_HREF_CHARS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\\]")
REQUIRED_REL = {"nofollow", "noopener", "noreferrer", "ugc"}
FORBIDDEN_ATTRIBUTES = {"style", "src", "srcdoc", "formaction", "action", "xlink:href"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return _SIMPLE_ESCAPES.get(code) or chr(int(code[1:], 16))


def load_payloads() -> list[str]:
    """The corpus file's payloads, escapes decoded (format documented at the file's top)."""
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines()
    return [_ESCAPE.sub(_unescape, line) for line in lines if line and not line.startswith("#")]


PAYLOADS = load_payloads()


class _Audit(HTMLParser):
    """Lists everything in a fragment of HTML that the allow-list should have made impossible."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset())
        values = {name: value or "" for name, value in attrs}
        for name in values:
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES or name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
        href = values.get("href")
        if href is not None and (not SAFE_HREF.fullmatch(href) or BAD_HREF_CHARS.search(href)):
            self.problems.append(f"href {href!r}")
        if tag == "a" and not set(values.get("rel", "").split()) >= REQUIRED_REL:
            self.problems.append(f"<a> rel {values.get('rel')!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"end tag </{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data!r}")


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


def links(html: str) -> list[dict[str, str]]:
    """The attributes of every <a> in html, in order."""
    found: list[dict[str, str]] = []

    class _Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                found.append({name: value or "" for name, value in attrs})

    _Links(convert_charrefs=True).feed(html)
    return found


# --- the corpus ---------------------------------------------------------------------------------


def test_the_corpus_is_big_enough() -> None:
    assert len(PAYLOADS) >= 150, len(PAYLOADS)
    assert len(set(PAYLOADS)) == len(PAYLOADS), "duplicate payloads"


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"p{i:03d}" for i in range(len(PAYLOADS))])
def test_payload_renders_to_allow_listed_html_only(payload: str) -> None:
    assert audit(render(payload)) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"p{i:03d}" for i in range(len(PAYLOADS))])
def test_each_wall_holds_alone(payload: str) -> None:
    # markdown-it with the token rule, before bleach: already safe on its own.
    assert audit(markup._markdown_html(payload)) == []
    # bleach given the payload as raw HTML, as if markdown-it had passed it through.
    assert audit(markup._sanitise(payload)) == []


def test_the_harness_catches_what_it_should() -> None:
    bad = '<img src=x onerror=alert(1)><a href="javascript:1">x</a><a href="//e">y</a><!--c-->'
    problems = audit(bad)
    assert "tag <img>" in problems
    assert "attribute onerror on <img>" in problems
    assert "href 'javascript:1'" in problems
    assert "href '//e'" in problems
    assert "<a> rel None" in problems
    assert "comment 'c'" in problems


# --- the allow-list ------------------------------------------------------------------------------


def test_allow_list_is_pinned() -> None:
    # Changing either means `flask forum rerender`; this test makes the change deliberate.
    assert set(ALLOWED_TAGS) == {
        "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }  # fmt: skip
    assert dict(ALLOWED_ATTRIBUTES) == {
        "a": {"href", "title", "rel", "class"},
        "code": {"class"},
        "th": {"align"},
        "td": {"align"},
        "ol": {"start"},
    }
    assert not {"img", "svg", "math", "style", "iframe", "object", "embed", "form", "input"} & (
        ALLOWED_TAGS
    )


@pytest.mark.parametrize(
    ("tag", "attribute", "value", "kept"),
    [
        ("code", "class", "language-python", True),
        ("code", "class", "language-python x", False),
        ("code", "class", "hljs", False),
        ("td", "align", "right", True),
        ("td", "align", "justify", False),
        ("ol", "start", "3", True),
        ("ol", "start", "-1", False),
        ("a", "class", "ext", True),
        ("a", "class", "btn btn-primary", False),
        ("a", "href", "javascript:123", False),
        ("a", "href", "//evil.example", False),
        ("a", "href", "/t/12", True),
        ("p", "id", "x", False),
    ],
)
def test_bleach_checks_attribute_values(tag: str, attribute: str, value: str, kept: bool) -> None:
    href = ' href="https://x.example/"' if tag == "a" and attribute != "href" else ""
    element = f'<{tag}{href} {attribute}="{value}">x</{tag}>'
    if tag == "td":  # a stray cell is dropped by the HTML parser
        element = f"<table><tr>{element}</tr></table>"
    html = markup._sanitise(element)
    assert (f'{attribute}="{value}"' in html) is kept, html


# --- ordinary posts -------------------------------------------------------------------------------

NORMAL_POST = """\
My **USDT transfer** is stuck, *please* help.

1. Opened the wallet
2. Sent to `TXyz...` on TRON

```python
print("balance")
```

| Network | Fee |
|:--------|----:|
| TRON    | 1   |

> quoted from the FAQ

See [the guide](https://help.example.com/usdt) ~~or not~~.
"""


def test_a_normal_post_keeps_its_structure() -> None:
    html = render(NORMAL_POST)
    for fragment in (
        "<strong>USDT transfer</strong>",
        "<em>please</em>",
        "<ol>",
        "<li>Opened the wallet</li>",
        "<code>TXyz...</code>",
        '<pre><code class="language-python">print(&quot;balance&quot;)',
        "<table>",
        '<th align="left">Network</th>',
        '<td align="right">1</td>',
        "<blockquote>",
        "<s>or not</s>",
    ):
        assert fragment in html, fragment
    assert links(html) == [
        {
            "href": out_href("https://help.example.com/usdt"),
            "rel": "nofollow noopener noreferrer ugc",
            "class": "ext",
        }
    ]
    assert audit(html) == []


def test_single_newlines_become_line_breaks() -> None:
    assert render("line one\nline two") == "<p>line one<br>\nline two</p>\n"


def test_bare_urls_are_linked_and_marked_outbound() -> None:
    html = render("tx: https://tronscan.org/#/transaction/abc")
    assert links(html) == [
        {
            "href": out_href("https://tronscan.org/#/transaction/abc"),
            "rel": "nofollow noopener noreferrer ugc",
            "class": "ext",
        }
    ]
    assert ">https://tronscan.org/#/transaction/abc</a>" in html


def test_web_links_go_through_the_interstitial_and_are_marked_outbound() -> None:
    html = render("[support](https://evil.example/a?b=1&c=2)")
    assert 'href="/out?u=https%3A%2F%2Fevil.example%2Fa%3Fb%3D1%26c%3D2"' in html
    assert 'class="ext"' in html
    # a same-site link to the interstitial is marked too; a mailto: link stays as it is
    assert links(render("[x](/out?u=https%3A%2F%2Fa.example)"))[0]["class"] == "ext"
    assert links(render("<a@b.example>"))[0]["href"] == "mailto:a@b.example"


def test_bare_file_names_and_domains_are_not_links() -> None:
    assert links(render("edit setup.py, README.md or tronscan.org")) == []


def test_email_addresses_are_linked() -> None:
    assert links(render("mail support@example.com"))[0]["href"] == "mailto:support@example.com"


def test_same_site_links_are_kept_without_the_outbound_class() -> None:
    assert links(render("see [this thread](/t/12) and [the answer](#post-3)")) == [
        {"href": "/t/12", "rel": "nofollow noopener noreferrer ugc"},
        {"href": "#post-3", "rel": "nofollow noopener noreferrer ugc"},
    ]


@pytest.mark.parametrize(
    "source",
    [
        "[claim your airdrop](//evil.com)",
        "[claim your airdrop](/\\evil.com)",
        "[claim your airdrop](javascript:123)",
        "[claim your airdrop](JaVaScRiPt:alert(1))",
        "[claim your airdrop](data:text/html,x)",
        "[claim your airdrop](evil.com/path)",
        "[claim your airdrop][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_refused_links_keep_their_text_only(source: str) -> None:
    assert render(source) == "<p>claim your airdrop</p>\n"


def test_images_become_links_to_the_image() -> None:
    html = render(
        '![wallet screenshot](https://i.example/a.png "my screen") ![](https://i.example/b)'
    )
    assert "<img" not in html
    assert links(html) == [
        {
            "href": out_href("https://i.example/a.png"),
            "title": "my screen",
            "rel": "nofollow noopener noreferrer ugc",
            "class": "ext",
        },
        {
            "href": out_href("https://i.example/b"),
            "rel": "nofollow noopener noreferrer ugc",
            "class": "ext",
        },
    ]
    assert ">wallet screenshot</a>" in html
    assert ">https://i.example/b</a>" in html


def test_refused_images_and_images_inside_links_leave_their_alt_text() -> None:
    assert render("![pic](javascript:alert(1))") == "<p>pic</p>\n"
    html = render("[![logo](https://i.example/l.png)](https://wallet.example)")
    assert links(html) == [
        {
            "href": out_href("https://wallet.example"),
            "rel": "nofollow noopener noreferrer ugc",
            "class": "ext",
        }
    ]
    assert ">logo</a>" in html


def test_headings_are_demoted_below_the_page_title() -> None:
    html = render("# One\n## Two\n### Three\n#### Four\n###### Six")
    assert html == "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n<h6>Four</h6>\n<h6>Six</h6>\n"


def test_code_fence_languages_are_validated() -> None:
    assert '<code class="language-c++">' in render("```c++\nx\n```")
    assert "<code>" in render('```py" onclick="x\nx\n```')
    assert "<code>" in render("```<b>\nx\n```")


def test_raw_html_is_shown_as_text() -> None:
    assert render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_chinese_text_is_preserved() -> None:
    source = "转账一直显示“等待确认”，怎么办？\n请帮忙看看：**矿工费**不足吗？"
    html = render(source)
    assert html == (
        "<p>转账一直显示“等待确认”，怎么办？<br>\n请帮忙看看：<strong>矿工费</strong>不足吗？</p>\n"
    )


def test_urls_glued_to_chinese_prose_stop_where_the_prose_starts() -> None:
    html = render("请访问https://tronscan.org/#/transaction/abc查看。或者https://a.example/x，谢谢")
    assert [link["href"] for link in links(html)] == [
        out_href("https://tronscan.org/#/transaction/abc"),
        out_href("https://a.example/x"),
    ]
    assert "</a>查看。或者" in html
    assert "</a>，谢谢" in html


def test_an_all_chinese_domain_is_still_a_link() -> None:
    assert links(render("http://例子.中国"))[0]["href"] == out_href("http://xn--fsqu00a.xn--fiqs8s")


def test_ordered_lists_keep_their_start_number() -> None:
    assert '<ol start="3">' in render("3. third step\n4. fourth step")


def test_render_is_deterministic() -> None:
    for source in (NORMAL_POST, *PAYLOADS[:40]):
        assert render(source) == render(source)


# --- awkward input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "",
        " ",
        "\n\n\t  \n",
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "\ufeff",
        ">" * 100_000,
        "> " * 50_000,
        "[" * 100_000,
        "[](" * 10_000,
        "![" * 10_000,
        "*" * 30_000,
        "_a" * 15_000,
        "`" * 30_000,
        "<" * 30_000,
        "&#" * 15_000,
        "- " * 15_000,
        "|" * 30_000,
        "https://a.example/" + "a" * 30_000,
        "a@" * 15_000,
        "\\" * 30_000,
    ],
    ids=lambda source: repr(source[:12]) + f"x{len(source)}",
)
def test_awkward_input_does_not_crash_or_hang(source: str) -> None:
    started = time.perf_counter()
    html = render(source)
    text = to_text(source)
    # Generous: this catches hangs and blow-ups, not speed (markdown-it costs up to ~40 us per
    # character of "![![..."; forms cap the source length).
    assert time.perf_counter() - started < 20
    assert audit(html) == []
    assert "\x00" not in html + text
    html.encode("utf-8")  # no lone surrogates left
    text.encode("utf-8")


# --- to_text -------------------------------------------------------------------------------


def test_to_text_keeps_the_words_and_drops_the_markup() -> None:
    source = """\
# 转账问题

My **USDT** is stuck,   see [the guide](https://help.example.com/x) or https://tronscan.org/#/tx/1

![screenshot of the error](https://i.example/e.png)

```
wallet.send(amount=10)
```

- call `getBalance()`
- 等待确认
"""
    assert to_text(source) == (
        "转账问题\n"
        "My USDT is stuck, see the guide or https://tronscan.org/#/tx/1\n"
        "screenshot of the error\n"
        "wallet.send(amount=10)\n"
        "call getBalance()\n"
        "等待确认"
    )


def test_to_text_of_a_table_and_a_quote() -> None:
    source = "> quoted\n> line two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    assert to_text(source) == "quoted\nline two\na b\n1 2"


def test_to_text_never_produces_markup() -> None:
    assert "<" not in to_text(NORMAL_POST)
    for payload in PAYLOADS:
        # Markdown-only payloads (no "<", no entity to decode into one): no tag can come out.
        if "<" not in payload and "&" not in payload:
            assert "<" not in to_text(payload), payload


def test_to_text_keeps_what_the_author_typed_as_text() -> None:
    # render() shows "<b>" literally, so the text does too: callers escape, as for any text.
    assert to_text("use <b> tags") == "use <b> tags"
    assert to_text("") == ""
    assert to_text("  \n\n ") == ""
