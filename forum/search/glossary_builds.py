"""Staff synonym groups reaching each host's indexes. Imports models, extensions, glossary,
index, progress (never outbox: outbox calls in here, passing the documents to index).

The database holds the staff groups (glossary_groups); their version is a hash of the shipped
glossary, the operator's file and the groups. Group tokens are written at index time, so a new
version needs new indexes: a host builds a fresh pair (public and private) in a new directory
in the background, while the current pair keeps serving and being fed by the outbox. When both
are built, `glossary_active.json` names the new directory, and every process of the host
switches to it at its next poll. A process always searches an index with the glossary it was
built with, so no query asks for a group token its index lacks.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from ..extensions import db
from ..models import GlossaryGroup
from .glossary import GLOSSARY_PATH
from .index import Doc, forget, get_index
from .progress import OutboxProgress

ACTIVE_FILE = "glossary_active.json"  # which build directory this host searches
STATUS_FILE = "glossary_build.json"  # the build under way: version, documents done / total
LOCK_FILE = "glossary_build.lock"  # held by the one process of the host that builds
EXTRA_FILE = "glossary.txt"  # inside a build: the operator's groups, then the staff groups
PREFIX = "g-"
RETIRE_AFTER = 600.0  # seconds a replaced build is kept for processes still switching
NAMES = ("public", "private")

DocsFor = Callable[[str], Iterable[Doc]]


@dataclass(frozen=True)
class Active:
    """This host's indexes: the directory holding public/ and private/, their glossary file
    (besides the shipped one) and the glossary version they were built with."""

    root: Path
    extra: str | None
    version: str


@dataclass(frozen=True)
class BuildStatus:
    """What the editor shows: the version staff asked for, the one this host searches with,
    and the build under way (documents indexed so far, of about `total`)."""

    wanted: str
    active: str
    building: bool = False
    done: int = 0
    total: int = 0

    @property
    def applied(self) -> bool:
        return self.wanted == self.active


_active: dict[str, Active] = {}
_builders: dict[str, threading.Thread] = {}
_lock = threading.Lock()
_shipped: list[bytes] = []


def staff_groups() -> list[str]:
    """The staff groups, oldest first, as stored ("a|b|c")."""
    return list(db.session.scalars(select(GlossaryGroup.entries).order_by(GlossaryGroup.id)))


def _operator_text(config) -> str:
    path = config.get("FORUM_SYNONYMS_FILE")
    return Path(path).read_text(encoding="utf-8") if path else ""


def version(config, groups: list[str]) -> str:
    """The glossary version: a hash of the shipped file, the operator's file and the groups."""
    if not _shipped:
        _shipped.append(GLOSSARY_PATH.read_bytes())
    h = hashlib.blake2b(_shipped[0], digest_size=8)
    h.update(b"\0" + _operator_text(config).encode("utf-8"))
    for group in groups:
        h.update(b"\0" + group.encode("utf-8"))
    return h.hexdigest()


def _dir(config) -> Path:
    return Path(os.path.abspath(config["FORUM_SEARCH_DIR"]))


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def _load(config) -> Active:
    """The build active.json names, or the directory's own public/ and private/ (no build)."""
    base = _dir(config)
    data = _read_json(base / ACTIVE_FILE)
    root = base / data["root"] if data.get("root") else None
    if root is not None and root.is_dir():
        return Active(root, str(root / EXTRA_FILE), data["version"])
    return Active(base, config.get("FORUM_SYNONYMS_FILE"), version(config, []))


def active(config) -> Active:
    """This process's choice of indexes (read from disk once, then by `refresh`)."""
    key = str(_dir(config))
    with _lock:
        got = _active.get(key)
        if got is None:
            got = _active[key] = _load(config)
        return got


def refresh(config) -> bool:
    """Switch to the build another process finished, closing the old indexes; True if so."""
    key, new = str(_dir(config)), _load(config)
    with _lock:
        old, _active[key] = _active.get(key), new
    if old is None or old.root == new.root:
        return False
    for name in NAMES:
        forget(old.root / name)  # searches under way finish on it; later ones use the new
    return True


def reload(config) -> None:
    """Forget this process's choice: the next use reads the directory again (tests, CLI)."""
    with _lock:
        _active.pop(str(_dir(config)), None)


def location(config, name: str) -> tuple[Path, str | None]:
    """(directory, glossary_extra) of this process's index `name` ("public" or "private")."""
    got = active(config)
    return got.root / name, got.extra


# --- building ---------------------------------------------------------------------------------


def poll(docs_for: DocsFor) -> None:
    """Each poll: switch to a finished build; start one if the database's glossary is newer."""
    config = current_app.config
    refresh(config)
    groups = staff_groups()
    wanted = version(config, groups)
    if wanted != active(config).version:
        _start(current_app._get_current_object(), groups, wanted, docs_for)  # type: ignore[attr-defined]


