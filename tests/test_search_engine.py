"""The search engine (forum.search) on its own: relevance on a labelled set, syntax, filters,
ranking, safe snippets, suggestions, deletes, concurrent writers, outbox bookkeeping."""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from forum import search
from forum.search import Doc, IndexBusy, OutboxProgress, SearchIndex
from forum.search import progress as search_progress

DATA = Path(__file__).parent / "data"

# Measured on the labelled set (docs/search.md; tests/data/search_{corpus,queries}{,_more}.json
# and search_queries_round3.json, 152 threads, 271 queries): recall@10 0.958, MRR 0.962; Chinese
# queries 0.960 / 0.961. Floors sit a little below so that tuning noise does not flake, high
# enough that a regression fails.
RECALL_FLOOR = 0.94
MRR_FLOOR = 0.945
ZH_RECALL_FLOOR = 0.94
ZH_MRR_FLOOR = 0.945
LABELLED = ("", "_more")
QUERY_ONLY = ("_round3",)  # queries about the same threads, written before running them


def labelled_docs(sets=LABELLED) -> list[Doc]:
    """One Doc per post of the labelled corpora (post id = thread id * 100 + n)."""
    docs = []
    for suffix in sets:
        path = DATA / f"search_corpus{suffix}.json"
        for t in json.loads(path.read_text(encoding="utf-8")):
            docs.extend(_thread_docs(t))
    return docs


def _thread_docs(t: dict) -> list[Doc]:
    created = datetime.fromisoformat(t["created"])
    solved = t.get("accepted") is not None
    out = [
        Doc(t["id"] * 100, t["id"], t["category"], True, False, solved, t["title"],
            t["question"], "asker", created, created)
    ]  # fmt: skip
    for i, ans in enumerate(t["answers"], start=1):
        out.append(
            Doc(t["id"] * 100 + i, t["id"], t["category"], False, t.get("accepted") == i,
                solved, t["title"], ans, "helper", created, created)
        )  # fmt: skip
    return out


def labelled_queries() -> list[dict]:
    out = []
    for suffix in LABELLED + QUERY_ONLY:
        out += json.loads((DATA / f"search_queries{suffix}.json").read_text(encoding="utf-8"))
    return out


def doc(
    post_id,
    body,
    *,
    thread_id=None,
    title="",
    question=True,
    accepted=False,
    solved=False,
    category=2,
    created=datetime(2024, 3, 1),
) -> Doc:
    """A small Doc for focused tests."""
    return Doc(
        post_id,
        thread_id or post_id,
        category,
        question,
        accepted,
        solved,
        title or f"thread {post_id}",
        body,
        "someone",
        created,
        created,
    )


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> SearchIndex:
    with SearchIndex(tmp_path_factory.mktemp("labelled"), store_text=True) as ix:
        ix.rebuild(labelled_docs(), procs=1)
        yield ix


@pytest.fixture()
def ix(tmp_path) -> SearchIndex:
    with SearchIndex(tmp_path / "ix", store_text=True) as ix:
        yield ix


def threads(page) -> list[int]:
    return [h.thread_id for h in page.hits]


# Relevance -------------------------------------------------------------------------------------


def _recall_mrr(ix, queries) -> tuple[float, float]:
    recalls, rrs = [], []
    for item in queries:
        got = threads(ix.search(item["q"], per_page=10))
        want = set(item["relevant"])
        recalls.append(len(want & set(got)) / min(len(want), 10))
        rrs.append(next((1 / (i + 1) for i, t in enumerate(got) if t in want), 0.0))
    return statistics.mean(recalls), statistics.mean(rrs)


# The independent set (search_{corpus,queries}_independent.json): 60 threads and 60 queries
# written by someone who never saw the search code, measured blind once before this round's
# changes were merged (0.953 / 0.914; Chinese 0.906 / 0.850) and after (0.967 / 0.956;
# Chinese 0.933 / 0.911). Indexed on its own: its queries were labelled against its threads.
INDEPENDENT_FLOORS = {"all": (0.95, 0.93), "zh": (0.91, 0.88)}


