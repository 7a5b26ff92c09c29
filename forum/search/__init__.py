"""Full-text search: the ONLY package that imports whoosh (through _whoosh.py).

analysis (folding, tokens, stop words), glossary (synonyms), typos (homophones, pinyin,
English spelling), query (syntax, concepts, the scored query), ranking (collector, counts),
highlight (snippets), schema (fields), index (the on-disk index and its writers), searching
(the read side), readers (searcher pool), progress and outbox (applying the database's changes).
This module exposes the small API the rest of the forum uses.
"""

from __future__ import annotations

import sys

from . import schema
from .index import Changes, Doc, IndexBusy, SearchIndex, close_all, get_index
from .progress import OutboxProgress
from .ranking import RESULT_CAP, Hit, SearchPage

# The schema is pickled into each index with its field classes' module paths. Indexes written
# before this package existed name forum.search_whoosh and forum.search: both resolve here, so
# they open (and serve) until `flask forum reindex` rebuilds them with the new analysis.
sys.modules.setdefault("forum.search_whoosh", schema)
FoldingTokenizer, SpellWords, TextField = (
    schema.FoldingTokenizer,
    schema.SpellWords,
    schema.TextField,
)

__all__ = [
    "RESULT_CAP", "Changes", "Doc", "Hit", "IndexBusy", "OutboxProgress", "SearchIndex",
    "SearchPage", "close_all", "get_index",
]  # fmt: skip
