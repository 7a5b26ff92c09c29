"""Whoosh query and matcher types of our own: a binary-tree Or, and Offset, which adds a
constant to a clause's score (the coordination of query.py) with quality bounds that keep
block-max skipping exact. Imports the whoosh shim only."""

from __future__ import annotations

from ._whoosh import WrappingMatcher, wq


class Or(wq.Or):
    """Or as a binary tree of unions at every index size (keeps block-max skipping)."""

    matcher_type = wq.Or.DEFAULT_MATCHER


class _OffsetMatcher(WrappingMatcher):
    """Adds a constant to every score (and to the quality bounds, so block skipping holds)."""

    def __init__(self, child, offset: float):
        super().__init__(child)
        self.offset = offset

    def _replacement(self, newchild):
        return _OffsetMatcher(newchild, self.offset)

    def replace(self, minquality=0):
        r = self.child.replace(minquality - self.offset)
        return self if r is self.child else self._replacement(r)

    def next(self):
        """Advance; True when a new block began (the collector then tries to skip blocks)."""
        return self.child.next()

    def skip_to_quality(self, minquality):
        return self.child.skip_to_quality(minquality - self.offset)

    def max_quality(self):
        return self.child.max_quality() + self.offset

    def block_quality(self):
        return self.child.block_quality() + self.offset

    def score(self):
        return self.child.score() + self.offset


class Offset(wq.WrappingQuery):
    """A query whose matches score `offset` more: a concept's share of the coordination."""

    def __init__(self, child: wq.Query, offset: float):
        super().__init__(child)
        self.offset = offset

    def _rewrap(self, child):
        return Offset(child, self.offset)

    def __eq__(self, other):
        return isinstance(other, Offset) and (self.child, self.offset) == (
            other.child,
            other.offset,
        )

    def __hash__(self):
        return hash((self.child, self.offset))

    def normalize(self):
        """Normalise the child, keep the offset."""
        return Offset(self.child.normalize(), self.offset)

    def matcher(self, searcher, context=None):
        """The child's matcher with the offset added."""
        return _OffsetMatcher(self.child.matcher(searcher, context), self.offset)
