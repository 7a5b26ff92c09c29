"""The forum's app factory: config -> extensions -> login -> views -> cli."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, guard, mail, views  # noqa: F401 (guard: the flush listener)
from .config import DEFAULTS, finish, from_environ
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .search import outbox as search_outbox

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
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
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