def test_independent_set_recall_and_mrr(tmp_path):
    queries = json.loads((DATA / "search_queries_independent.json").read_text(encoding="utf-8"))
    with SearchIndex(tmp_path / "independent") as ix:
        ix.rebuild(labelled_docs(("_independent",)), procs=1)
        for name, subset in (("all", queries), ("zh", [q for q in queries if q["kind"] == "zh"])):
            recall, mrr = _recall_mrr(ix, subset)
            floor_recall, floor_mrr = INDEPENDENT_FLOORS[name]
            assert recall >= floor_recall and mrr >= floor_mrr, (name, recall, mrr)


def test_labelled_set_recall_and_mrr(labelled):
    queries = labelled_queries()
    assert len(queries) >= 270
    assert len({d.thread_id for d in labelled_docs()}) >= 150
    chinese = [q for q in queries if q["kind"].startswith("zh")]
    assert len(chinese) >= len(queries) / 2
    recall, mrr = _recall_mrr(labelled, queries)
    assert recall >= RECALL_FLOOR and mrr >= MRR_FLOOR, (recall, mrr)
    zh_recall, zh_mrr = _recall_mrr(labelled, chinese)
    assert zh_recall >= ZH_RECALL_FLOOR and zh_mrr >= ZH_MRR_FLOOR, (zh_recall, zh_mrr)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("錢包白屏", 50),  # traditional finds simplified
        ("钱包转账", 61),  # simplified finds traditional
        ("ＴＲＣ２０", 4),  # full-width finds ASCII
        ("USDT到账慢", 63),  # ASCII finds full-width
        ("为什么我的转账一直在等待确认", 1),  # unspaced sentence
        ("闪退", 8),  # two-character word
        ("gas fee", 17),  # cross-language glossary: English
        ("矿工费", 16),
    ],
)
def test_chinese_forms_and_folding(labelled, query, expected):
    assert expected in threads(labelled.search(query, per_page=10))


@pytest.mark.parametrize("query", ["stuck", "pending", "failed", "fails", "fail"])
def test_english_inflections(ix, query):
    ix.write(
        [
            doc(1, "My transfer is stuck, still pending. Everything fails."),
            doc(2, "The swap failed twice."),
            doc(3, "Nothing to see here."),
        ]
    )
    got = threads(ix.search(query))
    assert 3 not in got
    assert got


def test_glossary_crosses_languages_and_extra_file(tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("# operator additions\n小狐狸 | metamask\n", encoding="utf-8")
    with SearchIndex(tmp_path / "ix", glossary_extra=extra) as ix:
        ix.write(
            [
                doc(1, "怎么把资产从MetaMask转过来"),
                doc(2, "my seed phrase is safe offline"),
                doc(3, "矿工费怎么这么贵"),
            ]
        )
        assert threads(ix.search("小狐狸")) == [1]
        assert threads(ix.search("助记词")) == [2]
        assert threads(ix.search("gas fee")) == [3]
        assert not ix.glossary_changed
    with SearchIndex(tmp_path / "ix") as ix:
        assert ix.glossary_changed  # the operator file is gone: `flask forum reindex` needed


# Syntax and filters ----------------------------------------------------------------------------


def test_phrase_exclude_and_or(ix):
    ix.write(
        [
            doc(1, "the gas fee is high"),
            doc(2, "fee for gas station is high"),
            doc(3, "App crashes after update"),
            doc(4, "更新后闪退"),
            doc(5, "闪退但是没有更新"),
        ]
    )
    assert threads(ix.search('"gas fee"')) == [1]
    assert set(threads(ix.search("gas fee"))) == {1, 2}
    assert 5 not in threads(ix.search("闪退 -没有"))
    assert 4 in threads(ix.search("闪退 -没有"))
    assert set(threads(ix.search("crashes OR 闪退"))) == {3, 4, 5}


def test_filters_category_solved_and_dates(ix):
    ix.write(
        [
            doc(1, "USDT 转账", category=1, solved=True, created=datetime(2023, 5, 1)),
            doc(2, "USDT 转账", category=2, solved=False, created=datetime(2024, 5, 1)),
            doc(3, "USDT 转账", category=2, solved=True, created=datetime(2024, 9, 1)),
        ]
    )
    assert set(threads(ix.search("USDT", category_ids=[2]))) == {2, 3}
    assert set(threads(ix.search("USDT", solved=True))) == {1, 3}
    assert threads(ix.search("USDT", solved=False)) == [2]
    assert set(threads(ix.search("转账", date_from=date(2024, 1, 1)))) == {2, 3}
    assert threads(ix.search("转账", date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))) == [2]
    assert threads(ix.search("USDT", sort="newest")) == [3, 2, 1]


