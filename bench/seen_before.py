"""The ad check with "seen before": does looking the ad's identifiers up among 1 million stored
ones keep it above 2,000 ads per second? On SQLite and on PostgreSQL, in one run.

    python bench/seen_before.py [--identifiers 1000000] [--seconds 2]
                                [--backend sqlite|postgresql|both] [--database FILE]
                                [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

The databases (migrated like production) are built once with bulk inserts and kept: the SQLite
file in the temporary folder, the PostgreSQL database `sigap_bench_seen_<count>` beside the one the
URL names. A tenth of the corpus ads' own numbers are among the stored identifiers, so some
look-ups find something (and raise the risk) as in real use.

First the filter starts as `sigap run` starts it, in the background: the time to serving, to the
filter being ready, and the longest pause of the event loop while it loads. Then, in one run, each
as ads per second, the best of rounds: the analysis alone; the analysis with the look-up asking the
database for every ad naming an identifier (no filter: one query an ad); the analysis with the
look-up through the in-memory filter (db/seen_filter.py, refreshed every 2 s as the service does).
All in one session, as one chat turn has. Speed in CPU time of this process (one core; other work
on a shared machine counts less; aiosqlite's thread is part of the process, the PostgreSQL
server's work is not) and in wall time (which includes the server's). Prints the ratios to the
2,000 ads/s target and to the analysis alone, and checks that the filter changed no answer (the
same ads raised with and without it)."""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db import seen_before as stored  # noqa: E402
from db.identifier_keys import IdentifierKeys  # noqa: E402
from db.seen_filter import SeenFilter  # noqa: E402
from db.session import create_engine, create_sessionmaker  # noqa: E402
from ground.i18n import Content, default_content_dir  # noqa: E402
from handlers.offers.analysis import analyse  # noqa: E402
from handlers.offers.rules import parse_offer_rules  # noqa: E402
from handlers.seen_before import identifiers  # noqa: E402
from handlers.seen_before import sightings as seen_before  # noqa: E402
from migrations import runner as migrate  # noqa: E402

ADS = ROOT / "tests" / "data" / "job_ads" / "dev"
KEY = "bench-seen-before-key-0123456789abcdefghij"
TARGET = 2000
REGENCIES = [f"{p:02d}.{r:02d}" for p in range(11, 95, 3) for r in range(1, 20)]
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def read_ads() -> list[str]:
    return [path.read_text(encoding="utf-8").partition("\n---\n")[2] for path in sorted(ADS.glob("*.txt"))]


def corpus(count: int, keys: IdentifierKeys, known: list[str]) -> Iterator[tuple[int, str, date, int]]:
    """(id, digest, day, extra regencies) of `count` identifiers: the given ones (numbers of the
    corpus ads), then random Indonesian mobile numbers; a tenth seen in more regencies, as a
    recruiter posting widely is."""
    rng = random.Random(20)
    today = date.today()
    days = [today - timedelta(days=rng.randrange(365)) for _ in range(400)]
    numbers = [*known, *(f"phone:+628{n}" for n in rng.sample(range(10**9, 10**10), count - len(known)))]
    for n, key in enumerate(numbers, 1):
        yield n, keys.digest(key), days[n % 400], (rng.randrange(1, 4) if rng.random() < 0.1 else 0)


