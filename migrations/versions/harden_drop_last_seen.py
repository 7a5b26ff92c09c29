"""drop users.last_seen_at (never written or read)

Revision ID: harden
Revises: 0003
Create Date: 2026-11-28 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'harden'
down_revision = 'accounts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
