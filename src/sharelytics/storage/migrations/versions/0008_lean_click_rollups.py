"""lean click rollups: click_facets, stat_hours and stat_days keyed by their cell (no id, no separate unique
index), the writer's keyed tables WITHOUT ROWID on SQLite, and the two indexes nothing reads dropped
(ix_clicks_project_time, ix_click_facets_project_hour)

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Callable

from alembic import op
import sqlalchemy as sa
from sqlalchemy.schema import SchemaItem


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
COUNTS = ('humans', 'bots', 'unfurlers', 'uniques')
FACET_KEY = ('link_id', 'hour', 'kind', 'country', 'referrer_host', 'browser', 'os', 'device')


def _counts() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS]


def _click_facets(keyed: bool) -> list[SchemaItem]:
    items: list[SchemaItem] = [] if keyed else [sa.Column('id', BigId, nullable=False)]
    items += [
        sa.Column('link_id', BigId, nullable=False),
        sa.Column('hour', sa.DateTime(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('referrer_host', sa.String(length=255), nullable=False),
        sa.Column('browser', sa.String(length=100), nullable=False),
        sa.Column('os', sa.String(length=100), nullable=False),
        sa.Column('device', sa.String(length=100), nullable=False),
        sa.Column('clicks', sa.Integer(), nullable=False),
        sa.Column('uniques', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['links.id'], name='fk_click_facets_link_id_links', ondelete='CASCADE'),
    ]
    if keyed:
        return [*items, sa.PrimaryKeyConstraint(*FACET_KEY, name='pk_click_facets')]
    return [*items, sa.PrimaryKeyConstraint('id', name='pk_click_facets'),
            sa.UniqueConstraint(*FACET_KEY, name='uq_click_facets_cell')]


def _stats(name: str, time_column: str, keyed: bool) -> list[SchemaItem]:
    key = ('project_id', 'a', 'b', time_column, 'av', 'bv')
    items: list[SchemaItem] = [] if keyed else [sa.Column('id', BigId, nullable=False)]
    items += [
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('a', sa.String(length=20), nullable=False),
        sa.Column('b', sa.String(length=20), nullable=False),
        sa.Column(time_column, sa.DateTime(), nullable=False),
        sa.Column('av', sa.String(length=401), nullable=False),
        sa.Column('bv', sa.String(length=401), nullable=False),
        *_counts(),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=f'fk_{name}_project_id_projects',
                                ondelete='CASCADE'),
    ]
    if keyed:
        return [*items, sa.PrimaryKeyConstraint(*key, name=f'pk_{name}')]
    return [*items, sa.PrimaryKeyConstraint('id', name=f'pk_{name}'), sa.UniqueConstraint(*key, name=f'uq_{name}_cell')]


def _per_link(name: str, time_column: str) -> list[SchemaItem]:
    return [
        sa.Column('link_id', BigId, nullable=False),
        sa.Column(time_column, sa.DateTime(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        *_counts(),
        sa.ForeignKeyConstraint(['link_id'], ['links.id'], name=f'fk_{name}_link_id_links', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('link_id', time_column, name=f'pk_{name}'),
    ]


def _link_visitors() -> list[SchemaItem]:
    return [
        sa.Column('link_id', BigId, nullable=False),
        sa.Column('visitor', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['link_id'], ['links.id'], name='fk_link_visitors_link_id_links', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('link_id', 'visitor', name='pk_link_visitors'),
    ]


def _sqlite_rebuild(name: str, items: list[SchemaItem], with_rowid: bool,
                    indexes: tuple[tuple[str, list[str]], ...] = ()) -> None:
    """SQLite cannot change a table's key or rowid in place: copy into the new shape, drop, rename."""
    new = f'{name}__new'
    table = op.create_table(new, *items, sqlite_with_rowid=with_rowid)
    columns = ', '.join(c.name for c in table.columns if c.name != 'id')  # a new id is the rowid, numbered afresh
    op.execute(f'INSERT INTO {new} ({columns}) SELECT {columns} FROM {name}')
    op.drop_table(name)
    op.rename_table(new, name)
    for index, columns_of in indexes:
        op.create_index(index, name, columns_of)


def _rebuild_all(keyed: bool) -> None:
    with_rowid = not keyed
    _sqlite_rebuild('click_facets', _click_facets(keyed), with_rowid,
                    () if keyed else (('ix_click_facets_project_hour', ['project_id', 'hour']),))
    _sqlite_rebuild('stat_hours', _stats('stat_hours', 'hour', keyed), with_rowid)
    _sqlite_rebuild('stat_days', _stats('stat_days', 'day', keyed), with_rowid)
    _sqlite_rebuild('click_hours', _per_link('click_hours', 'hour'), with_rowid,
                    (('ix_click_hours_project_hour', ['project_id', 'hour']),))
    _sqlite_rebuild('click_days', _per_link('click_days', 'day'), with_rowid,
                    (('ix_click_days_project_day', ['project_id', 'day']),))
    _sqlite_rebuild('link_visitors', _link_visitors(), with_rowid)


def _postgresql_key(name: str, key: tuple[str, ...]) -> None:
    op.drop_constraint(f'uq_{name}_cell', name, type_='unique')
    op.drop_column(name, 'id')  # drops pk_<name> with it
    op.create_primary_key(f'pk_{name}', name, list(key))


def _postgresql_id(name: str) -> None:
    key = list(_key_of(name))
    op.drop_constraint(f'pk_{name}', name, type_='primary')
    op.add_column(name, sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False))
    op.create_primary_key(f'pk_{name}', name, ['id'])
    op.create_unique_constraint(f'uq_{name}_cell', name, key)


def _key_of(name: str) -> tuple[str, ...]:
    if name == 'click_facets':
        return FACET_KEY
    return ('project_id', 'a', 'b', 'hour' if name == 'stat_hours' else 'day', 'av', 'bv')


def _each_keyed(action: Callable[[str], None]) -> None:
    for name in ('click_facets', 'stat_hours', 'stat_days'):
        action(name)


def upgrade() -> None:
    op.drop_index('ix_clicks_project_time', table_name='clicks')
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_all(keyed=True)
    else:
        op.drop_index('ix_click_facets_project_hour', table_name='click_facets')
        _each_keyed(lambda name: _postgresql_key(name, _key_of(name)))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_all(keyed=False)
    else:
        _each_keyed(_postgresql_id)
        op.create_index('ix_click_facets_project_hour', 'click_facets', ['project_id', 'hour'])
    op.create_index('ix_clicks_project_time', 'clicks', ['project_id', 'clicked_at'])
