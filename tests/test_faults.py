"""Faults survived: the Bot API timing out in bursts, and PostgreSQL dropping every connection
while the bot runs (as a restart does). Nothing is lost, nothing is done twice."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests import harness as rig
from tests.harness import FakeClock, buttons_of, start_harness_with, stop_harness
from tests.telegram_updates import callback_update, text_update

ALICE = 901


async def test_bursts_of_timeouts_are_retried_and_delivered_once(database_url: str, fake_api: Any) -> None:
    settings = rig.test_settings(database_url, fake_api.base_url)
    settings = settings.model_copy(
        update={"telegram": settings.telegram.model_copy(update={"request_timeout": 0.5})}
    )
    harness = await start_harness_with(settings, fake_api, FakeClock())
    try:
        # Two sends in a row hang past the client's timeout (the server drops them), then a 502;
        # the fourth attempt (delivery.max_attempts in the tests) gets through.
        fake_api.fail_next("sendMessage", 200, delay=3.0, times=2)
        fake_api.fail_next("sendMessage", 502, times=1)
        replies = await harness.say(ALICE, "/start")
        assert len(replies) == 1 and buttons_of(replies[0]) == ["lang:id", "lang:en"]
        assert len(fake_api.calls_to("sendmessage")) == 4, "two timeouts, one 502, then delivered"
    finally:
        await stop_harness(harness)


async def test_postgres_dropping_all_connections_loses_nothing(database_url: str, fake_api: Any) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's own behaviour")
    harness = await start_harness_with(
        rig.test_settings(database_url, fake_api.base_url), fake_api, FakeClock()
    )
    try:
        await harness.onboard(ALICE)
        await harness.press(ALICE, "menu:check")
        await _drop_connections(database_url)

        # Telegram re-delivers an update until it gets a 200: so does this loop.
        update = callback_update(ALICE, "ck:a:route:p3mi")
        before = len(fake_api.sent(ALICE))
        statuses = []
        for _ in range(25):
            statuses.append(await harness.post(update))
            if statuses[-1] == 200:
                break
        assert statuses[-1] == 200 and set(statuses) <= {200, 503}, statuses
        replies = fake_api.sent(ALICE)[before:]
        assert len(replies) == 1 and "Pertanyaan 2 dari" in replies[0]["text"], "answered once"

        # The conversation goes on where it was.
        replies = await harness.press(ALICE, "ck:a:work:factory")
        assert "Pertanyaan 3 dari" in replies[-1]["text"]
    finally:
        await stop_harness(harness)


async def _drop_connections(database_url: str) -> None:
    """What a PostgreSQL restart does to the bot: every connection it holds is closed."""
    url = make_url(database_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        dropped = await connection.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            url.database,
        )
    finally:
        await connection.close()
    assert dropped >= 1


async def test_a_report_photo_during_a_database_outage_is_refused_then_taken_once(
    database_url: str, fake_api: Any
) -> None:
    """A report's photo is handled inside the webhook's request (unlike an ad's picture, read
    after the answer): while the database is gone Telegram gets 503 and re-delivers it."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's own behaviour")
    harness = await start_harness_with(
        rig.test_settings(database_url, fake_api.base_url), fake_api, FakeClock()
    )
    try:
        await harness.onboard(ALICE)
        for data in ("menu:report", "rp:yes", "rp:k:warning"):
            await harness.press(ALICE, data)
        await harness.say(ALICE, "Siti")
        for _ in ("age", "sex"):
            await harness.press(ALICE, "rp:skip")
        await harness.say(ALICE, "sungai kakap")
        await harness.press(ALICE, "rp:v:61.12.09.2001")
        for _ in ("destination", "departure_date", "promised", "recruiter_name", "recruiter_phone", "social"):
            await harness.press(ALICE, "rp:skip")
        update = text_update(ALICE, "")
        del update["message"]["text"]
        update["message"]["photo"] = [{"file_id": "F1", "file_unique_id": "p1", "width": 90, "height": 90}]
        await _drop_connections(database_url)
        before = len(fake_api.sent(ALICE))
        statuses = [await harness.post(update)]
        while statuses[-1] != 200 and len(statuses) < 25:
            statuses.append(await harness.post(update))
        assert statuses[0] == 503 and statuses[-1] == 200, statuses
        replies = fake_api.sent(ALICE)[before:]
        assert len(replies) == 1, "the photo is taken once"
    finally:
        await stop_harness(harness)
