""" "Seen before" filter (db/seen_filter.py): the ad check asks the database only for identifiers
the in-memory filter may hold, and the filter follows what other processes store. Each filter
reads through its own engine, as a second process would. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from db import seen_before, seen_filter
from db.identifier_keys import IdentifierKeys
from db.models import SeenIdentifier
from db.seen_filter import SeenFilter
from ground.i18n import Content, default_content_dir
from handlers.offers.analysis import analyse
from handlers.offers.rules import parse_offer_rules
from handlers.seen_before import calo, identifiers
from handlers.seen_before import sightings as layer
from handlers.seen_before.identifiers import Identifier

KEY = "k3J9-seen-filter-test-key-0123456789abcdef"
OLD_KEY = "old-seen-filter-test-key-9876543210fedcba"
KEYS = IdentifierKeys([KEY])
NUMBER = Identifier("phone", "+6281234567890")
OTHER = Identifier("phone", "+6281311112222")
DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KUBU_RAYA, SAMBAS = "61.12", "61.01"
AD = "Lowongan kerja pabrik di Malaysia dari PT Maju Jaya Sentosa, gaji 6jt, hubungi 0812-3456-7890"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def filters(database_url: str) -> AsyncIterator[Callable[..., SeenFilter]]:
    made: list[SeenFilter] = []

    def make(**kw: Any) -> SeenFilter:
        made.append(SeenFilter(database_url, **kw))
        return made[-1]

    yield make
    for known in made:
        await known.close()


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The digests the database is asked for from now on (db.seen_before.look_up sends its query
    to the driver itself, past SQLAlchemy's events; given no digests it makes none)."""
    asked: list[list[str]] = []
    real = seen_before.look_up

    async def spy(session: Any, digests: Any) -> Any:
        if digests:
            asked.append(list(digests))
        return await real(session, digests)

    monkeypatch.setattr(seen_before, "look_up", spy)
    return asked


async def _remember(sessions: Any, identifier: Identifier, regency: str, known: SeenFilter | None) -> None:
    async with sessions() as session, session.begin():
        await layer.remember(session, KEYS, [identifier], DAY, regency, "high", known=known)


async def test_another_process_sighting_is_seen_after_the_refresh(sessions: Any, filters: Any) -> None:
    mine, theirs = filters(), filters()
    await mine.load()
    await theirs.load()
    await _remember(sessions, NUMBER, KUBU_RAYA, mine)  # this process records: its filter knows at once
    digest = KEYS.digest(NUMBER.key)
    assert mine.may_contain(digest)
    assert not theirs.may_contain(digest), "the other process has not read it yet"
    assert await theirs.refresh() == 1
    assert theirs.may_contain(digest)
    async with sessions() as session:
        [match] = await layer.look_up(session, KEYS, [NUMBER, OTHER], theirs)
    assert match.identifier == NUMBER and match.seen.sightings == 1


