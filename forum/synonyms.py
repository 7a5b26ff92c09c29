"""The search glossary editor: staff list, search, add, edit and delete synonym groups
("到账|到帐|arrived"). Imports permissions, events, search, models, extensions.

The shipped glossary (forum/data/synonyms.txt, and the operator's file) is shown read-only;
staff groups live in the database, the truth for every host. Each host's search poller
rebuilds its indexes with them in the background (search/glossary_builds.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import permissions
from .errors import DomainError
from .events import audit
from .extensions import db
from .models import GlossaryGroup, User, utcnow
from .search import glossary_builds
from .search.analysis import fold
from .search.glossary import GLOSSARY_PATH, Glossary

MAX_ENTRY = 40  # characters per entry: a word or a short phrase, not a sentence
MAX_ENTRIES = 20
MAX_QUERY = 100
SEPARATORS = re.compile(r"[|｜\r\n]+")


@dataclass(frozen=True)
class Overview:
    """The editor's page: staff groups and shipped groups matching the search, and where this
    host stands with applying the staff groups."""

    query: str
    groups: list[GlossaryGroup]
    shipped: list[tuple[str, ...]]
    shipped_total: int
    status: glossary_builds.BuildStatus


def entries_of(group: GlossaryGroup) -> list[str]:
    """A stored group's entries."""
    return group.entries.split("|")


def _shipped() -> list[tuple[str, ...]]:
    return Glossary.load(GLOSSARY_PATH, current_app.config.get("FORUM_SYNONYMS_FILE")).groups


def _matches(entries, query: str) -> bool:
    return not query or query in fold(" ".join(entries))


def overview(actor: User, query: str = "") -> Overview:
    """Staff: the groups (theirs and the shipped ones) containing `query`, and the status."""
    permissions.require(permissions.can_edit_glossary(actor))
    q = fold(" ".join(query.split()))[:MAX_QUERY]
    groups = list(db.session.scalars(select(GlossaryGroup).order_by(GlossaryGroup.id.desc())))
    shipped = _shipped()
    status = glossary_builds.status(glossary_builds.staff_groups())
    return Overview(
        query=q,
        groups=[gr for gr in groups if _matches(entries_of(gr), q)],
        shipped=[gr for gr in shipped if _matches(gr, q)],
        shipped_total=len(shipped),
        status=status,
    )


def get(actor: User, group_id: int) -> GlossaryGroup:
    """Staff: one staff group (404 when there is none)."""
    permissions.require(permissions.can_edit_glossary(actor))
    return permissions.require_found(db.session.get(GlossaryGroup, group_id))


def _error(message) -> DomainError:
    return DomainError(message, field="entries")


def parse(text: str) -> list[str]:
    """The entries of a group as typed ("a|b", or one per line); raises DomainError."""
    entries: dict[str, None] = {}
    keys: set[tuple[str, ...]] = set()
    for raw in SEPARATORS.split(text or ""):
        entry = " ".join(raw.split())
        if not entry:
            continue
        if len(entry) > MAX_ENTRY:
            raise _error(_l("“%(entry)s” is too long: at most %(num)d characters per entry.",
                            entry=entry[:MAX_ENTRY] + "…", num=MAX_ENTRY))  # fmt: skip
        if "#" in entry:
            raise _error(_l("An entry cannot contain #."))
        key = Glossary.key(entry)
        if not key:
            raise _error(_l("“%(entry)s” has no letters or characters to search for.",
                            entry=entry))  # fmt: skip
        entries[entry] = None
        keys.add(key)
    if len(keys) < 2:  # 到账|到帐 fold to one word: a group of one
        raise _error(_l("A group needs at least two different entries, separated by |."))
    if len(entries) > MAX_ENTRIES:
        raise _error(_l("A group has at most %(num)d entries.", num=MAX_ENTRIES))
    return list(entries)


def _keys(entries) -> frozenset[tuple[str, ...]]:
    return frozenset(Glossary.key(e) for e in entries)


def _check_duplicate(entries: list[str], group: GlossaryGroup | None) -> None:
    keys = _keys(entries)
    for other in db.session.scalars(select(GlossaryGroup)):
        if other is not group and _keys(entries_of(other)) == keys:
            raise _error(_l("This group already exists (%(entries)s).",
                            entries=other.entries))  # fmt: skip
    if any(_keys(shipped) == keys for shipped in _shipped()):
        raise _error(_l("The shipped glossary already has this group."))


def add(actor: User, text: str) -> GlossaryGroup:
    """Staff add a synonym group; audited. Every host applies it after a rebuild."""
    permissions.require(permissions.can_edit_glossary(actor))
    entries = parse(text)
    _check_duplicate(entries, None)
    group = GlossaryGroup(entries="|".join(entries), created_by_id=actor.id)
    db.session.add(group)
    db.session.flush()
    audit(actor, "glossary_add", group, entries=group.entries)
    db.session.commit()
    return group


def edit(actor: User, group: GlossaryGroup, text: str) -> GlossaryGroup:
    """Staff change a synonym group's entries; audited with the entries before and after."""
    permissions.require(permissions.can_edit_glossary(actor))
    entries = parse(text)
    _check_duplicate(entries, group)
    before, group.entries, group.updated_at = group.entries, "|".join(entries), utcnow()
    audit(actor, "glossary_edit", group, before=before, entries=group.entries)
    db.session.commit()
    return group


def delete(actor: User, group: GlossaryGroup) -> None:
    """Staff delete a synonym group; the audit row keeps its entries."""
    permissions.require(permissions.can_edit_glossary(actor))
    audit(actor, "glossary_delete", group, entries=group.entries)
    db.session.delete(group)
    db.session.commit()
