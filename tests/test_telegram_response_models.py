"""The Telegram channel keeps the models it reads the Bot API's answers into (issue 21): pydantic
holds a parametrised class like Response[Message] only weakly, so a garbage collection dropped it
and the next send built it again (several ms of CPU, 7 % of an update's in bench/updates.py)."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods import GetFile, GetUpdates, SendMessage, SendPhoto
from aiogram.methods.base import Response
from aiogram.types import Message

from bot.channels.telegram import TelegramChannel
from bot.delivery import RetryPolicy
from tests.harness import TOKEN


async def test_the_models_of_the_answers_outlive_garbage_collections_while_the_channel_lives() -> None:
    channel = TelegramChannel(TOKEN, "http://127.0.0.1:9", None, RetryPolicy(max_attempts=1))  # type: ignore[arg-type]
    try:
        models = [
            weakref.ref(Response[method.__returning__])  # type: ignore[name-defined]
            for method in (SendMessage, SendPhoto, GetFile, GetUpdates)
        ]
        gc.collect()
        assert all(model() is not None for model in models)
        # The same class, not one built again: aiogram asks pydantic for it on every call.
        assert models[0]() is Response[Message]
    finally:
        await channel.bot.session.close()
