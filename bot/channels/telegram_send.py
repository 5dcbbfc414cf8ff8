"""sendMessage posted as JSON with the keyboard's JSON built once, through aiogram's session and errors."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout
from pydantic import BaseModel, ConfigDict

JSON_HEADERS = {"Content-Type": "application/json"}


class SentMessage(BaseModel):
    """What Sigap reads of a message it sent: nothing but that Telegram took it. aiogram validates
    the whole Message it answers with (its chat, sender, text, keyboard) on every send, a third of
    the send's CPU in bench/updates.py."""

    model_config = ConfigDict(extra="ignore")

    message_id: int


class SendText(TelegramMethod[SentMessage]):
    """sendMessage with a plain text and, if any, an inline keyboard given as its JSON
    (bot.channels.telegram.keyboard_json). Sent by TelegramSession as one JSON body; any other
    method takes aiogram's way (a form of fields dumped from the method's model, each time)."""

    __returning__: ClassVar[type] = SentMessage
    __api_method__: ClassVar[str] = "sendMessage"

    # A string, as aiogram's form sent it, whatever the JSON: the Bot API takes either.
    chat_id: str
    text: str
    reply_markup: str | None = None  # the keyboard's JSON

    def body(self) -> bytes:
        """The request's JSON: the fields aiogram's form held (none empty), the keyboard as an
        object, already dumped."""
        head = json.dumps({"chat_id": self.chat_id, "text": self.text})
        if self.reply_markup is None:
            return head.encode()
        return f'{head[:-1]}, "reply_markup": {self.reply_markup}}}'.encode()


class TelegramSession(AiohttpSession):
    """aiogram's session, which posts a SendText as JSON; its answer is checked as aiogram checks
    every answer (the same exceptions for 429, 403, 5xx ...), against SentMessage."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        if not isinstance(method, SendText):
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=method.body(),
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as response:
                content = await response.text()
        except TimeoutError as exc:  # as aiogram's make_request words them
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            raise TelegramNetworkError(method=method, message=f"{type(exc).__name__}: {exc}") from exc
        answer: Any = self.check_response(
            bot=bot, method=method, status_code=response.status, content=content
        )
        return answer.result  # type: ignore[no-any-return]
