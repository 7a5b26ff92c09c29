"""The fast paths of the search engine give the same answers as Whoosh's own: term-at-a-time
scoring (forum.search.bulk) against the matchers, MaxScore pruning against a full scan, the
term-grouping segment writer (forum.search.postings) against Whoosh's pool, and indexes built
before positions were dropped (quoted phrases still check word order there)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from forum.search import Doc, SearchIndex, searching
from forum.search import postings as search_postings
from forum.search import schema as search_schema
from forum.search._whoosh import W3FieldWriter, writing
from forum.search.bulk import SegmentEval, segment_scores

DATA = Path(__file__).parent / "data"
SYNTAX_QUERIES = ['"seed phrase"', '"nonce too low"', "闪退 -更新", "ledger OR trezor", "walet"]


def _docs() -> list[Doc]:
    docs = []
    for suffix in ("", "_more"):
        for t in json.loads((DATA / f"search_corpus{suffix}.json").read_text(encoding="utf-8")):
            created = datetime.fromisoformat(t["created"])
            solved = t.get("accepted") is not None
            bodies = [t["question"], *t["answers"]]
            for i, body in enumerate(bodies):
                docs.append(
                    Doc(t["id"] * 100 + i, t["id"], t["category"], i == 0, t.get("accepted") == i,
                        solved, t["title"], body, "someone", created, created)
                )  # fmt: skip
    return docs


def _queries() -> list[str]:
    out = []
    for suffix in ("", "_more"):
        out += [q["q"] for q in json.loads((DATA / f"search_queries{suffix}.json").read_text())]
    return out + SYNTAX_QUERIES


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> SearchIndex:
    with SearchIndex(tmp_path_factory.mktemp("speed")) as ix:
        ix.rebuild(_docs(), procs=1)
        yield ix


def _matcher_scores(q, sub, ctx) -> dict[int, float]:
    m, out = q.matcher(sub, ctx), {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def test_bulk_scores_and_match_sets_equal_the_matchers(labelled):
    checked = 0
    with labelled.reading() as rd:
        ctx = rd.s.context(weighting=rd.weighting)
        for text in _queries():
            built = searching._built(labelled, rd, text)
            if built.scored is None:
                continue
            scored, core = built.scored.normalize(), built.core.normalize()
            for sub, _offset in rd.s.leaf_searchers():
                want = _matcher_scores(scored, sub, ctx)
                ev = SegmentEval(sub, ctx)
                got = ev.scores(scored)
                assert got.keys() == want.keys(), text
                assert all(abs(got[d] - want[d]) <= 1e-9 * max(1.0, want[d]) for d in want), text
                assert ev.ids(core) == set(_matcher_scores(core, sub, ctx)), text
                # MaxScore: every document that reaches the floor is there, with its score
                pruned = segment_scores(SegmentEval(sub, ctx), scored, built.floor)
                above = {d: s for d, s in want.items() if s >= built.floor}
                assert {d for d, s in pruned.items() if s >= built.floor} == above.keys(), text
                assert all(abs(pruned[d] - above[d]) <= 1e-9 * max(1.0, above[d]) for d in above)
                checked += 1
    assert checked > 200


def _postings(ix: SearchIndex) -> dict:
    out = {}
    with ix.reading() as rd:
        reader = rd.s.reader()
        for fieldname, text in reader.all_terms():
            m, rows = reader.postings(fieldname, text), []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            info = reader.term_info(fieldname, text)
            out[fieldname, text] = (
                rows,
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
            )
        out["lengths"] = [reader.doc_field_length(d, "text") for d in range(reader.doc_count_all())]
    return out


def test_the_grouping_writer_writes_what_whoosh_writes(tmp_path, monkeypatch):
    docs = _docs()[:400]
    with SearchIndex(tmp_path / "ours") as ix:
        ix.rebuild(docs, procs=1)
        ours = _postings(ix)
    monkeypatch.setattr(writing, "PostingPool", search_postings._PostingPool)
    monkeypatch.setattr(writing.SegmentWriter, "add_document", search_postings._whoosh_add_document)
    monkeypatch.setattr(W3FieldWriter, "add_postings", search_postings._whoosh_add_postings)
    with SearchIndex(tmp_path / "whoosh") as ix:
        ix.rebuild(docs, procs=1)
        theirs = _postings(ix)
    assert len(ours) > 3000
    assert ours == theirs


def test_parallel_rebuild_this_process_and_a_child_each_write_a_segment(ix_path):
    docs = [
        Doc(i, i // 3, 2, i % 3 == 0, False, False, f"t{i // 3}", f"wallet note {i}", "a",
            datetime(2024, 1, 1), datetime(2024, 1, 1))
        for i in range(1, 1400)
    ]  # fmt: skip
    with SearchIndex(ix_path) as ix:
        ix.rebuild(docs, procs=2)
        assert ix.post_ids() == set(range(1, 1400))
        with ix.reading() as rd:
            assert len(rd.s.leaf_searchers()) == 2
        page = ix.search("wallet")
        assert page.total == 467 and page.total_exact  # threads 0..466, counted exactly
        assert [h.post_id for h in ix.search("1399").hits] == [1399]


@pytest.fixture()
def ix_path(tmp_path) -> Path:
    return tmp_path / "ix"


def _positional_schema(mode=search_schema.DEFAULT_MODE, store_text=False):
    schema = _make_schema(mode, store_text)
    for name in ("text", "title"):
        schema.remove(name)
        schema.add(name, search_schema.TextField(mode, phrase=True))
    return schema


_make_schema = search_schema.make_schema


def test_indexes_with_positions_keep_working_and_check_phrase_order(ix_path, monkeypatch):
    texts = ["my nonce too low error", "too low a nonce", "钱包闪退了", "闪退的钱包"]
    docs = [
        Doc(i, i, 2, True, False, False, body, body, "a", datetime(2024, 1, 1),
            datetime(2024, 1, 1))
        for i, body in enumerate(texts, start=1)
    ]  # fmt: skip
    monkeypatch.setattr(search_schema, "make_schema", _positional_schema)
    with SearchIndex(ix_path / "old") as old:
        old.write(docs)
        assert [h.thread_id for h in old.search('"nonce too low"').hits] == [1]
        assert [h.thread_id for h in old.search('"钱包闪退"').hits] == [3]
        assert {h.thread_id for h in old.search("nonce").hits} == {1, 2}
        assert old.similar("nonce too low")
    monkeypatch.setattr(search_schema, "make_schema", _make_schema)
    with SearchIndex(ix_path / "new") as new:
        new.write(docs)
        # no positions: a quoted phrase is every word of it in one post
        assert {h.thread_id for h in new.search('"nonce too low"').hits} == {1, 2}
        assert [h.thread_id for h in new.search('"钱包闪退"').hits] == [3]
        assert new.similar("nonce too low")


def test_optimize_merges_segments_through_the_grouping_pool(ix_path):
    def note(i: int, body: str) -> Doc:
        return Doc(i, i, 2, True, False, False, f"note {i}", body, "a", datetime(2024, 1, 1),
                   datetime(2024, 1, 1))  # fmt: skip

    with SearchIndex(ix_path) as ix:
        for start in (1, 11, 21):
            ix.write([note(i, f"wallet 转账 batch {start}") for i in range(start, start + 10)])
        ix.write(delete_post_ids=[5, 15])
        before = {
            q: [h.thread_id for h in ix.search(q, per_page=50).hits] for q in ("wallet", "转账")
        }
        ix.optimize()
        with ix.reading() as rd:
            assert len(rd.s.leaf_searchers()) == 1
        assert ix.post_ids() == set(range(1, 31)) - {5, 15}
        for q, want in before.items():
            assert sorted(h.thread_id for h in ix.search(q, per_page=50).hits) == sorted(want)
        assert ix.search("wallet").total == 28


def _pages(ix: SearchIndex, queries: list[str]) -> list[tuple]:
    out = []
    for q in queries:
        ix._cache = None  # rank afresh each time: only the shared posting lists may be reused
        page = ix.search(q, per_page=10, highlight=False)
        out.append((q, page.total, page.relaxed, [(h.post_id, h.score) for h in page.hits]))
    return out


def test_shared_posting_lists_give_the_same_pages_and_follow_deletions(tmp_path):
    queries = _queries()
    with SearchIndex(tmp_path / "shared") as ix:
        ix.rebuild(_docs(), procs=1)
        assert ix._postings is not None
        shared_off, ix._postings = ix._postings, None
        fresh = _pages(ix, queries)
        ix._postings = shared_off
        assert _pages(ix, queries) == fresh  # filling the cache
        assert ix._postings.size > 0
        assert _pages(ix, queries) == fresh  # served from it
        # deletions make a new generation: the cached lists of the old one are not used
        gone = {hits[0][0] for _q, _total, _relaxed, hits in fresh[:40] if hits}
        ix.write(delete_post_ids=gone)
        after = _pages(ix, queries)
        assert not {pid for *_rest, hits in after for pid, _score in hits} & gone
        ix._postings = None
        assert _pages(ix, queries) == after
