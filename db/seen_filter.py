"""Which "seen before" digests may be stored, answered in memory: most ads carry identifiers never
seen, and for those the ad check then makes no query (bench/seen_before.py, docs/performance.md).

The filter holds the first 32 bits of every stored digest in a sorted array (4 bytes an
identifier: 4 MB for a million) plus a set of those added since the array was built. "No" is
certain; "maybe" is checked in the database, so a false positive (one in about 4,000 look-ups at
a million identifiers) costs a query, never a wrong answer.

Rows written by other processes are read by id, above the highest id already read, at most every
`refresh_seconds` (a sighting from another process counts from then on; this process's own are
added as they are recorded). PostgreSQL hands out ids before commit, so a lower id can commit after
a higher one was read: ids missing just below the highest are asked for again until they appear or
`GAP_SECONDS` pass (a rolled-back transaction never fills its id). Deleted rows (retention) stay in
the filter as false positives until it is rebuilt: by the retention job of this process, and every
`rebuild_seconds`. Key rotation needs no rebuild of its own: a look-up searches the digests under
every key, a row re-keyed on sight keeps its old digest here until the next rebuild, and a key
dropped from SIGAP_SEEN_KEYS takes a restart, which builds the filter anew.

Building it does not hold up the service: `start_loading()` builds it in the background (at start
and for the daily rebuild); until the first build is done the check asks the database, and during a
rebuild the previous array answers (rows other processes add meanwhile are read when it is done).
The database hands over every prefix as one string in the digests' order, decoded in slices.

The filter reads through an engine of its own, outside any chat turn's transaction: it sees only
committed rows (an id read inside a transaction that then rolled back could be handed out again by
SQLite and never read), and on SQLite, whose chat engine has one connection held by the turn, it
reads beside the turn instead of waiting for it (WAL lets readers in while a writer works)."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import logging
import operator
import sys
import time
from array import array
from collections.abc import Callable, Iterable

from sqlalchemy import bindparam, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import SeenIdentifier
from db.session import one_connection

log = logging.getLogger(__name__)

PREFIX_HEX = 8  # 32 bits of the digest
# Missing ids within this distance of the highest read are asked for again (transactions in
# flight in every process together hold far fewer ids than this).
GAP_WINDOW = 1_000
GAP_SECONDS = 600.0  # far longer than any chat turn's transaction
# Prefixes decoded and checked between two chances for chat turns to run, while loading.
SLICE = 100_000
MERGE_AT = 50_000  # additions kept in a set before they are merged into the sorted array
# Only the prefix is read: a quarter of the digest's text to move and to decode.
HEAD = func.substr(SeenIdentifier.digest, 1, PREFIX_HEX)


def prefix(digest: str) -> int:
    return int(digest[:PREFIX_HEX], 16)


class SeenFilter:
    """Membership of stored digests, built by `load()` and kept current by `refresh_if_due()`."""

    def __init__(
        self,
        database_url: str,
        refresh_seconds: float = 2.0,
        rebuild_seconds: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = one_connection(database_url)
        self._refresh_seconds = refresh_seconds
        self._rebuild_seconds = rebuild_seconds
        self._clock = clock
        self._sorted = array("I")
        self._added: set[int] = set()
        self._highest = 0  # the highest id read
        self._gaps: dict[int, float] = {}  # id missing below the highest -> when first missed
        self._refreshed_at = self._built_at = float("-inf")
        self._busy = False
        # Digests this process added while a load runs: the rows may have been read before they
        # were written, so they outlive the load; every other addition is in what it read.
        self._added_while_loading: set[int] | None = None
        self._loading: asyncio.Task[None] | None = None
        self._load_failed_at = float("-inf")

    def __len__(self) -> int:
        return len(self._sorted) + len(self._added)

    @property
    def bytes_used(self) -> int:
        """The array's size (the set of additions is small and merged at MERGE_AT)."""
        return self._sorted.itemsize * len(self._sorted)

    def may_contain(self, digest: str) -> bool:
        key = prefix(digest)
        if key in self._added:
            return True
        at = bisect.bisect_left(self._sorted, key)
        return at < len(self._sorted) and self._sorted[at] == key

    def add(self, digest: str) -> None:
        """A digest this process stores (or may store: one that is rolled back is a false positive)."""
        self._added.add(prefix(digest))
        if self._added_while_loading is not None:
            self._added_while_loading.add(prefix(digest))
        if len(self._added) >= MERGE_AT and not self._busy:
            self._merge()

    def start_loading(self) -> None:
        """`load()` in the background (at start and for the daily rebuild): a million rows take
        seconds, more on a busy machine, and no one waits for them. Until the first load is done
        `refresh_if_due()` says False and the check asks the database; during a rebuild the
        previous array goes on answering."""
        if self._loading is None or self._loading.done():
            self._loading = asyncio.create_task(self._load_logged())

    async def wait_loaded(self) -> bool:
        """Waits for a load started in the background; True when the filter is built."""
        if self._loading is not None:
            await asyncio.shield(self._loading)
        return self.ready

    @property
    def ready(self) -> bool:
        return self._built_at > float("-inf")

    async def _load_logged(self) -> None:
        try:
            await self.load()
        except (SQLAlchemyError, OSError) as error:
            self._load_failed_at = self._clock()
            log.warning("seen-before filter not loaded (%s); asking the database", type(error).__name__)

    async def load(self) -> None:
        """Every stored digest, read anew: at start, after retention deleted rows, and daily."""
        if self._busy:
            return
        self._busy = True
        self._added_while_loading = set()
        try:
            started = self._clock()
            async with self._engine.connect() as connection:
                # First the ids near the top (the highest, and the gaps below it that may commit
                # later), then every prefix, by a later statement: a row committed in between is
                # read twice (harmless), never missed.
                top = (await connection.execute(TOP_IDS, {"window": GAP_WINDOW})).scalars().all()
                hexes = await _read_prefixes(connection)
            keys = await _prefixes(hexes)
            highest = max(top, default=0)
            self._sorted = keys
            self._added = {key for key in self._added_while_loading if not self._in_sorted(key)}
            self._gaps = {}
            self._note_gaps(0, highest, top, started)
            self._highest = highest
            self._refreshed_at = self._built_at = started
        finally:
            self._busy = False
            self._added_while_loading = None

    async def refresh(self) -> int:
        """Reads the rows added since the last read (and missing ids that may have committed
        since); returns how many were read."""
        if self._busy:
            return 0
        self._busy = True
        try:
            now = self._clock()
            self._gaps = {i: t for i, t in self._gaps.items() if now - t < GAP_SECONDS}
            condition = SeenIdentifier.id > self._highest
            if self._gaps:
                condition = or_(condition, SeenIdentifier.id.in_(bindparam("gaps", expanding=True)))
            statement = select(SeenIdentifier.id, HEAD).where(condition)
            async with self._engine.connect() as connection:
                rows = (await connection.execute(statement, {"gaps": list(self._gaps)})).all()
            previous = self._highest
            seen = set()
            for row_id, digest in rows:
                self.add(digest)
                seen.add(row_id)
                self._gaps.pop(row_id, None)
            if len(self._added) >= MERGE_AT:
                self._merge()
            highest = max(seen, default=previous)
            self._note_gaps(previous, highest, seen, now)
            self._highest = max(previous, highest)
            self._refreshed_at = now
            return len(rows)
        finally:
            self._busy = False

    async def refresh_if_due(self) -> bool:
        """What the ad check calls: a refresh every `refresh_seconds`, a rebuild every
        `rebuild_seconds`; nothing when another turn is already refreshing. False when the
        database could not be read: the filter may then miss what others stored, and the caller
        asks the database instead (the check goes on; the next call tries again)."""
        now = self._clock()
        try:
            if now - self._built_at >= self._rebuild_seconds:
                if now - self._load_failed_at >= self._refresh_seconds:  # a failed load: not every check
                    self.start_loading()
            elif now - self._refreshed_at >= self._refresh_seconds:
                await self.refresh()
        except (SQLAlchemyError, OSError) as error:
            log.warning("seen-before filter not refreshed (%s); asking the database", type(error).__name__)
            return False
        return self.ready

    async def close(self) -> None:
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
        await self._engine.dispose()

    def _note_gaps(self, previous: int, highest: int, seen: Iterable[int], now: float) -> None:
        """Ids between the previous highest and the new one that were not read, near the top."""
        present = set(seen)
        for missing in range(max(previous, highest - GAP_WINDOW) + 1, highest):
            if missing not in present:
                self._gaps.setdefault(missing, now)

    def _in_sorted(self, key: int) -> bool:
        at = bisect.bisect_left(self._sorted, key)
        return at < len(self._sorted) and self._sorted[at] == key

    def _merge(self) -> None:
        # Timsort finds the two sorted runs: about the cost of a copy.
        self._sorted = array("I", sorted([*self._sorted, *self._added]))
        self._added = set()


