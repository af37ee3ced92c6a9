"""links: an index on parent for a link's reshares, read by every dashboard link page (a scan of the project's
links before: 190 ms at 100,000 links)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:15:00
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_links_parent', 'links', ['parent'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_links_parent', table_name='links')