async def migrated(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def build_sqlite(path: Path, count: int, keys: IdentifierKeys, known: list[str]) -> None:
    path.unlink(missing_ok=True)
    asyncio.run(migrated(f"sqlite+aiosqlite:///{path}"))
    started = time.perf_counter()
    identifiers_, sightings = [], []
    for n, digest, day, extra in corpus(count, keys, known):
        identifiers_.append((n, digest, day.isoformat(), day.isoformat(), 1 + extra, 1 + extra))
        sightings += [(n, day.isoformat(), REGENCIES[(n + i) % len(REGENCIES)]) for i in range(1 + extra)]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        connection.executemany(
            "INSERT INTO seen_identifiers (id, digest, kind, first_seen, last_seen, sightings, regencies) "
            "VALUES (?, ?, 'phone', ?, ?, ?, ?)",
            identifiers_,
        )
        connection.executemany(
            "INSERT INTO seen_sightings (identifier_id, seen_on, regency_code, risk) "
            "VALUES (?, ?, ?, 'high')",
            sightings,
        )
    connection.close()
    print(f"built {count:,} identifiers in {time.perf_counter() - started:.1f} s: {path}")


def sqlite_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as connection:
            return int(connection.execute("SELECT count(*) FROM seen_identifiers").fetchone()[0])
    except sqlite3.Error:
        return 0


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_database(url: str, count: int, keys: IdentifierKeys, known: list[str]) -> str:
    """The URL of `sigap_bench_seen_<count>`, built (COPY) when it is missing or incomplete."""
    name = f"sigap_bench_seen_{count}"
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(_dsn(url))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            bench = await asyncpg.connect(_dsn(target))
            try:
                stored = await bench.fetchval(
                    "SELECT CASE WHEN to_regclass('seen_identifiers') IS NULL THEN 0 "
                    "ELSE (SELECT count(*) FROM seen_identifiers) END"
                )
            finally:
                await bench.close()
            if stored == count:
                return target
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await migrated(target)
    started = time.perf_counter()
    identifiers_, sightings = [], []
    for n, digest, day, extra in corpus(count, keys, known):
        identifiers_.append((n, digest, "phone", day, day, 1 + extra, 1 + extra, 0))
        sightings += [(n, day, REGENCIES[(n + i) % len(REGENCIES)], "high") for i in range(1 + extra)]
    bench = await asyncpg.connect(_dsn(target))
    try:
        columns = ("id", "digest", "kind", "first_seen", "last_seen", "sightings", "regencies", "reports")
        await bench.copy_records_to_table("seen_identifiers", records=identifiers_, columns=columns)
        await bench.copy_records_to_table(
            "seen_sightings", records=sightings, columns=("identifier_id", "seen_on", "regency_code", "risk")
        )
        await bench.execute("SELECT setval(pg_get_serial_sequence('seen_identifiers', 'id'), $1)", count)
        await bench.execute("ANALYZE")
    finally:
        await bench.close()
    print(f"built {count:,} identifiers in {time.perf_counter() - started:.1f} s: database {name}")
    return target


async def start_up_times(known: SeenFilter) -> str:
    """As `sigap run` starts (bot/app.py): the filter loads in the background. Serving waits for
    nothing; while it loads, a ticker measures how long the event loop (every chat turn) is held."""
    started, cpu = time.perf_counter(), time.process_time()
    known.start_loading()
    serving = time.perf_counter() - started
    loaded = asyncio.create_task(known.wait_loaded())
    longest, last = 0.0, time.perf_counter()
    while not loaded.done():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    if not loaded.result():
        raise SystemExit("the filter did not load")
    ready, cpu = time.perf_counter() - started, time.process_time() - cpu
    return (
        f"start-up: serving after {serving * 1e3:.1f} ms, filter ready after {ready:.1f} s "
        f"({cpu:.2f} s CPU); longest pause of the event loop meanwhile {longest * 1e3:.0f} ms"
    )


Round = Callable[[], Awaitable[int]]


async def best(rounds: list[Round], seconds: float) -> list[tuple[float, float]]:
    """The best rate of each over rounds, in CPU time and in wall time (a round is one pass over
    the ads). The measures take turns, so that a busy moment on a shared machine weighs on all
    of them alike instead of on whichever ran then."""
    rates = [(0.0, 0.0) for _ in rounds]
    spent = 0.0
    while spent < seconds * len(rounds):
        for at, round_ in enumerate(rounds):
            cpu, wall = time.process_time(), time.perf_counter()
            done = await round_()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            spent += cpu
            rates[at] = (max(rates[at][0], done / cpu), max(rates[at][1], done / wall))
    return rates


async def measure(url: str, ads: list[str], seconds: float, keys: IdentifierKeys) -> tuple[list[str], bool]:
    """The figures, and whether the filtered check beat the target with the same answers."""
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
    for ad in ads:  # warm the word cache: every measure then sees the same analysis cost
        analyse(ad, rules)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    known = SeenFilter(url)
    start_up = await start_up_times(known)
    raised: dict[str, int] = {}

    async def alone() -> int:
        for ad in ads:
            analyse(ad, rules)
        return len(ads)

    def with_look_up(name: str, filtered: SeenFilter | None) -> Round:
        async def run() -> int:
            count = 0
            async with sessions() as session:
                for ad in ads:
                    checked = await seen_before.check(session, keys, ad, analyse(ad, rules), filtered)
                    count += checked.analysis.risk != checked.risk_before
            raised[name] = count
            return len(ads)

        return run

    try:
        await with_look_up("warm", None)()  # the first query opens the connection
        plain, direct, filtered = await best(
            [alone, with_look_up("direct", None), with_look_up("filtered", known)], seconds
        )
        queries: list[Sequence[str]] = []
        asked = stored.look_up

        async def counted(session: AsyncSession, digests: Sequence[str]) -> dict[str, stored.Seen]:
            queries.append(digests)  # the look-up goes to the driver, past SQLAlchemy's events
            return await asked(session, digests)

        stored.look_up = counted
        try:
            await with_look_up("filtered", known)()
        finally:
            stored.look_up = asked
    finally:
        await known.close()
        await engine.dispose()
    out = [
        f"filter: {len(known):,} digests in {known.bytes_used / 1e6:.1f} MB",
        start_up,
        f"{'':24}{'CPU time':>12}{'wall time':>12}",
    ]
    for label, (cpu, wall) in (
        ("analysis alone", plain),
        ("look-up, no filter", direct),
        ("look-up, filter", filtered),
    ):
        out.append(f"{label:24}{cpu:>8,.0f} /s {wall:>8,.0f} /s")
    out += [
        f"with the filter / target {TARGET:,}:      {_ratios(filtered, (TARGET, TARGET))}",
        f"with the filter / analysis alone:  {_ratios(filtered, plain)}",
        f"no filter / analysis alone:        {_ratios(direct, plain)}",
        f"queries with the filter: {len(queries)} for {len(ads)} ads (the ads naming a stored identifier,"
        " and false positives)",
        f"ads raised by what was seen: {raised['filtered']} of {len(ads)} with the filter, "
        f"{raised['direct']} without" + ("" if raised["filtered"] == raised["direct"] else "  MISMATCH"),
    ]
    return out, filtered[0] > TARGET and raised["filtered"] == raised["direct"]


def _ratios(rate: tuple[float, float], to: tuple[float, float]) -> str:
    return f"{rate[0] / to[0]:.2f} (CPU)  {rate[1] / to[1]:.2f} (wall)"


def run(count: int, seconds: float, backends: list[str], database: str | None, postgres: str) -> bool:
    """Prints the figures; True when the target is met and the filter changed no answer."""
    keys = IdentifierKeys([KEY])
    ads = read_ads()
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
    known = sorted(
        {i.key for ad in ads for i in identifiers.in_ad(ad, analyse(ad, rules)) if i.kind == "phone"}
    )[::10]
    ok = True
    for backend in backends:
        if backend == "sqlite":
            path = Path(database or Path(tempfile.gettempdir()) / f"sigap_seen_before_{count}.db")
            if sqlite_count(path) != count:
                build_sqlite(path, count, keys, known)
            url = f"sqlite+aiosqlite:///{path}"
        else:
            url = asyncio.run(postgres_database(postgres, count, keys, known))
        print(f"== {backend}: {count:,} identifiers stored; {len(ads)} ads ({ADS.relative_to(ROOT)})")
        lines, met = asyncio.run(measure(url, ads, seconds, keys))
        print("\n".join(lines))
        ok = ok and met
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--identifiers", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="CPU seconds per measure (default 2)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--database", help="SQLite file (default: one kept in the temporary folder)")
    parser.add_argument(
        "--postgres", default=POSTGRES, help="a PostgreSQL URL to create the bench database from"
    )
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    ok = run(args.identifiers, args.seconds, backends, args.database, args.postgres)
    print("target met" if ok else "TARGET MISSED (or an answer changed)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
