"""gunicorn settings for `make serve` and production (see docs/deploy.md).

Two sync workers per two cores measured best here (4 were 14-22% slower; gthread was
erratic), so the default is one worker per core; override with WEB_CONCURRENCY.
"""

import ctypes
import gc
import multiprocessing
import os


def _fixed_malloc_thresholds() -> None:
    """glibc returns big blocks to the system: an argon2 hash's 19 MiB (log-in, password
    checks) is mapped and unmapped each time. By default glibc raises its mmap threshold to
    the largest block freed (up to 32 MiB), so after the first hash every later one came
    from the heap and its 19 MiB stayed resident in each worker that ever checked a password.
    Fixed thresholds (set in the master, inherited by the workers) keep the heap for the
    pages' own allocations (rendered pages stay under 1 MiB) and unmap anything bigger."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return
    mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    mallopt(-1, 2 << 20)  # M_TRIM_THRESHOLD: heap tops over 2 MiB go back to the system


_fixed_malloc_thresholds()

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
# The master builds the app once and the workers share its pages copy-on-write (measured in
# docs/benchmarks.md: worker memory). Fork safety: the app opens no connection, index file or
# thread while it is built here (the search poller is deferred), and each worker disposes of
# the inherited pool and starts its own poller in post_fork; index readers, the mail thread
# and per-process caches are made on first use in the worker. Set PRELOAD_APP=0 to build
# the app in each worker instead (then post_fork builds it).
preload_app = os.environ.get("PRELOAD_APP", "1") != "0"
timeout = 30
graceful_timeout = 20
keepalive = 2
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
# Path only: no query string (%(r)s, %(q)s) and no Referer (%(f)s, which carries the previous
# page's query string), so a search query or anything typed into a URL never reaches a log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'
errorlog = "-"
# Only the proxy in front may set X-Forwarded-*; the app trusts FORUM_PROXY_HOPS of them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No software banner: gunicorn names itself in every response's Server header. This file is
# read in the master before workers fork, so the workers inherit the neutral name.
import gunicorn.http.wsgi  # noqa: E402

gunicorn.http.wsgi.SERVER = "forum"

# Read before the master builds the app (preload): it starts no search poller thread (a
# thread does not survive fork); each worker starts its own in post_fork.
from forum.search import outbox as search_outbox  # noqa: E402

search_outbox.DEFER_POLLERS = True


def _forum_app(app):
    """The forum's Flask app, or None when this config serves another app (bench/hello.py)."""
    wsgi = app.wsgi()
    return wsgi if getattr(wsgi, "import_name", None) == "forum" else None


def when_ready(server):
    """In a preloading master, before the first fork: load what every worker would load on
    its first requests (compiled templates, the search word dictionary), so it is shared."""
    app = _forum_app(server.app) if server.cfg.preload_app else None
    if app is not None:
        import forum

        forum.warm(app)


def pre_fork(server, worker):
    """Move everything the master built into the permanent generation: the cyclic collector
    never touches (so never writes to) those objects in a worker, and their pages stay shared."""
    gc.freeze()


def post_fork(server, worker):
    """In the worker: fresh database connections and this worker's search poller."""
    app = _forum_app(worker.app)
    if app is not None:
        import forum

        forum.after_fork(app)
