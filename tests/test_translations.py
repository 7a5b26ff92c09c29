"""Every string of the interface exists in Simplified Chinese, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "forum/translations/zh/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalogue():
    with CATALOGUE.open("rb") as fh:
        return read_po(fh)


def _texts(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


def test_every_message_is_translated_with_its_placeholders():
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        ids, strings = _texts(message.id), _texts(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        expected = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != expected for s in strings):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert not problems, problems


def test_every_string_in_the_code_is_in_the_catalogue():
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    known = {(m.id[0] if isinstance(m.id, tuple) else m.id) for m in _catalogue()}
    missing = sorted(found - known)
    assert not missing, f"run `make messages` and translate: {missing}"
    assert len(found) > 400


# A gettext call inside an f-string is a STRING token to babel's extractor: never extracted,
# so `make messages` drops its translation and the page silently shows English.
IN_FSTRING = re.compile(r"""\{\s*(?:_|gettext|_l|lazy_gettext)\(""")


def test_no_gettext_call_hides_inside_an_f_string():
    hidden = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "forum").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if IN_FSTRING.search(line) and re.search(r"""\bf["']""", line)
    ]
    assert not hidden, f"call _() outside the f-string so babel extracts it: {hidden}"


def test_template_strings_are_translated_escaped_and_kept_per_language(app):
    # views.template_gettext keeps variable-free strings per language: the same output as
    # jinja2's newstyle gettext, never one language's text on the other's page.
    from flask import render_template_string

    page = "{{ _('Home') }}|{{ _('edited %(when)s', when='<b>') }}|{{ _('100%% sure') }}"
    for language, home, edited in (
        ("zh", "首页", "编辑于 &lt;b&gt;"),
        ("en", "Home", "edited &lt;b&gt;"),
    ):
        for _twice in range(2):
            with app.test_request_context("/", headers={"Accept-Language": language}):
                assert render_template_string(page) == f"{home}|{edited}|100% sure"
