"""stats rollups and conversions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:06:26.391306
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cube_days',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=401), nullable=False),
    sa.Column('service', sa.String(length=401), nullable=False),
    sa.Column('tool', sa.String(length=401), nullable=False),
    sa.Column('application', sa.String(length=401), nullable=False),
    sa.Column('campaign', sa.String(length=401), nullable=False),
    sa.Column('domain', sa.String(length=401), nullable=False),
    sa.Column('tag', sa.String(length=401), nullable=False),
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.Column('uniques', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cube_days_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cube_days')),
    sa.UniqueConstraint('project_id', 'day', 'channel', 'service', 'tool', 'application', 'campaign', 'domain', 'tag', name='uq_cube_days_cell')
    )
    op.create_table('cube_hours',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=401), nullable=False),
    sa.Column('service', sa.String(length=401), nullable=False),
    sa.Column('tool', sa.String(length=401), nullable=False),
    sa.Column('application', sa.String(length=401), nullable=False),
    sa.Column('campaign', sa.String(length=401), nullable=False),
    sa.Column('domain', sa.String(length=401), nullable=False),
    sa.Column('tag', sa.String(length=401), nullable=False),
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.Column('uniques', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cube_hours_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cube_hours')),
    sa.UniqueConstraint('project_id', 'hour', 'channel', 'service', 'tool', 'application', 'campaign', 'domain', 'tag', name='uq_cube_hours_cell')
    )
    op.create_table('click_days',
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.DateTime(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.Column('uniques', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_click_days_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('link_id', 'day', name=op.f('pk_click_days'))
    )
    with op.batch_alter_table('click_days', schema=None) as batch_op:
        batch_op.create_index('ix_click_days_project_day', ['project_id', 'day'], unique=False)

    op.create_table('conversion_hours',
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('conversions', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_conversion_hours_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('link_id', 'hour', 'type', name=op.f('pk_conversion_hours'))
    )
    with op.batch_alter_table('conversion_hours', schema=None) as batch_op:
        batch_op.create_index('ix_conversion_hours_project_hour', ['project_id', 'hour'], unique=False)

    op.create_table('conversions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('converted_at', sa.DateTime(), nullable=False),
    sa.Column('account_conversionid', sa.String(length=50), nullable=True),
    sa.Column('account_userid', sa.String(length=50), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=100), nullable=True),
    sa.Column('referrer', sa.Text(), nullable=True),
    sa.Column('user_agent', sa.Text(), nullable=True),
    sa.Column('href', sa.Text(), nullable=True),
    sa.Column('session_id', sa.String(length=100), nullable=True),
    sa.Column('clicker_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_conversions_link_id_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_conversions_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversions'))
    )
    with op.batch_alter_table('conversions', schema=None) as batch_op:
        batch_op.create_index('ix_conversions_link_time', ['link_id', 'converted_at'], unique=False)
        batch_op.create_index('ix_conversions_project_time', ['project_id', 'converted_at'], unique=False)

    op.create_table('link_totals',
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.Column('uniques', sa.Integer(), nullable=False),
    sa.Column('first_clicked_at', sa.DateTime(), nullable=True),
    sa.Column('last_clicked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_link_totals_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('link_id', name=op.f('pk_link_totals'))
    )
    op.create_table('link_visitors',
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('visitor', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_link_visitors_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('link_id', 'visitor', name=op.f('pk_link_visitors'))
    )
    with op.batch_alter_table('click_hours', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uniques', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('click_facets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uniques', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('click_facets', schema=None) as batch_op:
        batch_op.drop_column('uniques')
    with op.batch_alter_table('click_hours', schema=None) as batch_op:
        batch_op.drop_column('uniques')

    op.drop_table('link_visitors')
    op.drop_table('link_totals')
    with op.batch_alter_table('conversions', schema=None) as batch_op:
        batch_op.drop_index('ix_conversions_project_time')
        batch_op.drop_index('ix_conversions_link_time')

    op.drop_table('conversions')
    with op.batch_alter_table('conversion_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_conversion_hours_project_hour')

    op.drop_table('conversion_hours')
    with op.batch_alter_table('click_days', schema=None) as batch_op:
        batch_op.drop_index('ix_click_days_project_day')

    op.drop_table('click_days')
    op.drop_table('cube_hours')
    op.drop_table('cube_days')
