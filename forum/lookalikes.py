"""Look-alike names: Unicode TR39 confusable skeletons and the mixed-script rule.
Imports models and extensions (pure functions plus two reads of the users table).

The confusables data is Unicode's confusables.txt as packaged by `confusable-homoglyphs`
(a detector: it has no skeleton function). TR39's skeleton maps every character to the
prototype of its confusable class; here the classes are the connected groups of the
single-character pairs and the prototype is the group's lowest code point, which gives the
same equality as TR39's prototypes. Names are compared after NFKC, skeleton, case folding,
skeleton again (a lower-case form may have its own look-alikes) and removing everything
but letters and digits, so `Mia_ТР`, `Μia_TP`, `Mia-TP`, `MiaTP_`, `ɑdmin` and `Ѕupport`
meet their originals.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from sqlalchemy import false, select

from .extensions import db
from .models import Role, User

# Scripts that may share a name (TR39's "highly restrictive" level): Chinese and Japanese
# or Korean writers mix Latin letters and digits in (张三_2024, Mia王); Latin with Cyrillic
# or Greek is the impersonator's mix and is refused.
ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
SEPARATORS = frozenset("_-. \u3000・·")
NEUTRAL = {"COMMON", "INHERITED"}
PROTECTED_ROLES = (Role.VOLUNTEER, Role.STAFF, Role.ADMIN)


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character's prototype (a character or a short sequence)."""
    from confusable_homoglyphs import confusables  # ~6 MB of data: on first use

    parent: dict[str, str] = {}

    def find(ch: str) -> str:
        while parent.setdefault(ch, ch) != ch:
            parent[ch] = parent[parent[ch]]
            ch = parent[ch]
        return ch

    sequences: dict[str, str] = {}
    marks = "\u200e\u200f"  # the data wraps right-to-left characters in direction marks
    for key, glyphs in confusables.confusables_data.items():
        char = key.strip(marks)
        for glyph in glyphs:
            other = glyph["c"].strip(marks)
            if len(char) != 1 or not other:
                continue
            if len(other) == 1:
                a, b = find(char), find(other)
                if a != b:
                    parent[b] = a
            else:
                sequences.setdefault(char, other)
    groups: dict[str, list[str]] = {}
    for ch in list(parent):
        groups.setdefault(find(ch), []).append(ch)
    table = {ch: min(group, key=_rank) for group in groups.values() for ch in group}
    for char, target in sequences.items():
        if char not in table:  # only a sequence looks like it ("m" and "rn")
            table[char] = "".join(table.get(c, c) for c in target)
    return {ch: proto for ch, proto in table.items() if proto != ch}


def _rank(ch: str) -> tuple[bool, bool, int]:
    """The prototype of a group: an ASCII character if there is one, else a letter or digit."""
    return (not ch.isascii(), not ch.isalnum(), ord(ch))


def _map(text: str) -> str:
    table = _prototypes()
    return "".join(table.get(ch, ch) for ch in text)


def skeleton(name: str) -> str:
    """What a name looks like: equal skeletons mean a reader cannot tell the names apart."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKC", name) if ch not in SEPARATORS)
    # Upper-case O's prototype is the digit 0 (and I's is l): fold 0 to o so case cannot
    # split a name from its look-alike.
    folded = _map(_map(bare).casefold()).replace("0", "o")
    return "".join(ch for ch in folded if ch.isalnum())


def scripts(name: str) -> set[str]:
    """The scripts of a name's letters (digits and punctuation belong to none)."""
    from confusable_homoglyphs import categories

    return set(categories.unique_aliases(unicodedata.normalize("NFKC", name))) - NEUTRAL


def is_mixed_script(name: str) -> bool:
    """Whether a name mixes scripts in a way real names do not (Latin with Cyrillic...)."""
    found = scripts(name)
    return len(found) > 1 and not any(found <= mix for mix in ALLOWED_MIXES)


def contains_word(name: str, word: str) -> bool:
    """Whether a reserved word shows in a name, look-alike letters included."""
    return bool(skeleton(word)) and skeleton(word) in skeleton(name)


def protected_users() -> list[User]:
    """Volunteers, staff and admins in good standing: the names nobody may imitate."""
    stmt = select(User).where(User.role.in_(PROTECTED_ROLES), User.is_suspended == false())
    return list(db.session.scalars(stmt))


def collides_with(name: str, users: list[User], *, exclude_id: int | None = None) -> list[User]:
    """The users whose name looks the same as this one (the user themself excluded)."""
    key = skeleton(name)
    return [u for u in users if u.id != exclude_id and skeleton(u.username) == key]


def everyone_like(name: str, *, exclude_id: int | None = None) -> list[User]:
    """Every active account whose name looks like this one (for a promotion)."""
    stmt = select(User).where(User.is_suspended == false())
    return collides_with(name, list(db.session.scalars(stmt)), exclude_id=exclude_id)


def all_collisions() -> list[tuple[User, User]]:
    """(imitator, protected) pairs among existing accounts, for the operator's report."""
    protected = {skeleton(u.username): u for u in protected_users()}
    pairs = []
    for user in db.session.scalars(select(User).order_by(User.id)):
        match = protected.get(skeleton(user.username))
        if match is not None and match.id != user.id:
            pairs.append((user, match))
    return pairs
