"""The schema is made by migrations only: applying them gives exactly what the models say,
and they run down and up again cleanly (on SQLite and on PostgreSQL in CI)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from forum.extensions import db


def _reset(conn) -> None:
    db.metadata.drop_all(conn)
    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_migrations_match_models_and_round_trip(app):
    with app.app_context():
        with db.engine.begin() as conn:
            _reset(conn)
        try:
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "render_as_batch": True}
                )
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            downgrade(revision="base")
            with db.engine.connect() as conn:
                left = set(inspect(conn).get_table_names()) - {"alembic_version"}
            assert left == set(), f"downgrade left tables behind: {left}"
        finally:
            with db.engine.begin() as conn:
                _reset(conn)
                db.metadata.create_all(conn)
