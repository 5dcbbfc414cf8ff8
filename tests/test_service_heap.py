"""What a running service built at start stays out of the garbage collector's full collections
(issue 21): each walked the whole start-up heap (content, route table, village index), about
120 ms of CPU, 5 % of an update's in bench/updates.py. A stopped service gives it back."""

from __future__ import annotations

import gc
from typing import Any

from tests.harness import start_harness, stop_harness


async def test_the_start_up_heap_is_frozen_while_serving_and_given_back_at_stop(
    database_url: str, fake_api: Any
) -> None:
    gc.unfreeze()  # whatever an earlier test left
    harness = await start_harness(database_url, fake_api)
    try:
        assert gc.get_freeze_count() > 0
        assert await harness.say(4001, "/start")  # serving goes on as before
    finally:
        await stop_harness(harness)
    assert gc.get_freeze_count() == 0
