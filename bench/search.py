"""Search benchmark: forum.search (Whoosh) against SQLite FTS5 (trigram) on one corpus.

    .venv/bin/python bench/search.py --posts 100000          # full run, prints a table
    .venv/bin/python bench/search.py --posts 100000 --builds 3   # reindex: median of 3 builds
    .venv/bin/python bench/search.py --posts 10000           # quick run
    .venv/bin/python bench/search.py --compare               # analyzers on the labelled set

Both engines get the same posts and queries in the same run. Whoosh runs without its result
cache (cold numbers); snippets for Whoosh come from the SQLite table, as in phase 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from forum.search import Doc, SearchIndex  # noqa: E402
from forum.search import analysis as search_analysis  # noqa: E402

# (query, filters): common and rare, Chinese and English, phrases, syntax, filters.
QUERIES: list[tuple[str, dict]] = [
    ("钱包", {}),
    ("转账", {}),
    ("手续费", {}),
    ("助记词", {}),
    ("到账", {}),
    ("余额", {}),
    ("交易所", {}),
    ("马蹄链", {}),
    ("派生路径", {}),
    ("滑点", {}),
    ("多签", {}),
    ("固件", {}),
    ("地址簿", {}),
    ("为什么我的转账一直在等待确认", {}),
    ("USDT转账没到账", {}),
    ("更新后打开钱包就闪退", {}),
    ("助记词导入后余额为零怎么办", {}),
    ("从币安提现到钱包没到账", {}),
    ("授权后资产被盗了", {}),
    ("錢包", {}),
    ("轉賬失敗", {}),
    ("助記詞", {}),
    ("ＵＳＤＴ", {}),
    ("ＴＲＸ 能量", {}),
    ("wallet", {}),
    ("transfer", {}),
    ("fee", {}),
    ("pending", {}),
    ("usdt", {}),
    ("transfers stuck", {}),
    ("failed swap", {}),
    ("crashes after updating", {}),
    ("withdrawals not received", {}),
    ("ledger bluetooth", {}),
    ("derivation path", {}),
    ("slippage", {}),
    ("pancakeswap", {}),
    ("nonce too low", {}),
    ('"seed phrase"', {}),
    ('"gas fee"', {}),
    ('"等待确认"', {}),
    ('"out of energy"', {}),
    ("闪退 -更新", {}),
    ("swap -pancakeswap", {}),
    ("wallet -usdt", {}),
    ("crash OR 闪退", {}),
    ("ledger OR trezor", {}),
    ("提现 OR 充值", {}),
    ("USDT转账", {}),
    ("TRC20地址", {}),
    ("gas费太贵", {}),
    ("TRX能量不足", {}),
    ("transfr", {}),
    ("walet", {}),
    ("recieved", {}),
    ("转账", {"category_ids": [2]}),
    ("wallet", {"solved": True}),
    ("闪退", {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}),
    ("USDT", {"solved": False, "category_ids": [2]}),
    ("手续费", {"date_from": date(2024, 6, 1)}),
    ("seed phrase", {"category_ids": [1]}),
    ("被盗", {"solved": True}),
    ("pending transfer", {"category_ids": [2], "solved": True}),
]

_WORD = re.compile(r'(-?)"([^"]*)"|(\S+)')


def fts_query(q: str) -> str:
    """The same query in FTS5 syntax: quoted substrings, AND, OR, NOT (no folding, no stems)."""
    parts, neg = [], []
    for m in _WORD.finditer(q):
        minus, phrase, word = m.groups()
        if word == "OR":
            parts.append("OR")
            continue
        text = phrase if phrase is not None else word
        if word and word.startswith("-"):
            minus, text = "-", word[1:]
        if not text:
            continue
        item = '"' + text.replace('"', '""') + '"'
        (neg if minus else parts).append(item)
    out = []
    for p in parts:
        if out and p != "OR" and out[-1] != "OR":
            out.append("AND")
        out.append(p)
    s = " ".join(out)
    for n in neg:
        s += f" NOT {n}"
    return s


def _day(d) -> int:
    return (d - date(2000, 1, 1)).days


def fts_search(db, q: str, f: dict, highlight: bool, k: int = 20) -> list[tuple[int, int]]:
    """Top k threads by bm25 (collapsed in Python from the top 5k posts), with snippets."""
    where, args = ["fts MATCH ?"], [fts_query(q)]
    if f.get("category_ids"):
        where.append(f"category_id IN ({','.join('?' * len(f['category_ids']))})")
        args += f["category_ids"]
    if f.get("solved") is not None:
        where.append("solved = ?")
        args.append(int(f["solved"]))
    if f.get("date_from"):
        where.append("day >= ?")
        args.append(_day(f["date_from"]))
    if f.get("date_to"):
        where.append("day <= ?")
        args.append(_day(f["date_to"]))
    sql = (
        f"SELECT rowid, thread_id FROM fts WHERE {' AND '.join(where)} "
        "ORDER BY bm25(fts, 2.0, 1.0) LIMIT 5000"
    )
    try:
        rows = db.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []
    seen: dict[int, int] = {}
    for rowid, tid in rows:
        if tid not in seen:
            seen[tid] = rowid
            if len(seen) >= k:
                break
    if highlight and seen:
        ids = list(seen.values())
        db.execute(
            f"SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 24) FROM fts "
            f"WHERE fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})",
            [args[0], *ids],
        ).fetchall()
    return list(seen.items())


def build_fts(posts, path: Path) -> float:
    """Create the FTS5 trigram table; return the seconds spent."""
    db = sqlite3.connect(path)
    t = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, thread_id UNINDEXED, "
        "category_id UNINDEXED, solved UNINDEXED, day UNINDEXED, tokenize='trigram')"
    )
    db.executemany(
        "INSERT INTO fts(rowid, title, body, thread_id, category_id, solved, day) "
        "VALUES (?,?,?,?,?,?,?)",
        (
            (
                p.post_id,
                p.title if p.is_question else "",
                p.body,
                p.thread_id,
                p.category_id,
                int(p.thread_solved),
                _day(p.thread_created_at.date()),
            )
            for p in posts
        ),
    )
    db.commit()
    elapsed = time.perf_counter() - t
    db.close()
    return elapsed


def dir_size(path: Path) -> int:
    """Bytes used by the files under path."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) in milliseconds."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))] * 1000


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (MpWriter's workers)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, runs: int) -> list[float]:
    """Durations of `runs` calls of fn."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def build_both(posts, procs: int, workdir: Path, builds: int) -> tuple[SearchIndex, dict]:
    """Build the FTS5 table and the Whoosh index `builds` times, alternating (the machine's
    load changes by the minute); the figures are the medians."""
    db_path = workdir / "fts.db"
    runs: dict[str, list[float]] = {"fts": [], "fts_cpu": [], "wh": [], "wh_cpu": []}
    ix = SearchIndex(workdir / "whoosh", cache_size=0)
    for _ in range(builds):
        db_path.unlink(missing_ok=True)
        c0 = cpu_seconds()
        runs["fts"].append(build_fts(posts, db_path))
        runs["fts_cpu"].append(cpu_seconds() - c0)
        c0, t = cpu_seconds(), time.perf_counter()
        ix.rebuild(posts, procs=procs)
        runs["wh"].append(time.perf_counter() - t)
        runs["wh_cpu"].append(cpu_seconds() - c0)
    ratios = [w / f for w, f in zip(runs["wh"], runs["fts"], strict=True)]
    return ix, {
        "whoosh_build_s": statistics.median(runs["wh"]),
        "fts_build_s": statistics.median(runs["fts"]),
        "whoosh_build_cpu_s": statistics.median(runs["wh_cpu"]),
        "fts_build_cpu_s": statistics.median(runs["fts_cpu"]),
        "build_ratios": ratios,
    }


def run_bench(n_posts: int, procs: int, runs: int, workdir: Path, builds: int = 1) -> dict:
    """Build both indexes from the same corpus, time the query set, return the figures."""
    t = time.perf_counter()
    posts = corpus.generate(n_posts)
    gen_s = time.perf_counter() - t
    load_before = os.getloadavg()[0]
    ix, build = build_both(posts, procs, workdir, builds)
    db_path = workdir / "fts.db"
    db = sqlite3.connect(db_path)

    def text_for(post_ids):
        marks = ",".join("?" * len(post_ids))
        rows = db.execute(f"SELECT rowid, title, body FROM fts WHERE rowid IN ({marks})", post_ids)
        return {r[0]: (r[1], r[2]) for r in rows}

    res = {
        "posts": len(posts),
        "threads": posts[-1].thread_id,
        "generate_s": gen_s,
        **build,
        "load_before": load_before,
        "whoosh_size": dir_size(workdir / "whoosh"),
        "fts_size": db_path.stat().st_size,
    }
    samples = {
        k: []
        for k in (
            "wh_plain",
            "wh_hl",
            "wh_filter",
            "fts_plain",
            "fts_hl",
            "fts_filter",
            "wh_hl_both",
            "fts_hl_both",
        )
    }
    per_query = []
    zero = {"whoosh": 0, "fts": 0}
    for q, f in QUERIES:
        wp = timed(lambda q=q, f=f: ix.search(q, highlight=False, **f), runs)
        wh = timed(lambda q=q, f=f: ix.search(q, text_for=text_for, **f), runs)
        fp = timed(lambda q=q, f=f: fts_search(db, q, f, False), runs)
        fh = timed(lambda q=q, f=f: fts_search(db, q, f, True), runs)
        page = ix.search(q, highlight=False, **f)
        fhits = fts_search(db, q, f, False)
        zero["whoosh"] += not page.hits
        zero["fts"] += not fhits
        if f:
            samples["wh_filter"] += wh
            samples["fts_filter"] += fh
        else:
            samples["wh_plain"] += wp
            samples["wh_hl"] += wh
            samples["fts_plain"] += fp
            samples["fts_hl"] += fh
        if fhits and not f:
            samples["wh_hl_both"] += wh
            samples["fts_hl_both"] += fh
        per_query.append(
            {
                "q": q,
                "filters": bool(f),
                "whoosh_ms": statistics.median(wh) * 1000,
                "fts_ms": statistics.median(fh) * 1000,
                "whoosh_total": page.total,
                "fts_hits": len(fhits),
            }
        )
    res["latency_ms"] = {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in samples.items()}
    res["zero_hit_queries"] = zero
    res["load_after"] = os.getloadavg()[0]
    res["queries"] = len(QUERIES)
    res["per_query"] = per_query
    return res


def print_table(r: dict) -> None:
    """The figures as a Markdown table, Whoosh next to FTS5."""
    lat = r["latency_ms"]
    rows = [
        ("full reindex (s)", r["whoosh_build_s"], r["fts_build_s"]),
        ("full reindex, CPU of all processes (s)", r["whoosh_build_cpu_s"], r["fts_build_cpu_s"]),
        ("docs/s", r["posts"] / r["whoosh_build_s"], r["posts"] / r["fts_build_s"]),
        ("index size (MB)", r["whoosh_size"] / 1e6, r["fts_size"] / 1e6),
    ]
    for key, label in (
        ("plain", "no highlight"),
        ("hl", "with highlight"),
        ("filter", "filters+hl"),
        ("hl_both", "hl, only queries FTS5 answers"),
    ):
        for p in ("p50", "p95"):
            rows.append((f"query {p} {label} (ms)", lat[f"wh_{key}"][p], lat[f"fts_{key}"][p]))
    print(
        f"\n{r['posts']} posts, {r['threads']} threads, {r['queries']} queries "
        f"(zero hits: whoosh {r['zero_hit_queries']['whoosh']}, fts5 {r['zero_hit_queries']['fts']})\n"
    )
    print(
        f"load average {r['load_before']:.1f} before the builds, {r['load_after']:.1f} at the "
        f"end; reindex ratio per build: {', '.join(f'{x:.2f}' for x in r['build_ratios'])}\n"
    )
    print("| measure | Whoosh | FTS5 trigram | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label, w, f in rows:
        print(f"| {label} | {w:,.1f} | {f:,.1f} | {w / f if f else float('nan'):.2f} |")


# Analyzer comparison on the labelled set --------------------------------------------------------


LABELLED_SETS = ("", "_more")  # tests/data/search_corpus{,_more}.json + search_queries{,_more}
# queries about the same threads, written before running them (reported on their own too)
QUERY_ONLY_SETS = ("_round3",)
# 60 threads + 60 queries written by someone who never saw the code: indexed on their own
INDEPENDENT_SET = "_independent"


def load_labelled(sets=LABELLED_SETS, query_sets=QUERY_ONLY_SETS):
    """The hand-written corpora and queries of tests/data (thread ids are distinct); each
    query gets "set": the file suffix it came from."""
    data = ROOT / "tests" / "data"
    threads, queries = [], []
    for suffix in sets:
        threads += json.loads((data / f"search_corpus{suffix}.json").read_text(encoding="utf-8"))
    for suffix in (*sets, *query_sets):
        path = data / f"search_queries{suffix}.json"
        queries += [{**q, "set": suffix} for q in json.loads(path.read_text(encoding="utf-8"))]
    return threads, queries


def labelled_docs(threads) -> list[Doc]:
    """One Doc per post of the labelled threads."""
    docs = []
    for t in threads:
        created = datetime.fromisoformat(t["created"])
        solved = t.get("accepted") is not None
        docs.append(
            Doc(
                t["id"] * 100,
                t["id"],
                t["category"],
                True,
                False,
                solved,
                t["title"],
                t["question"],
                "asker",
                created,
                created,
            )
        )
        for i, ans in enumerate(t.get("answers", []), start=1):
            docs.append(
                Doc(
                    t["id"] * 100 + i,
                    t["id"],
                    t["category"],
                    False,
                    t.get("accepted") == i,
                    solved,
                    t["title"],
                    ans,
                    "helper",
                    created,
                    created,
                )
            )
    return docs


def evaluate(search_fn, queries, misses: list | None = None) -> tuple[float, float]:
    """Mean recall@10 and MRR of search_fn(q) -> ranked thread ids over the labelled queries
    (recall over min(relevant, 10)); misses collects (query, rank or None) below rank 1."""
    recalls, rrs = [], []
    for item in queries:
        want = set(item["relevant"])
        got = search_fn(item["q"])[:10]
        recalls.append(len(want & set(got)) / min(len(want), 10))
        rank = next((i + 1 for i, tid in enumerate(got) if tid in want), None)
        rrs.append(1 / rank if rank else 0.0)
        if misses is not None and rank != 1:
            misses.append((item["q"], item.get("kind", ""), rank))
    return statistics.mean(recalls), statistics.mean(rrs)


def by_language(search_fn, queries) -> dict[str, tuple[float, float, int]]:
    """recall@10 and MRR for all queries, Chinese ones (kind zh*) and the others."""
    out = {}
    for name, test in (("all", None), ("zh", True), ("en+mixed", False)):
        qs = [q for q in queries if test is None or q["kind"].startswith("zh") == test]
        if qs:
            out[name] = (*evaluate(search_fn, qs), len(qs))
    for suffix in QUERY_ONLY_SETS:  # written before running: the least biased estimate
        for name, test in (("", None), (" zh", True), (" en+mixed", False)):
            qs = [
                q
                for q in queries
                if q.get("set") == suffix and (test is None or q["kind"].startswith("zh") == test)
            ]
            if qs:
                out[f"{suffix.strip('_')}{name}"] = (*evaluate(search_fn, qs), len(qs))
    return out


def relevance(workdir: Path, n_posts: int, show_misses: bool) -> dict:
    """recall@10 / MRR on the labelled threads alone, on the independent set alone, then the
    labelled set mixed into n_posts generated posts (the generated threads never count as
    relevant: they are noise that competes)."""
    threads, queries = load_labelled()
    docs = labelled_docs(threads)
    offset = 10_000_000  # generated thread and post ids stay clear of the labelled ones
    noise = [
        replace(p, post_id=p.post_id + offset * 100, thread_id=p.thread_id + offset)
        for p in (corpus.generate(n_posts) if n_posts else [])
    ]
    ind_threads, ind_queries = load_labelled((INDEPENDENT_SET,), ())
    out = {}
    runs = [("labelled", docs, queries), ("independent", labelled_docs(ind_threads), ind_queries)]
    if n_posts:
        runs.append((f"mixed {n_posts} posts", docs + noise, queries))
    for label, all_docs, queries in runs:
        ix = SearchIndex(workdir / label.replace(" ", "_"), cache_size=0)
        ix.rebuild(sorted(all_docs, key=lambda d: d.thread_created_at), procs=2)
        fn = lambda q, ix=ix: [h.thread_id for h in ix.search(q, per_page=10).hits]  # noqa: E731
        out[label] = by_language(fn, queries)
        misses: list = []
        evaluate(fn, queries, misses)
        for name, (r, m, n) in out[label].items():
            print(f"| {label} | {name} ({n}) | {r:.3f} | {m:.3f} |")
        if show_misses:
            for q, kind, rank in misses:
                print(f"    rank {rank or '-'}: [{kind}] {q}")
        ix.close()
    return out


def compare(workdir: Path, n_posts: int) -> None:
    """recall@10 / MRR per analyzer mode on the labelled set, plus index build time."""
    threads, queries = load_labelled()
    docs = labelled_docs(threads)
    posts = corpus.generate(n_posts)
    print(f"| analyzer | recall@10 | MRR | build {n_posts} posts (s, 1 proc) |")
    print("| --- | ---: | ---: | ---: |")
    for mode in search_analysis.MODES:
        ix = SearchIndex(workdir / f"lab_{mode}", mode=mode, cache_size=0)
        ix.rebuild(docs, procs=1)
        r, m = evaluate(
            lambda q, ix=ix: [h.thread_id for h in ix.search(q, per_page=10).hits], queries
        )
        big = SearchIndex(workdir / f"big_{mode}", mode=mode, cache_size=0)
        t = time.perf_counter()
        big.rebuild(posts, procs=1)
        print(f"| {mode} | {r:.3f} | {m:.3f} | {time.perf_counter() - t:.1f} |")
    lab = workdir / "lab_fts.db"
    build_fts(docs, lab)
    db = sqlite3.connect(lab)
    r, m = evaluate(lambda q: [tid for tid, _ in fts_search(db, q, {}, False, 10)], queries)
    print(f"| FTS5 trigram (reference) | {r:.3f} | {m:.3f} | |")


def main(argv=None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3, help="timed runs per query")
    ap.add_argument("--compare", action="store_true", help="compare analyzers on the labelled set")
    ap.add_argument("--relevance", action="store_true", help="recall@10/MRR, alone and mixed")
    ap.add_argument("--misses", action="store_true", help="with --relevance: list the misses")
    ap.add_argument(
        "--floor", nargs=2, type=float, metavar=("RECALL", "MRR"),
        help="with --relevance: exit 1 if the mixed index scores below these (regression check)",
    )  # fmt: skip
    ap.add_argument("--builds", type=int, default=1, help="builds of each index (medians)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        if args.compare:
            compare(workdir, min(args.posts, 20_000))
            return
        if args.relevance:
            print("| index | queries | recall@10 | MRR |\n| --- | --- | ---: | ---: |")
            out = relevance(workdir, args.posts, args.misses)
            if args.floor:
                recall, mrr, _n = out[list(out)[-1]]["all"]
                if recall < args.floor[0] or mrr < args.floor[1]:
                    sys.exit(f"relevance below the floor: {recall:.3f} / {mrr:.3f}")
            return
        r = run_bench(args.posts, args.procs, args.runs, workdir, args.builds)
        print_table(r)
        slow = sorted(r["per_query"], key=lambda x: -x["whoosh_ms"])[:8]
        print("\nslowest Whoosh queries (median ms, with highlight):")
        for x in slow:
            print(
                f"  {x['whoosh_ms']:7.1f}  fts5 {x['fts_ms']:7.1f}  {x['q']!r}"
                f"{' +filters' if x['filters'] else ''} (whoosh {x['whoosh_total']} threads,"
                f" fts5 {x['fts_hits']})"
            )
        if args.json:
            Path(args.json).write_text(json.dumps(r, indent=1, default=str))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
