"""glossary: synonym groups staff add to the search glossary

Revision ID: glossary
Revises: perf
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'glossary'
down_revision = 'perf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('glossary_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.String(length=1000), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_glossary_groups_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_groups'))
    )


def downgrade():
    op.drop_table('glossary_groups')
