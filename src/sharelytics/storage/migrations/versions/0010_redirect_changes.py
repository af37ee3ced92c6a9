"""redirect_changes: the changes every process's redirect cache must learn of (a link deleted, a project or domain
changed), polled about once a second instead of waiting for cached entries to expire

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 17:40:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'redirect_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_redirect_changes')),
    )
    op.create_index('ix_redirect_changes_changed_at', 'redirect_changes', ['changed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_redirect_changes_changed_at', table_name='redirect_changes')
    op.drop_table('redirect_changes')
