"""Images (issue 11): processing time, the OCR guard's recall and false refusals, and the
serving throughput of a stored image against the hello ceiling.

    .venv/bin/python bench/uploads.py guard            # 24 phrase + 60 ordinary screenshots
    .venv/bin/python bench/uploads.py guard --quick    # 6 + 10
    .venv/bin/python bench/uploads.py serve --duration 5

guard: every generated screenshot (tests/screens.py: 1080x2160 phone screens, some dark, some
540 px JPEGs) goes through the upload path's own steps in process: Pillow decode + re-encode
(forum/images.process), then OCR + QR (images.read_text with the guard's stop rule) and the
guard (safety.find_secrets / find_personal_data). Phrase screens must be refused (recall);
ordinary screens must pass with no finding (false refusals / personal-data prompts).

serve: two gunicorn servers (gunicorn.conf.py, 2 sync workers) on loopback, the forum on a
fresh SQLite database with one public answer carrying a 1080x2160 PNG screenshot, and
bench/hello.py. A Python client with --clients threads fetches the image (full size, then the
thumbnail) and the hello page for --duration seconds each; the image's requests/s is
reported as a share of hello's in the same run (wrk is not on this machine, so the client is
the same simple one for both).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import OUT, BIN, Server, arg_parser, forum_env, machine_note, percentile, request, table  # noqa: E402, I001


def guard(quick: bool) -> None:
    from forum import images, safety
    from tests.screens import ordinary_screens, phrase_screens

    limits = images.Limits(8 * 1024 * 1024, 50_000_000, 2560)
    phrases = list(phrase_screens())
    ordinary = list(ordinary_screens(per_kind=1 if quick else 6))
    if quick:
        phrases = phrases[::4]
    rows, times = [], {"process": [], "ocr": [], "total": []}
    caught, refused, prompted, missed = 0, 0, 0, []
    for kind, screens in (("phrase", phrases), ("ordinary", ordinary)):
        for screen in screens:
            start = time.perf_counter()
            picture, _full, _thumb = images.process(screen.data, limits)
            decoded = time.perf_counter()
            reading = images.read_text(picture, command="tesseract", seconds=30,
                                       enough=lambda t: bool(safety.find_secrets(t)))  # fmt: skip
            done = time.perf_counter()
            text = reading.text or ""
            secret = bool(safety.find_secrets(text))
            personal = bool(safety.find_personal_data(text))
            if kind == "phrase":
                caught += secret
                if not secret:
                    missed.append(screen.name)
            else:
                refused += secret
                prompted += personal and not secret
                times["process"].append(decoded - start)
                times["ocr"].append(done - decoded)
                times["total"].append(done - start)
            print(f"{screen.name:34} {done - start:5.2f} s  secret={secret} personal={personal}",
                  flush=True)  # fmt: skip
    for step, values in times.items():
        rows.append([step, f"{percentile(values, 50):.2f}", f"{percentile(values, 95):.2f}",
                     f"{max(values):.2f}"])  # fmt: skip
    print()
    print(machine_note())
    print(
        f"phrase screenshots refused: {caught}/{len(phrases)}; missed: {', '.join(missed) or '-'}"
    )
    print(
        f"ordinary screenshots refused: {refused}/{len(ordinary)}; personal-data prompts: {prompted}"
    )
    print("per ordinary phone screenshot (seconds):")
    print(table(["step", "p50", "p95", "max"], rows))


def _seed_image(database: str, instance: Path) -> str:
    """A fresh database with one public answer carrying a phone screenshot; its URL path."""
    env = forum_env(database, instance)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip
    from forum import create_app, media
    from forum.attachments import Sent
    from tests.factories import make_category, make_thread, make_user
    from tests.screens import ordinary_screen

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x" * 40,
                      "INSTANCE_PATH": str(instance / "seeder")})  # fmt: skip
    with app.test_request_context():
        from forum import threads

        user = make_user("bench_uploader")
        thread = make_thread(user, make_category())
        shot = ordinary_screen("transfer", False, 7)
        stored = media.upload(user, shot.data, shot.filename)
        threads.reply(user, thread, "The transfer screen.", images=Sent((stored.id,)))
        return f"/media/{stored.id}.png", f"/media/{stored.id}/thumb.png", stored.blob.size


def _hammer(url: str, clients: int, seconds: float) -> tuple[float, float, int]:
    """requests/s, p50 ms and bad answers of `clients` threads fetching url for `seconds`."""
    latencies: list[float] = []
    bad = [0]
    stop = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop:
            answer = request("GET", url)
            latencies.append(answer.seconds)
            bad[0] += answer.status != 200

    workers = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - start
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, bad[0]


def serve(duration: float, clients: int) -> None:
    work = OUT / "uploads"
    work.mkdir(parents=True, exist_ok=True)
    database = work / "bench.db"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    full, thumb, size = _seed_image(url, work / "instance")
    env = forum_env(url, work / "instance")
    rows = []
    with (
        Server("wsgi:app", env, 2, log=work / "forum.log").start("/media/upload") as forum,
        Server("hello:app", env, 2, log=work / "hello.log", pythonpath="bench").start() as hello,
    ):  # fmt: skip
        ceiling = _hammer(hello.base + "/", clients, duration)
        for name, base, path in (("image 1080x2160 PNG", forum.base, full),
                                 ("thumbnail", forum.base, thumb), ("hello (ceiling)", hello.base, "/")):  # fmt: skip
            rps, p50, bad = _hammer(base + path, clients, duration) if path != "/" else ceiling
            rows.append([name, f"{rps:,.0f}", f"{100 * rps / ceiling[0]:.0f}%", f"{p50:.1f}", bad])
    print(machine_note())
    print(f"stored image: {size:,} bytes; {clients} client threads, {duration:g} s per URL")
    print(table(["URL", "req/s", "of hello", "p50 ms", "bad"], rows))


def main() -> None:
    parser = arg_parser(__doc__)
    parser.add_argument("what", choices=["guard", "serve"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    if args.what == "guard":
        guard(args.quick)
    else:
        serve(args.duration, args.clients)


if __name__ == "__main__":
    main()
