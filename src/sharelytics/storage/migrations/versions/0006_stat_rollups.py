"""stat rollups: project-level counts per one or two dimension values (stat_hours, stat_days) replace the
seven-dimension cube (cube_hours, cube_days); existing counts are rebuilt from click_facets; an index on links
that covers range shares per channel, tag and campaign

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _stats(name: str, time_column: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('a', sa.String(length=20), nullable=False),
    sa.Column('b', sa.String(length=20), nullable=False),
    sa.Column(time_column, sa.DateTime(), nullable=False),
    sa.Column('av', sa.String(length=401), nullable=False),
    sa.Column('bv', sa.String(length=401), nullable=False),
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.Column('uniques', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f(f'fk_{name}_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    sa.UniqueConstraint('project_id', 'a', 'b', time_column, 'av', 'bv', name=f'uq_{name}_cell')
    )


def upgrade() -> None:
    _stats('stat_days', 'day')
    _stats('stat_hours', 'hour')
    op.drop_table('cube_hours')
    op.drop_table('cube_days')
    op.create_index('ix_links_project_created_dims', 'links',
                    ['project_id', 'created_at', 'channel', 'tag', 'campaign', 'service_postid_shared_at'])
    from sharelytics.core.stats.cube import rebuild_stats  # the writer's own expansion, from click_facets

    rebuild_stats(op.get_bind())


def _cube(name: str, time_column: str) -> None:
    columns = ('channel', 'service', 'tool', 'application', 'campaign', 'domain', 'tag')
    op.create_table(name,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column(time_column, sa.DateTime(), nullable=False),
    *[sa.Column(c, sa.String(length=401), nullable=False) for c in columns],
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.Column('uniques', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f(f'fk_{name}_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    sa.UniqueConstraint('project_id', time_column, *columns, name=f'uq_{name}_cell')
    )


def downgrade() -> None:
    # The cube comes back empty: rebuild it from click_hours / click_days if a downgrade is ever needed.
    _cube('cube_days', 'day')
    _cube('cube_hours', 'hour')
    op.drop_index('ix_links_project_created_dims', table_name='links')
    op.drop_table('stat_hours')
    op.drop_table('stat_days')
