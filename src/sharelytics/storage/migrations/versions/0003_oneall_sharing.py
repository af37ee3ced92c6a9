"""oneall sharing

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 06:14:16.103598
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oneall_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_token', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_oneall_users_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oneall_users')),
    sa.UniqueConstraint('user_token', name=op.f('uq_oneall_users_user_token'))
    )
    with op.batch_alter_table('oneall_users', schema=None) as batch_op:
        batch_op.create_index('ix_oneall_users_project_created', ['project_id', 'created_at'], unique=False)

    op.create_table('sharing_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('message_token', sa.String(length=36), nullable=False),
    sa.Column('parts', sa.Text(), nullable=False),
    sa.Column('enable_tracking', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_sharing_messages_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_messages')),
    sa.UniqueConstraint('message_token', name=op.f('uq_sharing_messages_message_token'))
    )
    with op.batch_alter_table('sharing_messages', schema=None) as batch_op:
        batch_op.create_index('ix_sharing_messages_project_created', ['project_id', 'created_at'], unique=False)

    op.create_table('oneall_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('identity_token', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('provider_uid', sa.String(length=400), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('profile_url', sa.Text(), nullable=False),
    sa.Column('followers_count', sa.BigInteger(), nullable=True),
    sa.Column('credentials', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_oneall_identities_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['oneall_users.id'], name=op.f('fk_oneall_identities_user_id_oneall_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oneall_identities')),
    sa.UniqueConstraint('identity_token', name=op.f('uq_oneall_identities_identity_token')),
    sa.UniqueConstraint('project_id', 'provider', 'provider_uid', name='uq_oneall_identities_account')
    )
    with op.batch_alter_table('oneall_identities', schema=None) as batch_op:
        batch_op.create_index('ix_oneall_identities_project_created', ['project_id', 'created_at'], unique=False)
        batch_op.create_index('ix_oneall_identities_user', ['user_id'], unique=False)

    op.create_table('sharing_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['sharing_messages.id'], name=op.f('fk_sharing_requests_message_id_sharing_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_sharing_requests_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_requests')),
    sa.UniqueConstraint('project_id', 'request_key', name='uq_sharing_requests_project_key')
    )
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('publication_token', sa.String(length=36), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=True),
    sa.Column('user_token', sa.String(length=36), nullable=False),
    sa.Column('identity_token', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('status_flag', sa.String(length=16), nullable=False),
    sa.Column('status_code', sa.SmallInteger(), nullable=False),
    sa.Column('status_message', sa.Text(), nullable=False),
    sa.Column('post_id', sa.String(length=400), nullable=True),
    sa.Column('post_url', sa.Text(), nullable=True),
    sa.Column('reach', sa.BigInteger(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['oneall_identities.id'], name=op.f('fk_publications_identity_id_oneall_identities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['sharing_messages.id'], name=op.f('fk_publications_message_id_sharing_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_publications_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['sharing_requests.id'], name=op.f('fk_publications_request_id_sharing_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('publication_token', name=op.f('uq_publications_publication_token'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index('ix_publications_message', ['message_id'], unique=False)

    op.create_table('publication_links',
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('original_url', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_publication_links_link_id_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_publication_links_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('publication_id', 'position', name=op.f('pk_publication_links'))
    )
    with op.batch_alter_table('publication_links', schema=None) as batch_op:
        batch_op.create_index('ix_publication_links_link', ['link_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('publication_links', schema=None) as batch_op:
        batch_op.drop_index('ix_publication_links_link')

    op.drop_table('publication_links')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('ix_publications_message')

    op.drop_table('publications')
    op.drop_table('sharing_requests')
    with op.batch_alter_table('oneall_identities', schema=None) as batch_op:
        batch_op.drop_index('ix_oneall_identities_user')
        batch_op.drop_index('ix_oneall_identities_project_created')

    op.drop_table('oneall_identities')
    with op.batch_alter_table('sharing_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_sharing_messages_project_created')

    op.drop_table('sharing_messages')
    with op.batch_alter_table('oneall_users', schema=None) as batch_op:
        batch_op.drop_index('ix_oneall_users_project_created')

    op.drop_table('oneall_users')
