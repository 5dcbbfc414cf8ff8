"""Issue 14 item 4: Telegram's webhook refuses to start without a strong secret (every environment),
and where Sigap writes to a user is set only by a message from that user's own chat."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import SigapService
from bot.config import ConfigError, Settings, TelegramSettings
from db.models import User
from db.roles import Role
from tests.harness import BotHarness
from tests.telegram_updates import callback_update, text_update
from tests.test_reports_e2e import arrival, file_report, grant

COORDINATOR, VILLAGER, FORGER = 841, 842, 849
GROUP = -1001234567890  # a Telegram group (supergroup ids are negative)


@pytest.mark.parametrize("secret", [None, "", " ", "x", "secret", "change_me", "aaaaaaaaaaaaaaaaaaaa"])
def test_webhook_mode_needs_a_strong_secret_even_in_development(secret: str | None) -> None:
    settings = Settings(
        environment="development",
        telegram=TelegramSettings(mode="webhook"),
        telegram_token=SecretStr("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        telegram_webhook_secret=None if secret is None else SecretStr(secret),
    )
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_WEBHOOK_SECRET"):
        SigapService(settings)


def test_polling_needs_no_webhook_secret() -> None:
    settings = Settings(telegram_token=SecretStr("110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"))
    SigapService(settings)  # does not raise


async def _stored_chat(bot: BotHarness, user: int) -> str:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        query = select(User.chat_id).where(User.channel == "telegram", User.external_id == str(user))
        return str((await session.execute(query)).scalar_one())


async def test_an_update_from_another_chat_never_redirects_a_coordinators_cases(bot: BotHarness) -> None:
    await grant(bot, COORDINATOR, Role.COORDINATOR, "61.12")
    assert await _stored_chat(bot, COORDINATOR) == str(COORDINATOR)

    # A forged update (or a real one from a group the coordinator is in) with the coordinator's
    # from.id but another chat: a text, a button press, in a private chat and in a group.
    forged_private = text_update(COORDINATOR, "/kasus")
    forged_private["message"]["chat"]["id"] = FORGER
    in_group = text_update(COORDINATOR, "/start")
    in_group["message"]["chat"] = {"id": GROUP, "type": "supergroup", "title": "Keluarga"}
    pressed_in_group = callback_update(COORDINATOR, "menu:main")
    pressed_in_group["callback_query"]["message"]["chat"] = {"id": GROUP, "type": "supergroup"}
    for update in (forged_private, in_group, pressed_in_group):
        assert await bot.post(update) == 200
        assert await _stored_chat(bot, COORDINATOR) == str(COORDINATOR)

    # The next report still goes to the coordinator's own chat, and nothing to the others.
    await bot.onboard(VILLAGER)
    seen, forger_seen, group_seen = (len(bot.api.sent(c)) for c in (COORDINATOR, FORGER, GROUP))
    reference = await file_report(bot, VILLAGER)
    [forward] = await arrival(bot, COORDINATOR, seen)
    assert reference in forward["text"]
    assert len(bot.api.sent(FORGER)) == forger_seen and len(bot.api.sent(GROUP)) == group_seen

    # Someone first met in a group is written to in their private chat, never in the group.
    stranger = text_update(843, "/start")
    stranger["message"]["chat"] = {"id": GROUP, "type": "supergroup", "title": "Keluarga"}
    assert await bot.post(stranger) == 200
    assert await _stored_chat(bot, 843) == "843"
