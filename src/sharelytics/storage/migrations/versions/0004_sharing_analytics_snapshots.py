"""sharing analytics snapshots: snapshots, their publications, pingback deliveries and attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 06:25:02.734979
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('snapshot_token', sa.String(length=36), nullable=False),
    sa.Column('message_token', sa.String(length=36), nullable=False),
    sa.Column('message_created_at', sa.DateTime(), nullable=False),
    sa.Column('message_last_published_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('pending_message_id', sa.Integer(), nullable=True),
    sa.Column('pingback_uri', sa.Text(), nullable=True),
    sa.Column('publications_total', sa.Integer(), nullable=False),
    sa.Column('initiated_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('wake_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['sharing_messages.id'], name=op.f('fk_snapshots_message_id_sharing_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_snapshots_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots')),
    sa.UniqueConstraint('pending_message_id', name=op.f('uq_snapshots_pending_message_id')),
    sa.UniqueConstraint('snapshot_token', name=op.f('uq_snapshots_snapshot_token'))
    )
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_snapshots_project_initiated', ['project_id', 'initiated_at'], unique=False)
        batch_op.create_index('ix_snapshots_status', ['status'], unique=False)

    op.create_table('pingback_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_token', sa.String(length=36), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pingback_deliveries_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_pingback_deliveries_snapshot_id_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingback_deliveries')),
    sa.UniqueConstraint('delivery_token', name=op.f('uq_pingback_deliveries_delivery_token')),
    sa.UniqueConstraint('snapshot_id', name=op.f('uq_pingback_deliveries_snapshot_id'))
    )
    with op.batch_alter_table('pingback_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_pingback_deliveries_state', ['state', 'next_attempt_at'], unique=False)

    op.create_table('pingback_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.Column('status_code', sa.SmallInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['pingback_deliveries.id'], name=op.f('fk_pingback_attempts_delivery_id_pingback_deliveries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingback_attempts'))
    )
    with op.batch_alter_table('pingback_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_pingback_attempts_delivery', ['delivery_id'], unique=False)

    op.create_table('snapshot_publications',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('identity_id', sa.Integer(), nullable=True),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('user_token', sa.String(length=36), nullable=False),
    sa.Column('identity_token', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=400), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('shorturls', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.SmallInteger(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.Column('status_flag', sa.String(length=16), nullable=True),
    sa.Column('status_code', sa.SmallInteger(), nullable=True),
    sa.Column('status_info', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['identity_id'], ['oneall_identities.id'], name=op.f('fk_snapshot_publications_identity_id_oneall_identities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_snapshot_publications_publication_id_publications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_snapshot_publications_snapshot_id_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'position', name=op.f('pk_snapshot_publications'))
    )
    with op.batch_alter_table('snapshot_publications', schema=None) as batch_op:
        batch_op.create_index('ix_snapshot_publications_identity', ['identity_token'], unique=False)
        batch_op.create_index('ix_snapshot_publications_state', ['snapshot_id', 'state'], unique=False)
        batch_op.create_index('ix_snapshot_publications_user', ['user_token'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('snapshot_publications', schema=None) as batch_op:
        batch_op.drop_index('ix_snapshot_publications_user')
        batch_op.drop_index('ix_snapshot_publications_state')
        batch_op.drop_index('ix_snapshot_publications_identity')

    op.drop_table('snapshot_publications')
    with op.batch_alter_table('pingback_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_pingback_attempts_delivery')

    op.drop_table('pingback_attempts')
    with op.batch_alter_table('pingback_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_pingback_deliveries_state')

    op.drop_table('pingback_deliveries')
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_snapshots_status')
        batch_op.drop_index('ix_snapshots_project_initiated')

    op.drop_table('snapshots')
