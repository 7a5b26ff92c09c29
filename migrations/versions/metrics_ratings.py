"""ratings on the seed document's dimensions; indexes for date-range figures

Revision ID: metrics
Revises: 0003
Create Date: 2026-11-28

The single 1-5 ticket rating becomes a row in `ratings`: the old score is copied to each of
the three dimensions (the only reading of one overall score that keeps it), its comment kept.
"""

import sqlalchemy as sa
from alembic import op

revision = "metrics"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.Column("speed", sa.Integer(), nullable=True),
        sa.Column("professionalism", sa.Integer(), nullable=True),
        sa.Column("patience", sa.Integer(), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rater_id"], ["users.id"], name=op.f("fk_ratings_rater_id_users")),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_ratings_thread_id_threads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("thread_id", name=op.f("uq_ratings_thread_id")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_created_at"), ["created_at"], unique=False)
    op.create_table(
        "rating_credits",
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rating_id"], ["ratings.id"], name=op.f("fk_rating_credits_rating_id_ratings")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_rating_credits_user_id_users")),
        sa.PrimaryKeyConstraint("rating_id", "user_id", name=op.f("pk_rating_credits")),
    )
    with op.batch_alter_table("rating_credits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_credits_user_id"), ["user_id"], unique=False)
    op.execute(
        "INSERT INTO ratings (thread_id, rater_id, speed, professionalism, patience, solved,"
        " comment, dismissed, created_at)"
        " SELECT t.thread_id, th.author_id, t.rating, t.rating, t.rating, NULL,"
        " COALESCE(t.rating_comment, ''), false, COALESCE(t.resolved_at, t.opened_at)"
        " FROM tickets t JOIN threads th ON th.id = t.thread_id WHERE t.rating IS NOT NULL"
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("rating")
        batch_op.drop_column("rating_comment")
        batch_op.create_index(batch_op.f("ix_tickets_opened_at"), ["opened_at"], unique=False)
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.create_index("ix_threads_created", ["created_at"], unique=False)
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_created", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_created")
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_index("ix_threads_created")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_opened_at"))
        batch_op.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
    op.drop_table("rating_credits")
    op.drop_table("ratings")
