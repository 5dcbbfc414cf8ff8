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
