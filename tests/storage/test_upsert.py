"""The writer's bulk statements (storage/upsert.py): counts added per key, new rows returned, on both databases
(PostgreSQL goes through COPY into a staging table, so odd text must survive it unchanged)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from sharelytics.storage.tables import clicks, link_totals, link_visitors
from sharelytics.storage.upsert import db_datetime, insert_returning, raw_add_counts
from tests.conftest import ProjectFixture
from tests.core.clicks.conftest import insert_link

ODD = ["tab\there", "new\nline", "back\\slash", "\\N", "", "naïve ☃", "comma,\"quote\"", "carriage\rreturn"]


def test_counts_are_added_per_key_and_first_last_kept(engine: Engine, project: ProjectFixture) -> None:
    a, b = insert_link(engine, project.project.id), insert_link(engine, project.project.id)
    early, late = datetime(2026, 1, 1, 8), datetime(2026, 1, 2, 9)
    columns = ("link_id",), ("humans", "bots", "unfurlers", "uniques")
    for _ in range(2):  # twice in one transaction: the second call adds to what the first wrote
        with engine.begin() as conn:
            at = db_datetime(conn)
            raw_add_counts(conn, link_totals, *columns, [(b, 1, 2, 3, 4, project.project.id, at(late), at(late)),
                                                         (a, 1, 0, 0, 1, project.project.id, at(early), at(early))],
                           extra=("project_id",), earliest=("first_clicked_at",), latest=("last_clicked_at",))
            raw_add_counts(conn, link_totals, *columns, [(a, 5, 0, 0, 0, project.project.id, at(late), at(late))],
                           extra=("project_id",), earliest=("first_clicked_at",), latest=("last_clicked_at",))
    with engine.connect() as conn:
        rows = {r.link_id: r for r in conn.execute(select(link_totals))}
    assert (rows[a].humans, rows[a].uniques, rows[b].humans, rows[b].bots, rows[b].unfurlers) == (12, 2, 2, 4, 6)
    assert (rows[a].first_clicked_at, rows[a].last_clicked_at) == (early, late)


def test_a_null_never_wins_earliest_or_latest(engine: Engine, project: ProjectFixture) -> None:
    """SQLite's max(NULL, x) is NULL: a link first clicked by a bot must still get its first human click."""
    a, b = insert_link(engine, project.project.id), insert_link(engine, project.project.id)
    moment = datetime(2026, 1, 1, 8)
    for human_a, human_b in ((None, moment), (moment, None)):
        with engine.begin() as conn:
            at = db_datetime(conn)
            rows = [(link, 1, 0, 0, 0, project.project.id, at(moment), at(moment), at(human) if human else None)
                    for link, human in ((a, human_a), (b, human_b))]
            raw_add_counts(conn, link_totals, ("link_id",), ("humans", "bots", "unfurlers", "uniques"), rows,
                           extra=("project_id",), earliest=("first_clicked_at",),
                           latest=("last_clicked_at", "last_human_at"))
    with engine.connect() as conn:
        found = dict(conn.execute(select(link_totals.c.link_id, link_totals.c.last_human_at)).all())
    assert found == {a: moment, b: moment}


def test_only_new_rows_are_returned_and_text_survives(engine: Engine, project: ProjectFixture) -> None:
    link = insert_link(engine, project.project.id)
    columns = ("click_id", "link_id", "project_id", "clicked_at", "hour", "kind", "user_agent", "referrer")
    with engine.begin() as conn:
        at = db_datetime(conn)(datetime(2026, 1, 1))
        rows = [(f"c{n}", link, project.project.id, at, at, "human", text, None) for n, text in enumerate(ODD)]
        assert sorted(insert_returning(conn, clicks, columns, ("click_id",), "click_id", rows)) == sorted(
            f"c{n}" for n in range(len(ODD)))
        again = rows[:2] + [("new", link, project.project.id, at, at, "bot", None, "\\")]
        assert insert_returning(conn, clicks, columns, ("click_id",), "click_id", again) == ["new"]
        assert insert_returning(conn, clicks, columns, ("click_id",), "click_id", []) == []
        pairs = insert_returning(conn, link_visitors, ("link_id", "visitor"), ("link_id", "visitor"),
                                 "link_id, visitor", [(link, "v1"), (link, "v2")])
        assert sorted(pairs) == [(link, "v1"), (link, "v2")]
    with engine.connect() as conn:
        stored = {cid: agent for cid, agent in conn.execute(select(clicks.c.click_id, clicks.c.user_agent))}
        referrer = conn.execute(select(clicks.c.referrer).where(clicks.c.click_id == "new")).scalar_one()
    assert [stored[f"c{n}"] for n in range(len(ODD))] == ODD and referrer == "\\"
