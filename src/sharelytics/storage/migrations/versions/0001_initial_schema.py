"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 05:52:32.607072
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('awesm_key_hash', sa.String(length=64), nullable=False),
    sa.Column('oneall_subdomain', sa.String(length=100), nullable=False),
    sa.Column('oneall_public_key', sa.String(length=64), nullable=False),
    sa.Column('oneall_private_key_hash', sa.String(length=64), nullable=False),
    sa.Column('redirect_status', sa.SmallInteger(), nullable=False),
    sa.Column('privacy_mode', sa.String(length=16), nullable=False),
    sa.Column('default_domain_id', sa.Integer(), nullable=True),
    sa.Column('create_rate_limit', sa.Integer(), nullable=True),
    sa.Column('conversions_enabled', sa.Boolean(), nullable=False),
    sa.Column('conversion_domains', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('awesm_key_hash', name=op.f('uq_projects_awesm_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_projects_name')),
    sa.UniqueConstraint('oneall_public_key', name=op.f('uq_projects_oneall_public_key')),
    sa.UniqueConstraint('oneall_subdomain', name=op.f('uq_projects_oneall_subdomain'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_applications_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('project_id', 'label', name='uq_applications_project_label')
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('campaign', sa.String(length=255), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_campaigns_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('project_id', 'campaign', name='uq_campaigns_project_campaign')
    )
    op.create_table('domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('host_key', sa.String(length=255), nullable=False),
    sa.Column('scheme', sa.String(length=5), nullable=False),
    sa.Column('root_redirect', sa.Text(), nullable=True),
    sa.Column('not_found_redirect', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_domains_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domains')),
    sa.UniqueConstraint('host_key', name=op.f('uq_domains_host_key'))
    )
    op.create_table('redirection_patterns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('pattern', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_redirection_patterns_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redirection_patterns')),
    sa.UniqueConstraint('project_id', 'hostname', name='uq_redirection_patterns_project_hostname')
    )
    op.create_table('sharers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('username', sa.Text(), nullable=True),
    sa.Column('profile_url', sa.Text(), nullable=True),
    sa.Column('icon_url', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_sharers_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharers')),
    sa.UniqueConstraint('project_id', 'user_id', name='uq_sharers_project_user_id')
    )
    op.create_table('tools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=401), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_tools_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_tools_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tools')),
    sa.UniqueConstraint('key', name=op.f('uq_tools_key')),
    sa.UniqueConstraint('project_id', 'label', name='uq_tools_project_label')
    )
    op.create_table('links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=64), nullable=False),
    sa.Column('awesm_id', sa.String(length=330), nullable=False),
    sa.Column('original_url', sa.Text(), nullable=False),
    sa.Column('redirect_url', sa.Text(), nullable=False),
    sa.Column('redirect_template', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=True),
    sa.Column('tool', sa.String(length=401), nullable=False),
    sa.Column('application', sa.String(length=200), nullable=False),
    sa.Column('parent', sa.String(length=330), nullable=True),
    sa.Column('sharer_id', sa.String(length=255), nullable=True),
    sa.Column('service_userid', sa.String(length=255), nullable=True),
    sa.Column('service_postid', sa.String(length=255), nullable=True),
    sa.Column('service_postid_shared_at', sa.DateTime(), nullable=True),
    sa.Column('service_postid_reach', sa.BigInteger(), nullable=True),
    sa.Column('campaign', sa.String(length=255), nullable=True),
    sa.Column('user_id', sa.String(length=255), nullable=True),
    sa.Column('tag', sa.String(length=255), nullable=True),
    sa.Column('notes', sa.String(length=256), nullable=True),
    sa.Column('static_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['domain_id'], ['domains.id'], name=op.f('fk_links_domain_id_domains')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_links_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_links_tool_id_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_links')),
    sa.UniqueConstraint('awesm_id', name=op.f('uq_links_awesm_id')),
    sa.UniqueConstraint('domain_id', 'path', name='uq_links_domain_path')
    )
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.create_index('ix_links_project_created', ['project_id', 'created_at'], unique=False)
        batch_op.create_index('ix_links_project_static', ['project_id', 'static_key'], unique=False)

    op.create_table('click_facets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('referrer_host', sa.String(length=255), nullable=False),
    sa.Column('browser', sa.String(length=100), nullable=False),
    sa.Column('os', sa.String(length=100), nullable=False),
    sa.Column('device', sa.String(length=100), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_click_facets_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_click_facets')),
    sa.UniqueConstraint('link_id', 'hour', 'kind', 'country', 'referrer_host', 'browser', 'os', 'device', name='uq_click_facets_cell')
    )
    with op.batch_alter_table('click_facets', schema=None) as batch_op:
        batch_op.create_index('ix_click_facets_project_hour', ['project_id', 'hour'], unique=False)

    op.create_table('click_hours',
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('humans', sa.Integer(), nullable=False),
    sa.Column('bots', sa.Integer(), nullable=False),
    sa.Column('unfurlers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_click_hours_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('link_id', 'hour', name=op.f('pk_click_hours'))
    )
    with op.batch_alter_table('click_hours', schema=None) as batch_op:
        batch_op.create_index('ix_click_hours_project_hour', ['project_id', 'hour'], unique=False)

    op.create_table('clicks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('click_id', sa.String(length=32), nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('clicked_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('agent_name', sa.String(length=100), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('referrer', sa.Text(), nullable=True),
    sa.Column('referrer_host', sa.String(length=255), nullable=True),
    sa.Column('browser', sa.String(length=100), nullable=True),
    sa.Column('os', sa.String(length=100), nullable=True),
    sa.Column('device', sa.String(length=100), nullable=True),
    sa.Column('accept_language', sa.String(length=100), nullable=True),
    sa.Column('user_agent', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=op.f('fk_clicks_link_id_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clicks')),
    sa.UniqueConstraint('click_id', name=op.f('uq_clicks_click_id'))
    )
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.create_index('ix_clicks_link_time', ['link_id', 'clicked_at'], unique=False)
        batch_op.create_index('ix_clicks_project_time', ['project_id', 'clicked_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.drop_index('ix_clicks_project_time')
        batch_op.drop_index('ix_clicks_link_time')

    op.drop_table('clicks')
    with op.batch_alter_table('click_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_click_hours_project_hour')

    op.drop_table('click_hours')
    with op.batch_alter_table('click_facets', schema=None) as batch_op:
        batch_op.drop_index('ix_click_facets_project_hour')

    op.drop_table('click_facets')
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.drop_index('ix_links_project_static')
        batch_op.drop_index('ix_links_project_created')

    op.drop_table('links')
    op.drop_table('tools')
    op.drop_table('sharers')
    op.drop_table('redirection_patterns')
    op.drop_table('domains')
    op.drop_table('campaigns')
    op.drop_table('applications')
    op.drop_table('projects')
