"""trust levels, held posts and thread visits

Revision ID: trust
Revises: 0003
Create Date: 2026-11-26 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "trust"
down_revision = "harden"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "thread_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_thread_visits_thread_id_threads")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_thread_visits_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_thread_visits")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trust_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "trust_level_locked", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_held", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("held_reason", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("review_outcome", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("edit_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(batch_op.f("ix_posts_held_at"), ["held_at"], unique=False)


def downgrade():
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posts_held_at"))
        batch_op.drop_column("edit_count")
        batch_op.drop_column("review_outcome")
        batch_op.drop_column("held_reason")
        batch_op.drop_column("held_at")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("is_held")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("trust_level_locked")
        batch_op.drop_column("trust_level")
    op.drop_table("thread_visits")
