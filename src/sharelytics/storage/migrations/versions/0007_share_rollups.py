"""share rollups: links shared per project, time base (created, shared), hour or day and link dimension value or
pair (share_hours, share_days), filled from links; an index on links for ranges of shared_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _shares(name: str, time_column: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=7), nullable=False),
    sa.Column('a', sa.String(length=20), nullable=False),
    sa.Column('b', sa.String(length=20), nullable=False),
    sa.Column(time_column, sa.DateTime(), nullable=False),
    sa.Column('av', sa.String(length=401), nullable=False),
    sa.Column('bv', sa.String(length=401), nullable=False),
    sa.Column('links', sa.Integer(), nullable=False),
    sa.Column('latest', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f(f'fk_{name}_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    sa.UniqueConstraint('project_id', 'basis', 'a', 'b', time_column, 'av', 'bv', name=f'uq_{name}_cell')
    )


def upgrade() -> None:
    _shares('share_days', 'day')
    _shares('share_hours', 'hour')
    op.create_index('ix_links_project_shared', 'links', ['project_id', 'service_postid_shared_at'])
    from sharelytics.core.stats.share_rollup import rebuild_shares  # the same cells link creation writes

    rebuild_shares(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_links_project_shared', table_name='links')
    op.drop_table('share_hours')
    op.drop_table('share_days')
