"""The stairway: every migration goes up, down to nothing, and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from db.models import Base
from db.session import create_engine
from migrations import runner as migrate


async def _tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_downgrade_upgrade(blank_database_url: str) -> None:
    engine = create_engine(blank_database_url)
    try:
        expected = set(Base.metadata.tables)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        assert expected <= await _tables(engine)

        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        assert await _tables(engine) <= {"alembic_version"}

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        assert expected <= await _tables(engine)
    finally:
        await engine.dispose()


async def test_models_match_migrations(database_url: str) -> None:
    """Autogenerate against the migrated schema finds nothing to do: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert diff == []
    finally:
        await engine.dispose()


async def test_revoked_agencies_marked_by_name_move_to_their_column(blank_database_url: str) -> None:
    """Migration 0019: a register stored by round 4 marked revoked companies with a prefix on
    match_name; after the upgrade the mark is the column and the name is plain again, and the
    downgrade puts the prefix back."""
    from datetime import date

    from sqlalchemy import text

    engine = create_engine(blank_database_url)
    try:
        await migrate.upgrade(engine, "0018")
        async with engine.begin() as connection:
            for name, key in (("PT Lama Dicabut", "dicabut:lama dicabut"), ("PT Aktif", "aktif")):
                await connection.execute(
                    text("INSERT INTO agencies (name, match_name, as_of) VALUES (:n, :k, :d)"),
                    {"n": name, "k": key, "d": date(2026, 11, 1)},
                )
        await migrate.upgrade(engine, "0019")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(text("SELECT match_name, revoked FROM agencies ORDER BY name"))
            ).all()
        assert [(key, bool(revoked)) for key, revoked in rows] == [("aktif", False), ("lama dicabut", True)]
        await migrate.downgrade(engine, "0018")
        async with engine.connect() as connection:
            keys = (
                (await connection.execute(text("SELECT match_name FROM agencies ORDER BY name")))
                .scalars()
                .all()
            )
        assert keys == ["aktif", "dicabut:lama dicabut"]
    finally:
        await engine.dispose()
