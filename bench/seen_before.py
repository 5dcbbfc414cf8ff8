"""The ad check with "seen before": does looking the ad's identifiers up among 1 million stored
ones keep it above 2,000 ads per second?

    python bench/seen_before.py [--identifiers 1000000] [--seconds 2] [--database FILE]

The database (SQLite, migrated like production) is built once with bulk inserts and kept in the
temporary folder for the next run. A tenth of the corpus ads' own numbers are among the stored
identifiers, so some look-ups find something (and raise the risk) as in real use. Speed: ads per
second of this process's CPU time (one core; CPU time, not wall time, so other work on a shared
machine counts less; aiosqlite's thread is part of the process), the best of rounds, for the
analysis alone and for the analysis with the look-up (one query per ad, in one session as one
chat turn has). Prints the ratio of the two."""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.identifier_keys import IdentifierKeys  # noqa: E402
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


def read_ads() -> list[str]:
    return [path.read_text(encoding="utf-8").partition("\n---\n")[2] for path in sorted(ADS.glob("*.txt"))]


def build(path: Path, count: int, keys: IdentifierKeys, known: list[str]) -> None:
    """`count` identifiers with one sighting each, bulk inserted: random Indonesian mobile numbers,
    and the given ones (numbers of the corpus ads)."""
    path.unlink(missing_ok=True)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")

    async def migrated() -> None:
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrated())
    started = time.perf_counter()
    rng = random.Random(20)
    today = date.today()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    numbers = [*known, *(f"phone:+628{n}" for n in rng.sample(range(10**9, 10**10), count - len(known)))]
    days = [(today - timedelta(days=rng.randrange(365))).isoformat() for _ in range(400)]
    with connection:
        connection.executemany(
            "INSERT INTO seen_identifiers (id, digest, kind, first_seen, last_seen, sightings, regencies) "
            "VALUES (?, ?, 'phone', ?, ?, 1, 1)",
            ((n, keys.digest(key), days[n % 400], days[n % 400]) for n, key in enumerate(numbers, 1)),
        )
        connection.execute(
            "INSERT INTO seen_sightings (identifier_id, seen_on, regency_code, risk) "
            "SELECT id, first_seen, ?, 'high' FROM seen_identifiers",
            (REGENCIES[0],),
        )
        # Some identifiers seen in several regencies, as a recruiter posting widely is.
        connection.executemany(
            "INSERT INTO seen_sightings (identifier_id, seen_on, regency_code, risk) "
            "VALUES (?, ?, ?, 'medium')",
            ((rng.randrange(1, count + 1), days[i % 400], rng.choice(REGENCIES)) for i in range(count // 10)),
        )
        connection.execute(
            "UPDATE seen_identifiers SET "
            "sightings = (SELECT count(*) FROM seen_sightings s "
            "WHERE s.identifier_id = seen_identifiers.id), "
            "regencies = (SELECT count(DISTINCT regency_code) FROM seen_sightings s "
            "WHERE s.identifier_id = seen_identifiers.id) "
            "WHERE id IN (SELECT identifier_id FROM seen_sightings WHERE risk = 'medium')"
        )
    connection.close()
    print(f"built {count:,} identifiers in {time.perf_counter() - started:.1f} s: {path}")


def stored_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as connection:
            return int(connection.execute("SELECT count(*) FROM seen_identifiers").fetchone()[0])
    except sqlite3.Error:
        return 0


async def measure(
    path: Path, ads: list[str], seconds: float, keys: IdentifierKeys
) -> tuple[float, float, int]:
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
    for ad in ads:  # warm the word cache: both measures then see the same analysis cost
        analyse(ad, rules)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = create_sessionmaker(engine)

    def alone() -> int:
        for ad in ads:
            analyse(ad, rules)
        return len(ads)

    raised = 0

    async def with_look_up() -> int:
        nonlocal raised
        raised = 0
        async with sessions() as session:
            for ad in ads:
                checked = await seen_before.check(session, keys, ad, analyse(ad, rules))
                raised += checked.analysis.risk != checked.risk_before
        return len(ads)

    async def best(round_: object) -> float:
        rate, spent = 0.0, 0.0
        while spent < seconds:
            started = time.process_time()
            done = await round_() if asyncio.iscoroutinefunction(round_) else round_()  # type: ignore[operator]
            took = time.process_time() - started
            spent += took
            rate = max(rate, done / took)
        return rate

    try:
        await with_look_up()  # the first query opens the connection
        plain = await best(alone)
        looked_up = await best(with_look_up)
    finally:
        await engine.dispose()
    return plain, looked_up, raised


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--identifiers", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="CPU seconds per measure (default 2)")
    parser.add_argument("--database", help="SQLite file (default: one kept in the temporary folder)")
    args = parser.parse_args()
    keys = IdentifierKeys([KEY])
    ads = read_ads()
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
    known = sorted(
        {i.key for ad in ads for i in identifiers.in_ad(ad, analyse(ad, rules)) if i.kind == "phone"}
    )
    known = known[::10]
    path = Path(args.database or Path(tempfile.gettempdir()) / f"sigap_seen_before_{args.identifiers}.db")
    if stored_count(path) != args.identifiers:
        build(path, args.identifiers, keys, known)
    print(f"{stored_count(path):,} identifiers stored; {len(ads)} ads ({ADS.relative_to(ROOT)})")
    plain, looked_up, raised = asyncio.run(measure(path, ads, args.seconds, keys))
    print(f"analysis alone:        {plain:8,.0f} ads/s")
    print(f"with seen-before:      {looked_up:8,.0f} ads/s  (target > {TARGET:,})")
    print(f"raised by a look-up:   {raised:8} ads of {len(ads)}")
    print(f"ratio with/without:    {looked_up / plain:8.2f}")
    ok = looked_up > TARGET
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