async def test_an_identifier_the_filter_never_saw_makes_no_query(
    sessions: Any, filters: Any, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _remember(sessions, OTHER, KUBU_RAYA, None)
    known = filters()
    await known.load()
    asked = _asked(monkeypatch)
    async with sessions() as session:
        checked = await layer.check(session, KEYS, AD, analyse(AD, rules), known)
        assert checked.matches == () and checked.identifiers
        assert not asked
        unfiltered = await layer.check(session, KEYS, AD, analyse(AD, rules))
    assert unfiltered.matches == ()
    assert asked, "without the filter the database is asked"


async def test_the_check_asks_the_database_while_the_filter_loads(
    sessions: Any, filters: Any, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sigap run` serves at once and loads the filter in the background (bot/app.py)."""
    await _remember(sessions, NUMBER, KUBU_RAYA, None)
    known = filters()
    known.start_loading()
    asked = _asked(monkeypatch)
    other_ad = AD.replace("0812-3456-7890", "0813-1111-2222")
    async with sessions() as session:
        loading = await layer.check(session, KEYS, AD, analyse(AD, rules), known)
        assert asked, "not built yet: the database is asked"
        assert [m.identifier for m in loading.matches] == [NUMBER]
        assert await known.wait_loaded()
        asked.clear()
        built = await layer.check(session, KEYS, other_ad, analyse(other_ad, rules), known)
    assert built.matches == () and not asked, "built: a number never stored is not asked for"


async def test_prefixes_out_of_order_are_sorted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database concatenates them in the digests' order, which SQLite does not promise."""
    monkeypatch.setattr(seen_filter, "SLICE", 2)  # each slice in order, not across them
    assert list(await seen_filter._prefixes("000000010000000a00000002ffffffff")) == [1, 2, 10, 2**32 - 1]
    assert list(await seen_filter._prefixes("")) == []


async def test_a_false_positive_costs_a_query_not_a_wrong_answer(
    sessions: Any, filters: Any, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = filters()
    await known.load()
    known.add(KEYS.digest(NUMBER.key))  # as a rolled-back turn leaves it
    asked = _asked(monkeypatch)
    async with sessions() as session:
        checked = await layer.check(session, KEYS, AD, analyse(AD, rules), known)
    assert checked.matches == () and checked.analysis.risk == checked.risk_before
    assert asked


async def test_the_same_answers_with_and_without_the_filter(sessions: Any, filters: Any, rules: Any) -> None:
    for regency in (KUBU_RAYA, SAMBAS):
        await _remember(sessions, NUMBER, regency, None)
    known = filters()
    await known.load()
    async with sessions() as session:
        filtered = await layer.check(session, KEYS, AD, analyse(AD, rules), known)
        direct = await layer.check(session, KEYS, AD, analyse(AD, rules))
    assert filtered == direct
    assert filtered.analysis.risk == "high" and filtered.matches[0].seen.regencies == 2


async def test_an_id_committed_after_a_higher_one_is_still_read(sessions: Any, filters: Any) -> None:
    """PostgreSQL hands out ids before commit: id 3 may commit after id 4 was read."""
    digests = {n: KEYS.digest(f"phone:+62812000000{n}") for n in range(1, 6)}
    row = {"kind": "phone", "first_seen": DAY, "last_seen": DAY}
    async with sessions() as session, session.begin():
        for n in (1, 2, 4):
            await session.execute(insert(SeenIdentifier).values(id=n, digest=digests[n], **row))
    known = filters()
    await known.load()
    assert [known.may_contain(digests[n]) for n in range(1, 6)] == [True, True, False, True, False]
    async with sessions() as session, session.begin():
        for n in (3, 5):
            await session.execute(insert(SeenIdentifier).values(id=n, digest=digests[n], **row))
    assert await known.refresh() == 2
    assert all(known.may_contain(d) for d in digests.values())


async def test_a_refresh_every_few_seconds_and_a_rebuild_a_day(sessions: Any, filters: Any) -> None:
    clock = Clock()
    known = filters(refresh_seconds=2.0, rebuild_seconds=86_400.0, clock=clock)
    assert not await known.refresh_if_due(), "never built: builds, in the background"
    assert await known.wait_loaded()
    await _remember(sessions, NUMBER, KUBU_RAYA, None)
    digest = KEYS.digest(NUMBER.key)
    clock.now += 1.0
    await known.refresh_if_due()
    assert not known.may_contain(digest), "one second later: not read yet"
    clock.now += 1.0
    await known.refresh_if_due()
    assert known.may_contain(digest)
    async with sessions() as session, session.begin():
        await seen_before.forget_unseen(session, DAY + timedelta(days=1))
    clock.now += 60.0
    await known.refresh_if_due()
    assert known.may_contain(digest), "a deleted row stays until the rebuild (a false positive)"
    clock.now += 86_400.0
    assert await known.refresh_if_due(), "the day-old array answers while the new one is built"
    await known.wait_loaded()
    assert not known.may_contain(digest)


async def test_retention_and_marks_rebuild_and_feed_the_filter(sessions: Any, filters: Any) -> None:
    await _remember(sessions, NUMBER, KUBU_RAYA, None)
    known = filters()
    async with sessions() as session, session.begin():
        # A mark on an identifier never seen stores it: the filter must know it.
        await calo.set_mark(session, KEYS, "0813-1111-2222", "cleared", "cli", NOW, DAY, known)
    assert known.may_contain(KEYS.digest(OTHER.key))
    await known.load()
    async with sessions() as session, session.begin():
        assert await seen_before.forget_unseen(session, DAY + timedelta(days=1)) == 1
    await known.load()
    assert not known.may_contain(KEYS.digest(NUMBER.key))
    assert known.may_contain(KEYS.digest(OTHER.key)), "cleared ones stay"


async def test_key_rotation_old_digests_still_found_and_rebuilt(sessions: Any, filters: Any) -> None:
    async with sessions() as session, session.begin():
        await layer.remember(session, IdentifierKeys([OLD_KEY]), [NUMBER], DAY, KUBU_RAYA, "high")
    before = filters()
    await before.load()
    rotated = IdentifierKeys([KEY, OLD_KEY])
    async with sessions() as session, session.begin():
        [match] = await layer.look_up(session, rotated, [NUMBER], before)
        await layer.remember(session, rotated, [NUMBER], DAY, SAMBAS, "high")  # re-keyed on sight
    async with sessions() as session:
        [still] = await layer.look_up(session, rotated, [NUMBER], before)
    after = filters()
    await after.load()
    assert match.seen.sightings == 1 and still.seen.sightings == 2
    assert after.may_contain(KEYS.digest(NUMBER.key))


@pytest.fixture(scope="module")
def rules() -> Any:
    return parse_offer_rules(Content.load(default_content_dir(), "id"))


def test_identifiers_of_the_ad_are_the_ones_looked_up() -> None:
    assert NUMBER in identifiers.in_text(AD)


async def test_the_retention_job_rebuilds_the_services_filter(sessions: Any, filters: Any) -> None:
    import dataclasses

    from bot.app import build_services
    from bot.config import Settings
    from bot.scheduler import Jobs
    from tests import harness

    await _remember(sessions, NUMBER, KUBU_RAYA, None)
    known = filters()
    await known.load()
    services = dataclasses.replace(build_services(Settings()), seen_filter=known, seen_before_days=30)
    clock = harness.FakeClock(NOW + timedelta(days=60))
    assert await Jobs(sessions, clock, services).forget_unseen_identifiers() == 1
    assert not known.may_contain(KEYS.digest(NUMBER.key)), "rebuilt: the forgotten leave memory too"


async def test_a_filter_that_cannot_read_lets_the_check_ask_the_database(
    sessions: Any, tmp_path: Any, rules: Any
) -> None:
    await _remember(sessions, NUMBER, KUBU_RAYA, None)
    broken = SeenFilter(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'no.db'}")  # never opens
    try:
        async with sessions() as session:
            checked = await layer.check(session, KEYS, AD, analyse(AD, rules), broken)
    finally:
        await broken.close()
    assert [m.identifier for m in checked.matches] == [NUMBER], "not an empty filter's 'never seen'"
