"""category counts: public and solved threads per category, kept in the same transactions

Revision ID: perf
Revises: search
Create Date: 2026-11-28 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "perf"
down_revision = "search"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("solved_count", sa.Integer(), server_default="0", nullable=False))
    public = "NOT t.is_private AND NOT t.is_deleted AND NOT t.is_held AND t.category_id = categories.id"
    op.execute(
        "UPDATE categories SET "
        f"thread_count = (SELECT count(t.id) FROM threads t WHERE {public}), "
        f"solved_count = (SELECT count(t.accepted_post_id) FROM threads t WHERE {public})"
    )


def downgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("solved_count")
        batch_op.drop_column("thread_count")