def test_solved_threads_and_accepted_answers_rank_higher(ix):
    ix.write(
        [doc(1, "how to revoke an approval"), doc(2, "how to revoke an approval", solved=True)]
    )
    assert threads(ix.search("revoke approval")) == [2, 1]
    ix.write(
        [
            doc(10, "question about something", thread_id=10, title="Q ten"),
            doc(11, "use approval management to revoke it", thread_id=10, question=False),
            doc(20, "question about something", thread_id=20, title="Q twenty", solved=True),
            doc(
                21,
                "use approval management to revoke it",
                thread_id=20,
                question=False,
                accepted=True,
                solved=True,
            ),
        ]
    )
    page = ix.search("approval management")
    assert threads(page)[0] == 20
    assert page.hits[0].post_id == 21
    assert page.hits[0].matched_in == "accepted"
    assert "<mark>approval</mark>" in page.hits[0].snippet_html


def test_pagination_and_totals(ix):
    ix.write([doc(i, f"wallet number {i}") for i in range(1, 46)])
    first, third = ix.search("wallet", per_page=20), ix.search("wallet", page=3, per_page=20)
    assert first.total == 45 and first.pages == 3 and len(first.hits) == 20
    assert len(third.hits) == 5
    assert not set(threads(first)) & set(threads(third))


# Highlighting ----------------------------------------------------------------------------------


def test_snippets_are_escaped_html(ix):
    ix.write([doc(1, 'wallet <script>alert("x")</script> & <b>bold</b> 钱包', title="<i>t</i>")])
    hit = ix.search("wallet").hits[0]
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "&lt;b&gt;" in hit.snippet_html
    tags = {t for t in __import__("re").findall(r"</?([a-z]+)", hit.snippet_html + hit.title_html)}
    assert tags == {"mark"}
    assert hit.title_html == "&lt;i&gt;t&lt;/i&gt;"


def test_snippet_comes_from_the_matching_post(ix):
    ix.write(
        [
            doc(1, "my wallet shows nothing", thread_id=1, title="Empty"),
            doc(2, "switch the node in settings", thread_id=1, question=False),
        ]
    )
    hit = ix.search("node settings").hits[0]
    assert hit.post_id == 2 and hit.matched_in == "answer"
    assert "<mark>node</mark>" in hit.snippet_html
    title_hit = ix.search("empty").hits[0]
    assert title_hit.matched_in == "title"


# Suggestions -----------------------------------------------------------------------------------


def test_did_you_mean_for_english_typo(ix):
    ix.write([doc(1, "my transfer is stuck"), doc(2, "transfer to exchange")])
    page = ix.search("transfr")
    # a word no post has is searched as its closest word too (like a Chinese homophone)
    assert page.suggestion == "transfer"
    assert threads(page) == [1, 2] or threads(page) == [2, 1]
    page = ix.search("transfr exchange")  # the known word keeps its weight beside the fix
    assert threads(page)[0] == 2 and page.suggestion == "transfer exchange"
    assert ix.search("transfer").suggestion is None


def test_no_suggestion_from_deleted_documents(ix):
    ix.write([doc(1, "the withdrawal went through"), doc(2, "nothing special here")])
    assert ix.suggest("withdrawl") == "withdrawal"
    ix.write(delete_post_ids=[1])
    # the word is still in the index's word list until a merge, but finds no live post
    assert ix.suggest("withdrawl") is None
    assert ix.search("withdrawl").suggestion is None


def test_private_index_never_suggests(tmp_path):
    with SearchIndex(tmp_path / "staff", public=False) as staff:
        staff.write([doc(1, "private transfer details")])
        assert staff.search("transfr").suggestion is None
        assert threads(staff.search("transfer")) == [1]


# Writes, deletes, searcher refresh -------------------------------------------------------------


def test_deleted_posts_and_threads_are_not_returned(ix):
    ix.write(
        [
            doc(1, "escalated wallet question", thread_id=1),
            doc(2, "an answer about the wallet", thread_id=1, question=False),
            doc(3, "another wallet thread", thread_id=3),
        ]
    )
    ix.write(delete_post_ids=[3])
    assert threads(ix.search("wallet")) == [1]
    ix.write(delete_thread_ids=[1])
    assert ix.search("wallet").hits == []
    assert ix.post_ids() == set()


