"""Unbound Flask extensions, bound to the app in create_app(). Imports flask_* only (and
Flask-Migrate only when a migration runs: see DeferredMigrate)."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class _MigrateOnFirstUse:
    """Stands in app.extensions["migrate"] until a migration reads it (`flask db …`, or
    flask_migrate.upgrade() in an app context): then binds the real Flask-Migrate, which
    replaces this entry, and answers from it."""

    def __init__(self, app: Flask, directory: str) -> None:
        self._app, self._directory = app, directory

    def __getattr__(self, name: str) -> Any:
        from flask_migrate import Migrate

        Migrate(self._app, db, directory=self._directory, render_as_batch=True)
        return getattr(self._app.extensions["migrate"], name)


class _DbCommands(click.Group):
    """`flask db`: Flask-Migrate's command group, imported when the command runs."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from flask_migrate.cli import db as commands  # type: ignore[import-not-found]  # no stub

        return commands.make_context(info_name, args, parent=parent, **extra)


class DeferredMigrate:
    """Flask-Migrate bound lazily: it imports Alembic, Mako and Pygments (~8 MB in every
    process), which only the `flask db` commands and the migration tests use, never a web
    worker."""

    def init_app(self, app: Flask, directory: str) -> None:
        app.extensions["migrate"] = _MigrateOnFirstUse(app, directory)
        app.cli.add_command(_DbCommands("db", help="Perform database migrations."))


db = SQLAlchemy(model_class=Base)
migrate = DeferredMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
