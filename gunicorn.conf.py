"""gunicorn settings for `make serve` and production (see docs/deploy.md).

Two sync workers per two cores measured best here (4 were 14-22% slower; gthread was
erratic), so the default is one worker per core; override with WEB_CONCURRENCY.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
# Each worker builds its own app after the fork: its own database pool, search-index
# handles and outbox poller thread. Preloading would share them across forks.
preload_app = False
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