def test_new_docs_visible_right_after_write_and_upsert_replaces(ix):
    assert ix.search("keyboard").hits == []
    gen = ix.generation
    ix.write([doc(1, "keyboard pairing")])
    assert ix.generation != gen
    assert threads(ix.search("keyboard")) == [1]
    ix.write([doc(1, "a mouse now")])
    assert ix.search("keyboard").hits == []
    assert threads(ix.search("mouse")) == [1]
    assert ix.post_ids() == {1}


def test_rebuild_replaces_everything_with_parallel_writer(ix):
    ix.write([doc(1, "old content")])
    docs = [doc(i, f"fresh content {i}") for i in range(2, 600)] + [doc(600, "矿工费太贵")]
    ix.rebuild(docs, procs=2)
    assert ix.post_ids() == set(range(2, 601))
    assert ix.search("old").hits == []
    assert ix.search("fresh").total == 598
    # the forked indexing processes used the glossary too
    assert threads(ix.search("gas fee")) == [600]
    ix.clear()
    assert ix.post_ids() == set()


def _writer_process(path: str, worker: int, batches: int) -> None:
    with SearchIndex(path) as ix:
        for b in range(batches):
            base = worker * 1000 + b * 10
            ix.write(
                [doc(base + i, f"worker {worker} batch {b} wallet") for i in range(10)], timeout=60
            )


def test_concurrent_writers_processes_and_threads(tmp_path):
    path = str(tmp_path / "ix")
    SearchIndex(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer_process, args=(path, w, 4)) for w in (1, 2, 3)]
    errors = []

    def in_thread(w):
        try:
            _writer_process(path, w, 4)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads_ = [threading.Thread(target=in_thread, args=(w,)) for w in (4, 5)]
    for p in procs:
        p.start()
    for t in threads_:
        t.start()
    for p in procs:
        p.join(120)
    for t in threads_:
        t.join(120)
    assert not errors
    assert [p.exitcode for p in procs] == [0, 0, 0]
    expected = {w * 1000 + b * 10 + i for w in range(1, 6) for b in range(4) for i in range(10)}
    with SearchIndex(path) as ix:
        assert ix.post_ids() == expected
        assert ix.search("wallet").total == len(expected)


def test_locked_index_raises_index_busy_and_writes_nothing(ix):
    lock = ix.ix.lock("WRITELOCK")
    assert lock.acquire(blocking=False)
    try:
        with pytest.raises(IndexBusy):
            ix.write([doc(1, "should wait")], timeout=0.2)
    finally:
        lock.release()
    assert ix.post_ids() == set()
    ix.write([doc(1, "now it works")])
    assert ix.post_ids() == {1}


def test_a_commit_that_fails_leaves_no_file_open_and_the_index_as_it_was(ix, monkeypatch):
    import gc

    from forum.search._whoosh import writing

    ix.write([doc(1, "kept")])

    def fail(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writing.SegmentWriter, "commit", fail)  # a fault, injected
    with pytest.raises(OSError):
        ix.write([doc(2, "lost")])
    monkeypatch.undo()
    gc.collect()  # an unclosed segment file would warn here (warnings are errors)
    assert ix.post_ids() == {1}
    ix.write([doc(2, "written after all")])
    assert ix.post_ids() == {1, 2}


# Similar threads, outbox bookkeeping, process cache --------------------------------------------


def test_similar_titles_solved_first(labelled):
    hits = labelled.similar("转账一直等待确认怎么办", limit=3)
    assert len(hits) <= 3
    assert {1, 61} & {h.thread_id for h in hits}
    solved = [h.solved for h in hits]
    assert solved == sorted(solved, reverse=True)
    assert labelled.similar("", limit=3) == []


def test_outbox_progress_tracks_gaps():
    p = OutboxProgress()
    p = p.advance([1, 2, 4, 5], now=100.0)  # 3 not visible yet (committed later)
    assert p.last_id == 5 and p.ids_to_recheck() == [3]
    p = p.advance([3, 6], now=110.0)
    assert p.last_id == 6 and p.ids_to_recheck() == []
    p = p.advance([9], now=120.0)
    assert p.ids_to_recheck() == [7, 8]
    p = p.advance(
        [], now=120.0 + search_progress.GAP_WINDOW
    )  # rolled back: give up after the window
    assert p.last_id == 9 and p.ids_to_recheck() == []
    assert OutboxProgress.from_json(p.to_json()) == p


