"""The forum's app factory: config -> extensions -> login -> views -> cli."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from babel.dates import format_datetime, format_timedelta
from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, guard, mail, views  # noqa: F401 (guard: the flush listener)
from .config import DEFAULTS, finish, from_environ
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .search import analysis as search_analysis
from .search import outbox as search_outbox
from .search.glossary import Glossary

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build a configured forum application (see forum/config.py for every setting)."""
    overrides = dict(overrides or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get(
        "FORUM_INSTANCE_PATH", str(PROJECT_ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environ(dict(os.environ)))
    app.config.update(overrides)
    finish(app.config, app.instance_path)
    if hops := app.config["FORUM_PROXY_HOPS"]:
        # Flask documents wrapping wsgi_app like this; mypy refuses assigning to a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )

    db.init_app(app)
    migrate.init_app(app, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app, locale_selector=views.select_locale, timezone_selector=views.select_timezone
    )
    login_manager.init_app(app)

    views.register(app)
    cli.register(app)
    search_outbox.install(app)
    mail.install(app)
    return app


def warm(app: Flask) -> None:
    """Load what every process loads on its first requests (for a preloading master, so the
    workers share it): the compiled templates, the mapper configuration, each language's
    locale data and the search analyzer's word dictionary. Opens no connection, file handle
    or thread."""
    configure_mappers()
    for language in app.config["LANGUAGES"]:
        format_datetime(datetime(2020, 1, 1), locale=language)
        format_timedelta(timedelta(hours=1), locale=language)
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        app.jinja_env.get_template(name)
    search_analysis.segment_cjk("转账", Glossary(()))


def after_fork(app: Flask) -> None:
    """In a gunicorn worker forked from a master that built the app (preload_app): the
    parent's pooled connections are left to the parent, and this process starts its own
    search poller. Index readers and mail threads are opened per process on first use."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    search_outbox.start_poller(app)
