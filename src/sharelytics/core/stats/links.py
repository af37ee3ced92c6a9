"""Per-link answers: which links of the given projects carry these awesm_ids, and when each was last clicked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, select

from sharelytics.core.links.model import Link
from sharelytics.core.links.store import load_links_by_id
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import link_totals, links


def find_links(engine: Engine, project_ids: Sequence[int], awesm_ids: Sequence[str]) -> dict[str, Link]:
    with read_only(engine).connect() as conn:
        rows = conn.execute(
            select(links.c.id).where(links.c.project_id.in_(project_ids), links.c.awesm_id.in_(list(awesm_ids)))
        ).scalars().all()
        return {link.awesm_id: link for link in load_links_by_id(conn, list(rows))}


def last_clicked(engine: Engine, link_ids: Sequence[int]) -> dict[int, datetime]:
    with read_only(engine).connect() as conn:
        rows = conn.execute(
            select(link_totals.c.link_id, link_totals.c.last_clicked_at).where(link_totals.c.link_id.in_(link_ids))
        ).all()
    return {link_id: at for link_id, at in rows if at is not None}
