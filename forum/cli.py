"""Operator commands: `flask --app wsgi forum <command>`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TypeVar

import click
from flask import Flask, current_app
from sqlalchemy import select

from . import (
    accounts,
    categories,
    demo,
    emails,
    inbound,
    lookalikes,
    mail,
    markup,
    media,
    trends,
    twofactor,
)
from .errors import DomainError
from .extensions import db
from .models import Post, Role, TicketNote, utcnow
from .search import glossary_builds
from .search import outbox as search_outbox


def register(app: Flask) -> None:
    app.cli.add_command(forum)


@click.group()
def forum() -> None:
    """Forum operator commands."""


def _read_password() -> str:
    """From a hidden prompt, or the first line of stdin: never from the command line."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@forum.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
@click.option("--email", default=None)
def create_user(name: str, role: str, email: str | None) -> None:
    """Create an account; the password comes from a prompt or stdin, never the command line."""
    password = _read_password()
    try:
        user = accounts.register(
            name, password, email=email, role=Role(role), allow_reserved=role != Role.MEMBER
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created {user.username} ({user.role}).")


@forum.command("set-password")
@click.argument("name")
def set_password(name: str) -> None:
    """Give an account a new password (there is no e-mail reset); its sessions end."""
    user = accounts.find_by_name(name)
    if user is None:
        raise click.ClickException(f"No user named {name!r}.")
    try:
        accounts.operator_set_password(user, _read_password())
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"New password set for {user.username}; their sessions have ended.")


@forum.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(name: str, role: str) -> None:
    """Give an existing account a role (operator override, audited with no actor)."""
    user = accounts.find_by_name(name)
    if user is None:
        raise click.ClickException(f"No user named {name!r}.")
    try:
        accounts.operator_set_role(user, Role(role))
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"{user.username} is now {role}.")


@forum.command("lookalikes")
def list_lookalikes() -> None:
    """List accounts whose names look like a volunteer's or staff member's (exit 1 if any)."""
    pairs = lookalikes.all_collisions()
    for imitator, protected in pairs:
        state = " (suspended)" if imitator.is_suspended else ""
        click.echo(f"{imitator.id}\t{imitator.username}{state}\tlooks like\t{protected.username}")
    click.echo(f"{len(pairs)} look-alike account(s).")
    if pairs:
        sys.exit(1)


@forum.command("reset-2fa")
@click.argument("name")
def reset_two_factor(name: str) -> None:
    """Turn off an account's two-factor authentication (lost phone); audited, sessions end."""
    user = accounts.find_by_name(name)
    if user is None:
        raise click.ClickException(f"No user named {name!r}.")
    twofactor.operator_reset(user)
    click.echo(f"Two-factor authentication is off for {user.username}; they enrol again at log-in.")


@forum.command("seed-demo")
@click.option("--password", default="demo-password", show_default=True)
def seed_demo(password: str) -> None:
    """Load bilingual demo content into an empty forum and print the demo log-ins."""
    categories.ensure_defaults()
    logins = demo.load(password)
    if not logins:
        click.echo("The forum already has threads; demo content not loaded.")
        return
    click.echo(f"Demo log-ins (password for all: {password}):")
    for role, name in logins:
        click.echo(f"  {role:<10} {name}")


@forum.command("ensure-categories")
def ensure_categories() -> None:
    """Create the default categories if there are none."""
    click.echo(f"Created {categories.ensure_defaults()} categories.")


@forum.command("rerender")
def rerender() -> None:
    """Rebuild every stored *_html (and posts.body_text) from its Markdown source (after an
    allow-list or markup change)."""
    changed = _rerendered(Post) + _rerendered(TicketNote)
    db.session.commit()
    click.echo(f"Re-rendered {changed} bodies.")


_WithBody = TypeVar("_WithBody", Post, TicketNote)


def _rerendered(model: type[_WithBody]) -> int:
    """Re-render one table's bodies; how many changed (not committed)."""
    changed = 0
    for item in db.session.scalars(select(model).execution_options(yield_per=500)):
        html = markup.render(item.body_source)
        text = markup.to_text(item.body_source) if isinstance(item, Post) else ""
        if html != item.body_html or (isinstance(item, Post) and text != item.body_text):
            item.body_html = html
            if isinstance(item, Post):
                item.body_text = text
            changed += 1
    return changed


@forum.command("reindex")
@click.option("--procs", default=2, show_default=True, help="Writer processes for the rebuild.")
def reindex(procs: int) -> None:
    """Rebuild this host's search indexes from the database."""
    counts = search_outbox.rebuild(procs=procs)
    click.echo(f"Indexed {counts['public']} public and {counts['private']} private posts.")


