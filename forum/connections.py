"""Database round trips a page does not need (issue 14).

A thread page's reads used to cost three round trips more than its statements: a ping when
the pool handed out the connection, BEGIN and ROLLBACK. On a small host the database shares
the cores with the web workers, so each round trip costs both processes CPU.

- Ping only a connection that sat idle in the pool for a while (FORUM_DB_PING_AFTER_SECONDS,
  default 1 s; 0 pings on every checkout, as `pool_pre_ping` did). A connection a busy worker
  used a moment ago is alive; one that fails its ping is replaced before the request uses it.
  After a database restart the first statement that fails invalidates the whole pool, so a
  busy worker loses at most the request it was serving, as it would with a ping.
- A GET or HEAD request on PostgreSQL reads in autocommit until its first write: the first
  statement that is not a plain SELECT (an INSERT, UPDATE, DELETE, SELECT ... FOR UPDATE or
  any text statement) turns autocommit off before it runs, so psycopg opens the transaction
  then and everything from there to the commit or rollback is atomic, as before. Under
  PostgreSQL's READ COMMITTED every statement reads its own snapshot anyway, so reads outside
  a transaction see what they saw inside one. (SQLite's driver already works this way: it
  begins a transaction before the first write, not before reads.)

Other requests, the CLI and background pollers keep the usual transactions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import Flask
from sqlalchemy import Engine, Executable, Row, event
from sqlalchemy.exc import DisconnectionError

from .extensions import db

IDLE_SINCE = "forum_idle_since"
# Execution options of a write that is whole on its own (one INSERT ... ON CONFLICT DO
# NOTHING): on a GET it runs in autocommit and opens no transaction.
ALONE = {"forum_alone": True}


def install(app: Flask, reading_request: Callable[[], bool]) -> None:
    """Listen on this app's engines; reading_request() tells whether the request being served
    (if any) is a GET or HEAD (the web layer knows)."""
    ping_after = float(app.config["FORUM_DB_PING_AFTER_SECONDS"])
    with app.app_context():
        for engine in db.engines.values():
            _listen(engine, ping_after, reading_request)


def _listen(engine: Engine, ping_after: float, reading_request: Callable[[], bool]) -> None:
    dialect = engine.dialect
    autocommit_reads = dialect.name == "postgresql" and dialect.driver == "psycopg"

    @event.listens_for(engine, "checkout")
    def checkout(dbapi_connection, record, _proxy) -> None:
        idle = time.monotonic() - record.info.get(IDLE_SINCE, float("-inf"))
        if idle >= ping_after:
            try:
                dialect.do_ping(dbapi_connection)
            except dialect.loaded_dbapi.Error as error:  # the pool retries with a new one
                raise DisconnectionError() from error
        if autocommit_reads and reading_request():
            dbapi_connection.autocommit = True

    @event.listens_for(engine, "checkin")
    def checkin(dbapi_connection, record) -> None:
        record.info[IDLE_SINCE] = time.monotonic()
        raw = dbapi_connection  # None when the pool invalidated it
        if autocommit_reads and raw is not None and raw.autocommit and not raw.closed:
            raw.autocommit = False

    if autocommit_reads:
        event.listen(engine, "before_cursor_execute", _begin_before_writing)


def _begin_before_writing(_conn, cursor, statement: str, _params, context, _many) -> None:
    raw = cursor.connection
    if not raw.autocommit or (context is not None and context.execution_options.get("forum_alone")):
        return
    # A server-side cursor (yield_per, stream_results) lives in a transaction too.
    if not reads_only(statement) or hasattr(cursor, "name"):
        raw.autocommit = False  # psycopg sends BEGIN with this statement


def reads_only(statement: str) -> bool:
    """A plain SELECT: no row locks, nothing written (anything else counts as a write)."""
    return statement.lstrip()[:6].upper() == "SELECT" and " FOR " not in statement.upper()


def read(
    statement: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[Row[*tuple[Any, ...]]]:
    """The rows of a read of plain columns (no mapped objects), run as Core on the session's
    connection and fetched at once.

    The session's own execute() runs a statement built from mapped columns through the ORM:
    it compiles an ORM state and then turns each row into a tuple once more; iterating a
    result fetches row by row. Together about half of a list read's cost in the web worker
    (the home list: 450 -> 311 Python calls). The session's pending changes are flushed
    first, as autoflush would."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params).all()
