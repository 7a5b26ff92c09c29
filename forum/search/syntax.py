"""The user's query syntax: "exact phrase", -exclude, -"phrase", a OR b; other words stand
alone. Pure; stdlib only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200

_QTOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class Unit:
    """One element of a parsed query: a word run or a quoted phrase, maybe negated."""

    text: str
    phrase: bool = False
    negated: bool = False


@dataclass
class Parsed:
    """A parsed query: groups (each an OR of units) plus excluded units."""

    groups: list[list[Unit]] = field(default_factory=list)
    excluded: list[Unit] = field(default_factory=list)


def parse(q: str) -> Parsed:
    """Split the query syntax: "phrase", -word, -"phrase", a OR b; other words stand alone."""
    parsed = Parsed()
    pending_or = False
    for m in _QTOKEN_RE.finditer(q[:MAX_QUERY_CHARS]):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if phrase is not None:
            unit = Unit(phrase, phrase=True, negated=bool(neg))
        elif word == "OR":
            pending_or = bool(parsed.groups)
            continue
        elif word.startswith("-") and len(word) > 1:
            unit = Unit(word[1:], negated=True)
        else:
            unit = Unit(word.lstrip("+"))
        if unit.negated:
            parsed.excluded.append(unit)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(unit)
            pending_or = False
        else:
            parsed.groups.append([unit])
    return parsed