@forum.command("glossary-apply")
def glossary_apply() -> None:
    """Rebuild this host's indexes with the staff glossary now, if it changed (the search
    poller does this by itself; for hosts run with FORUM_SEARCH_POLL_SECONDS = 0)."""
    search_outbox.check_glossary()
    glossary_builds.wait(current_app.config, timeout=24 * 3600)
    click.echo("Done (or another process of this host is building it).")


@forum.command("search-sync")
def search_sync() -> None:
    """Apply pending search-outbox rows to this host's indexes."""
    click.echo(f"Applied {search_outbox.sync()} outbox rows.")


@forum.command("search-check")
def search_check() -> None:
    """Report drift between the database and this host's indexes (exit 1 if any)."""
    report = search_outbox.drift()
    for name, row in report.items():
        click.echo(f"{name}: {row['indexed']} indexed, {row['missing']} missing, "
                   f"{row['extra']} extra")  # fmt: skip
    if any(row["missing"] or row["extra"] for row in report.values()):
        raise SystemExit(1)


@forum.command("search-prune")
@click.option("--days", default=7, show_default=True)
def search_prune(days: int) -> None:
    """Delete applied outbox rows older than DAYS."""
    click.echo(f"Deleted {search_outbox.prune(days)} old outbox rows.")


@forum.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running: send, then wait --interval seconds.")
@click.option("--interval", default=30.0, show_default=True)
@click.option("--status", "show_status", is_flag=True, help="Only report what is waiting.")
def send_mail(loop: bool, interval: float, show_status: bool) -> None:
    """Deliver the e-mail outbox (safe to run on several hosts at once: rows are claimed)."""
    if show_status:
        row = mail.status()
        click.echo(f"{row['waiting']} waiting, {row['retried']} retried, "
                   f"oldest {row['oldest_seconds']} s")  # fmt: skip
        return
    while True:
        report = mail.send_all()
        if report.sent or report.dropped or report.failed or not loop:
            click.echo(f"sent {report.sent}, dropped {report.dropped}, failed {report.failed}")
        if not loop:
            return
        time.sleep(interval)


@forum.command("send-digests")
def send_digests() -> None:
    """Queue the daily e-mail digest of everyone due one (run hourly; send-mail delivers)."""
    click.echo(f"Queued {emails.queue_digests()} digests.")


@forum.command("staff-digest")
def staff_digest() -> None:
    """Queue the daily support digest for every staff member with a confirmed address (run
    once a day, e.g. from cron at 08:00): late tickets, old unanswered questions, the week."""
    click.echo(f"Queued {trends.queue_staff_digests()} staff digests.")


@forum.command("receive-mail")
def receive_mail() -> None:
    """Read one e-mail (RFC 5322) on stdin, as an MTA pipe delivers it: a ticket reply, a new
    ticket, or an invitation to register. Prints the outcome only, never the content."""
    limit = current_app.config["FORUM_MAIL_MAX_INBOUND_BYTES"]
    raw = sys.stdin.buffer.read(limit + 1)
    click.echo(inbound.receive(raw))


@forum.command("backup")
@click.argument("target", type=click.Path(dir_okay=False), required=False)
def backup(target: str | None) -> None:
    """Copy the SQLite database while the forum runs (SQLite's online backup API).
    For PostgreSQL use pg_dump (docs/deploy.md)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException("This is PostgreSQL: back it up with pg_dump (docs/deploy.md).")
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = target or str(Path(current_app.instance_path) / "backups" / f"forum-{stamp}.db")
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    import sqlite3  # here only: a PostgreSQL forum's web workers need not load it (~1 MB)

    raw, copy = engine.raw_connection(), sqlite3.connect(target)
    try:
        if raw.driver_connection is None:  # only for a connection closed under us
            raise click.ClickException("The database connection is closed; try again.")
        raw.driver_connection.backup(copy)
    finally:
        copy.close()
        raw.close()
    click.echo(f"Backed up to {target}")


@forum.command("media-orphans")
@click.option("--hours", default=24, show_default=True, help="Only uploads older than this.")
@click.option("--delete", "remove", is_flag=True, help="Remove them (default: only list).")
def media_orphans(hours: int, remove: bool) -> None:
    """List (or remove) images uploaded but never sent, and stored blobs nothing uses."""
    if remove:
        attachments, blobs = media.remove_orphans(hours)
        click.echo(f"Removed {attachments} unsent image(s) and {blobs} blob(s).")
        return
    stale, unused = media.orphans(hours)
    click.echo(f"{len(stale)} unsent image(s): {', '.join(map(str, stale)) or '-'}")
    click.echo(f"{len(unused)} unused blob(s).")