def test_outbox_progress_saved_with_the_write(ix, tmp_path):
    assert ix.load_progress() == OutboxProgress()
    progress = OutboxProgress().advance([1, 3], now=5.0)
    ix.write([doc(1, "x")], progress=progress)
    with SearchIndex(ix.path) as again:
        assert again.load_progress() == progress
    assert not [p for p in ix.path.iterdir() if p.name.startswith(".outbox")]


def test_get_index_is_one_instance_per_path(tmp_path):
    a = search.get_index(tmp_path / "shared")
    assert search.get_index(str(tmp_path / "shared")) is a
    assert search.get_index(tmp_path / "other") is not a
    search.close_all()
    assert search.get_index(tmp_path / "shared") is not a
    search.close_all()


def test_write_locked_reads_under_the_lock(ix):
    """build() runs while the index lock is held: a second writer's build waits for the
    first commit, so an older reading can never be committed over a newer one."""
    order: list[str] = []
    first_inside = threading.Event()

    def slow_build(progress):
        order.append("first build")
        first_inside.set()
        threading.Event().wait(0.3)
        order.append("first commit")
        return search.Changes(upserts=[doc(901, "first writer")])

    def quick_build(progress):
        order.append("second build")
        return search.Changes(upserts=[doc(902, "second writer")])

    worker = threading.Thread(target=ix.write_locked, args=(slow_build,))
    worker.start()
    first_inside.wait()
    ix.write_locked(quick_build)
    worker.join()
    assert order == ["first build", "first commit", "second build"]
    assert {h.post_id for h in ix.search("writer").hits} == {901, 902}


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_searchers_are_shared_and_closed_whatever_the_thread_model(ix):
    """A threaded server serves each request on a new thread: searching from hundreds of short
    threads, while writes make new generations, must not leave files open (issue 9, defect 1)."""
    ix.write([doc(i, f"usdt transfer pending number {i}") for i in range(1, 40)])
    ix.search("transfer pending")
    ix.similar("usdt transfer")
    baseline = _open_fds()
    errors: list[BaseException] = []

    def one_request(n: int) -> None:
        try:
            assert ix.search(f"transfer {n % 7}", per_page=5).total >= 0
            ix.similar("pending usdt")
            ix.suggest("transfr")
        except BaseException as exc:  # surfaced below: an assert in a thread would be lost
            errors.append(exc)

    for wave in range(15):
        batch = [threading.Thread(target=one_request, args=(n,)) for n in range(20)]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
        if wave % 3 == 0:  # a new generation: searchers of the old one must close
            ix.write([doc(1000 + wave, f"new post {wave} about transfer")])
    assert not errors
    # 300 requests on 300 threads: at most a handful of pooled searchers stay open
    assert ix._pool.open_count() <= ix._pool.max_idle
    assert _open_fds() <= baseline + 2 * 15  # one pooled searcher set, not one per thread
    ix.close()
    assert ix._pool.open_count() == 0


# Coordination, parts, Chinese typing errors (issue 13) ------------------------------------------


def test_more_concepts_matched_rank_higher_at_any_size(ix):
    # 60 threads have two of the three words; the one having all three comes first, and the
    # one having the rare word with one other comes before those with only the common pair.
    docs = [doc(i, f"usdt transfer question number {i}") for i in range(1, 61)]
    docs += [doc(100, "usdt transfer blocked by tether"), doc(101, "tether blocked my address")]
    ix.write(docs)
    got = threads(ix.search("usdt transfer tether", per_page=10))
    assert got[0] == 100 and got[1] == 101


def test_a_lone_unknown_word_falls_back_to_its_parts(ix):
    ix.write([doc(1, "在授权管理里可以看到权限"), doc(2, "完全无关的内容")])
    page = ix.search("权限管理器")  # not a word of the glossary, nowhere verbatim
    assert threads(page) == [1]


def test_a_glossary_word_matches_through_its_parts_the_exact_word_first(ix):
    ix.write([doc(1, "我忘记了钱包的密码"), doc(2, "忘记密码了怎么办"), doc(3, "密码")])
    got = threads(ix.search("忘记密码"))
    assert got[:2] == [2, 1]