def _try_lock(base: Path) -> int | None:
    base.mkdir(parents=True, exist_ok=True)
    fd = os.open(base / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _start(app: Flask, groups: list[str], wanted: str, docs_for: DocsFor) -> None:
    base = _dir(app.config)
    with _lock:
        running = _builders.get(str(base))
        if running is not None and running.is_alive():
            return  # the next version waits for this build; it starts at a later poll
        fd = _try_lock(base)
        if fd is None:
            return  # another process of this host builds
        worker = threading.Thread(
            target=_build, args=(app, fd, groups, wanted, docs_for), name="glossary-build",
            daemon=True,
        )  # fmt: skip
        _builders[str(base)] = worker
    worker.start()


def wait(config, timeout: float = 60.0) -> None:
    """Wait for this process's build of the directory to end (tests, CLI)."""
    worker = _builders.get(str(_dir(config)))
    if worker is not None:
        worker.join(timeout)


def _build(app: Flask, fd: int, groups: list[str], wanted: str, docs_for: DocsFor) -> None:
    with app.app_context():
        base = _dir(app.config)
        try:
            _collect(base)
            previous = active(app.config)
            root = base / f"{PREFIX}{wanted}-{time.time_ns()}"
            root.mkdir()
            extra = "\n".join([_operator_text(app.config), *groups, ""])
            (root / EXTRA_FILE).write_text(extra, encoding="utf-8")
            counter = _Counter(base, wanted, previous)
            for name in NAMES:
                old = get_index(previous.root / name, public=name == "public",
                                glossary_extra=previous.extra)  # fmt: skip
                # Rows applied to the old index since may be applied again: that is harmless.
                progress: OutboxProgress = old.load_progress()
                new = get_index(root / name, public=name == "public",
                                glossary_extra=str(root / EXTRA_FILE))  # fmt: skip
                new.rebuild(counter.count(docs_for(name)), procs=1, progress=progress)
                db.session.rollback()
            _switch(app.config, root, wanted, previous)
        except Exception:
            app.logger.warning("glossary build failed; the next poll retries", exc_info=True)
        finally:
            db.session.rollback()
            (base / STATUS_FILE).unlink(missing_ok=True)
            os.close(fd)  # releases the lock


class _Counter:
    """Counts the documents a build has indexed into the status file the editor reads."""

    def __init__(self, base: Path, wanted: str, previous: Active):
        self.path, self.wanted, self.done = base / STATUS_FILE, wanted, 0
        self.total = sum(
            get_index(previous.root / name, public=name == "public",
                      glossary_extra=previous.extra).doc_count()
            for name in NAMES
        )  # fmt: skip
        self._save()

    def _save(self) -> None:
        data = {"version": self.wanted, "done": self.done, "total": self.total}
        _write_json(self.path, data)

    def count(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        for doc in docs:
            self.done += 1
            if self.done % 1000 == 0:
                self._save()
            yield doc


def _switch(config, root: Path, wanted: str, previous: Active) -> None:
    base = _dir(config)
    data = _read_json(base / ACTIVE_FILE)
    retired = dict(data.get("retired", {}))
    if previous.root != base:
        retired[previous.root.name] = time.time()
    _write_json(base / ACTIVE_FILE, {"root": root.name, "version": wanted, "retired": retired})
    refresh(config)


def _collect(base: Path) -> None:
    """Delete builds replaced over RETIRE_AFTER seconds ago, and unfinished ones (a crash:
    the caller holds the build lock, so no other build is under way)."""
    data = _read_json(base / ACTIVE_FILE)
    retired = data.get("retired", {})
    keep = {data.get("root")} | {n for n, t in retired.items() if time.time() - t < RETIRE_AFTER}
    for path in base.glob(f"{PREFIX}*"):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    if retired:
        retired = {n: t for n, t in retired.items() if n in keep}
        _write_json(base / ACTIVE_FILE, {**data, "retired": retired})


def status(groups: list[str]) -> BuildStatus:
    """Where this host stands with the glossary made of `groups` (the editor's status line)."""
    config = current_app.config
    refresh(config)
    wanted = version(config, groups)
    got = BuildStatus(wanted, active(config).version)
    if got.applied:
        return got
    base = _dir(config)
    fd = _try_lock(base)
    if fd is not None:  # nobody builds now: the next poll starts it
        os.close(fd)
        return got
    data = _read_json(base / STATUS_FILE)
    return BuildStatus(
        wanted, got.active, True, int(data.get("done", 0)), int(data.get("total", 0))
    )