TOP_IDS = text("SELECT id FROM seen_identifiers WHERE id > (SELECT max(id) FROM seen_identifiers) - :window")
# Every prefix in one value, in the order of the digests: the database does the reading and the
# sorting (by the unique index on SQLite), and Python decodes 8 MB of hex instead of making a row
# object and an int for each of a million rows (measured: about 0.1 s of CPU against 1.5 s).
PREFIXES = {
    "sqlite": text(
        "SELECT group_concat(p, '') FROM "
        "(SELECT substr(digest, 1, 8) AS p FROM seen_identifiers ORDER BY digest)"
    ),
    "postgresql": text(
        "SELECT string_agg(substr(digest, 1, 8), '' ORDER BY digest COLLATE \"C\") FROM seen_identifiers"
    ),
}


async def _read_prefixes(connection: AsyncConnection) -> str:
    statement = PREFIXES.get(connection.dialect.name)
    if statement is None:  # another backend: row by row
        rows = await connection.execute(select(HEAD).order_by(SeenIdentifier.digest))
        return "".join(row[0] for row in rows)
    return str((await connection.execute(statement)).scalar() or "")


async def _prefixes(hexes: str) -> array[int]:
    """The sorted array of the 32-bit prefixes written one after the other in hex. Decoded and
    checked in slices, letting chat turns run in between: the load runs while the service serves."""
    keys = array("I")
    for at in range(0, len(hexes), SLICE * PREFIX_HEX):
        raw = bytes.fromhex(hexes[at : at + SLICE * PREFIX_HEX])
        if keys.itemsize == 4:
            keys.frombytes(raw)
        else:  # a platform whose C int is not 32 bits
            keys.extend(int.from_bytes(raw[n : n + 4], "big") for n in range(0, len(raw), 4))
        await asyncio.sleep(0)
    if keys.itemsize == 4 and sys.byteorder == "little":
        keys.byteswap()  # the hex is big-endian
    # The order comes from the database; it is checked (less than the decoding costs), since
    # the concatenation's order is not promised by SQLite, and bisect needs it.
    for at in range(0, len(keys), SLICE):
        part = keys[at : at + SLICE + 1]  # one past the slice: the order across slices too
        if not all(map(operator.le, part, itertools.islice(part, 1, None))):
            return array("I", sorted(keys))
        await asyncio.sleep(0)
    return keys