def test_one_character_glossary_entries_inside_unspaced_text(ix):
    ix.write([doc(1, "这笔币在哪条链上查"), doc(2, "完全无关")])
    assert threads(ix.search("mainnet")) == [1]  # 链 | 网络 | mainnet, found inside a run
    assert threads(ix.search("在哪条链")) == [1]


def test_question_particles_do_not_glue_to_words(ix):
    ix.write([doc(1, "合约授权之后资产不见了"), doc(2, "完全无关")])
    assert threads(ix.search("授权吗")) == [1]
    assert threads(ix.search("授权了嘛")) == [1]


@pytest.mark.parametrize(
    ("run", "words"),
    [
        ("钱包里的币被人转走了", ["钱包", "被人转走"]),  # glossary entries kept whole
        ("有没有办法把钱包改成黑色的背景", ["办法", "钱包", "改成", "黑色", "背景"]),
        ("我从钱包转到交易所一直没到账怎么回事", ["钱包", "转到", "交易所", "没到账"]),
        ("授权吗", ["授权"]),  # a question particle is no part of the word
        ("以太坊转账要多久", ["以太坊", "转账", "要多久"]),
        ("手续废太高", ["手续废", "太高"]),  # a typo stays one word for the homophone fixer
        ("私要泄露了", ["私要", "泄露"]),  # ... also when its last character is a stop word
        ("导如钱包", ["导如", "钱包"]),
    ],
)
def test_chinese_query_segmentation(run, words):
    from forum.search.analysis import fold, segment_cjk
    from forum.search.glossary import GLOSSARY_PATH, Glossary

    assert segment_cjk(fold(run), Glossary.load(GLOSSARY_PATH)) == words


def test_common_misspellings_and_everyday_words_find_the_thread(ix):
    ix.write([
        doc(1, "往交易所充值了300 USDT，没有入账", title="充值没到账"),
        doc(2, "钱包里的币被转走了", title="资产被盗"),
        doc(3, "app closes when I open it", title="App crashes on launch"),
        doc(4, "完全无关的话题", title="地址簿"),
    ])  # fmt: skip
    assert threads(ix.search("冲值没上账"))[0] == 1  # 冲值: a common misspelling of 充值
    assert threads(ix.search("someone emptied my wallet"))[0] == 2  # cross-language, group
    assert threads(ix.search("wallet wont open"))[0] == 3
    assert threads(ix.search("闪退怎么回事"))[0] == 3


def test_variant_characters_fold(ix):
    ix.write([doc(1, "转账失败怎么办"), doc(2, "账户余额")])
    assert threads(ix.search("转帐失败")) == [1]
    assert 2 in threads(ix.search("帐户"))


def test_homophone_typo_is_expanded_and_suggested(ix):
    ix.write([doc(1, "导入钱包后余额为零"), doc(2, "导入私钥"), doc(3, "完全无关的话题")])
    page = ix.search("导如钱包")  # the IME picked 如 for 入
    assert threads(page)[0] == 1
    assert page.suggestion == "导入 钱包"


def test_pinyin_typed_without_the_ime_finds_chinese(ix):
    ix.write([doc(1, "转账一直没到账", title="转账没到"), doc(2, "闪退了", title="打开闪退")])
    page = ix.search("zhuanzhang")
    assert threads(page)[0] == 1 and page.suggestion == "转账"
    assert threads(ix.search("shantui")) == [2]
    # an English word of the index is never read as pinyin (pen + ding)
    ix.write([doc(3, "the transfer is pending")])
    assert threads(ix.search("pending")) == [3]


def test_newest_first_lists_threads_having_every_concept(ix):
    ix.write([doc(1, "usdt transfer pending", created=datetime(2024, 1, 1)),
              doc(2, "usdt only here", created=datetime(2024, 6, 1))])  # fmt: skip
    assert threads(ix.search("usdt pending", sort="newest")) == [1]
    assert set(threads(ix.search("usdt pending"))) == {1, 2}  # best first: partial too


def test_spaced_pinyin_is_joined(ix):
    ix.write([doc(1, "转账提示能量不足", title="能量不足"), doc(2, "the transfer is pending")])
    assert threads(ix.search("nengliang buzu"))[0] == 1
    page = ix.search("pending transfer")  # English words of the index stay English
    assert threads(page)[0] == 2 and page.suggestion is None
