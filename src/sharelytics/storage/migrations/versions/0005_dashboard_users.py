"""dashboard users: name and argon2 password hash per project

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_dashboard_users_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_users')),
    sa.UniqueConstraint('username', name=op.f('uq_dashboard_users_username'))
    )
    op.create_index(op.f('ix_dashboard_users_project_id'), 'dashboard_users', ['project_id'], unique=False)
    op.create_index('ix_snapshots_project_message', 'snapshots', ['project_id', 'message_token'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_snapshots_project_message', table_name='snapshots')
    op.drop_index(op.f('ix_dashboard_users_project_id'), table_name='dashboard_users')
    op.drop_table('dashboard_users')
