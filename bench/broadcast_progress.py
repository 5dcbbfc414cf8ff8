"""A broadcast run's live progress at a million rows, before and after migration 0021.

    python bench/broadcast_progress.py [--rows 1000000] [--other 1000000] [--skip-postgres] [--skip-sqlite]

Each database fresh, migrated to 0019 (before: `ix_outbox_run_id`), one broadcast run of that many
outbox rows (60 % sent, 39 % pending, 1 % failed) and `--other` sent messages of no run (the
month of history the outbox keeps) seeded in SQL, analysed; then the count of the run's messages
by status that progress() made before (what `sigap broadcast send` asks once a second): its plan
and its median wall time of 5. Then the same database upgraded to head (0021:
`ix_outbox_run_status` on (run_id, status)), analysed, and the count as progress() makes it now
(`db.broadcasts.live_counts`), the same way. PostgreSQL is vacuumed after the seed, as autovacuum
would be; rows a delivery changes meanwhile are read from the heap until the next vacuum (their
pages are not all-visible).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bench.scale import POSTGRES, admin  # noqa: E402
from bench.stats_scale import SERIES, vacuum  # noqa: E402
from db.broadcasts import live_counts  # noqa: E402
from db.session import create_engine  # noqa: E402
from migrations import runner as migrate  # noqa: E402

BROADCAST = """INSERT INTO broadcasts (id, created_by, region_code, language, library_key, text, schedule,
    timezone, status, created_at) VALUES (1, 'bench', NULL, 'id', NULL, 'Waspada', 'once',
    'Asia/Jakarta', 'done', CURRENT_TIMESTAMP)"""
RUN = """INSERT INTO broadcast_runs (id, broadcast_id, due_at, started_at, recipients, queued_through,
    fanned_out) VALUES (1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {n}, {n}, true)"""
STATUS = "CASE WHEN g % 100 < 60 THEN 'sent' WHEN g % 100 < 99 THEN 'pending' ELSE 'failed' END"
ROWS = {
    "postgresql": """INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status, attempts,
        next_attempt_at, created_at, priority, run_id)
        SELECT '{key}' || g, 'telegram', g::text, '{{"text": "Waspada"}}', {status}, 0, now(), now(),
        1, {run} FROM generate_series(1, {n}) g""",
    "sqlite": f"""{SERIES} INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status,
        attempts, next_attempt_at, created_at, priority, run_id)
        SELECT '{{key}}' || g, 'telegram', g, '{{{{"text": "Waspada"}}}}', {{status}}, 0, datetime('now'),
        datetime('now'), 1, {{run}} FROM g""",
}
# The count before 0021 (db.broadcasts.progress_of joined the runs and grouped by broadcast).
BEFORE = """SELECT broadcast_runs.broadcast_id, outbox.status, count(*) FROM broadcast_runs
    JOIN outbox ON outbox.run_id = broadcast_runs.id WHERE broadcast_runs.broadcast_id IN (1)
    GROUP BY broadcast_runs.broadcast_id, outbox.status"""


async def plan_and_time(engine: AsyncEngine, backend: str, statement: str) -> tuple[str, float]:
    explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    async with engine.connect() as connection:
        rows = (await connection.execute(text(explain + statement))).all()
        plan = "\n".join(str(row[-1]) for row in rows)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            found = (await connection.execute(text(statement))).all()
            times.append(time.perf_counter() - started)
    assert sum(n for *_, n in found) > 0
    return plan, statistics.median(times)


async def measure(backend: str, rows: int, other: int, folder: str) -> None:
    database = f"sigap_progress_{os.getpid()}"
    if backend == "postgresql":
        await admin(f"CREATE DATABASE {database}")
        url = make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)
    else:
        url = f"sqlite+aiosqlite:///{folder}/progress.db"
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine, "0019")
        async with engine.begin() as connection:
            await connection.execute(text(BROADCAST))
            await connection.execute(text(RUN.replace("{n}", str(rows))))
            for key, status, run, n in (("b:", STATUS, "1", rows), ("o:", "'sent'", "NULL", other)):
                if n:
                    statement = ROWS[backend].format(key=key, status=status, run=run, n=n)
                    await connection.execute(text(statement))
        for label, revision in (("before (0019)", "0019"), ("after (0021)", None)):
            if revision is None:
                await migrate.upgrade(engine)
            if backend == "postgresql":
                await vacuum(url)
            else:
                async with engine.begin() as connection:
                    await connection.execute(text("ANALYZE"))
            after = str(live_counts([1]).compile(engine.sync_engine, compile_kwargs={"literal_binds": True}))
            plan, seconds = await plan_and_time(engine, backend, BEFORE if revision else after)
            print(f"== {backend} {label}: the live count, median {seconds:.4f} s at {rows:,} rows\n{plan}\n")
    finally:
        await engine.dispose()
        if backend == "postgresql":
            await admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for backend, skip in (("postgresql", args.skip_postgres), ("sqlite", args.skip_sqlite)):
            if not skip:
                await measure(backend, args.rows, args.other, folder)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--other", type=int, default=1_000_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    asyncio.run(main(parser.parse_args()))
