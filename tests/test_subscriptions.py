"""Subscriptions: opt in at onboarding or from the menu, opt out with a word from anywhere, blocked
users dropped automatically."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import outbox, queries, subscriptions
from db.models import Subscription
from ground.i18n import Content, default_content_dir
from ground.messages import Reply
from tests.harness import BotHarness, FakeClock, buttons_of

VILLAGER = 1101
SUNGAI_KAKAP = "61.12.09.2001"

EN = Content.load(default_content_dir(), "id").texts("en")


async def subscription(bot: BotHarness, user: int) -> subscriptions.SubscriptionRecord | None:
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        found = await queries.find_user(session, "telegram", str(user))
        return None if found is None else await subscriptions.subscription_of(session, found.id)


async def test_opt_in_at_onboarding_and_stop_with_a_word_from_anywhere(bot: BotHarness) -> None:
    await bot.say(VILLAGER, "/start")
    await bot.press(VILLAGER, "lang:en")
    [offer] = await bot.press(VILLAGER, "privacy:ok")
    await bot.press(VILLAGER, buttons_of(offer)[0])
    replies = await bot.say(VILLAGER, "sungai kakab")
    assert f"sb:v:{SUNGAI_KAKAP}" in buttons_of(replies[-1])
    replies = await bot.press(VILLAGER, f"sb:v:{SUNGAI_KAKAP}")
    assert EN("subscriptions.subscribed").split("{place}")[0] + "Sungai Kakap" in replies[0]["text"]
    assert await subscription(bot, VILLAGER) == subscriptions.SubscriptionRecord(SUNGAI_KAKAP, "en", True)

    await bot.press(VILLAGER, "menu:check")  # in the middle of something else ...
    replies = await bot.say(VILLAGER, "STOP")  # ... a plain word stops the messages at once
    assert EN("subscriptions.stopped") in replies[0]["text"]
    current = await subscription(bot, VILLAGER)
    assert current is not None and current.active is False
    replies = await bot.say(VILLAGER, "/berhenti")
    assert EN("subscriptions.not_subscribed") in replies[0]["text"]


async def test_menu_shows_status_and_changes_village(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "menu:subscribe")
    await bot.say(VILLAGER, "Entikong")
    await bot.press(VILLAGER, "sb:v:61.03.21.2003")
    replies = await bot.press(VILLAGER, "menu:subscribe")
    assert "Entikong" in replies[0]["text"] and buttons_of(replies[0])[:2] == ["sb:change", "sb:stop"]
    await bot.press(VILLAGER, "sb:change")
    await bot.say(VILLAGER, "sungai kakap")
    await bot.press(VILLAGER, f"sb:v:{SUNGAI_KAKAP}")
    current = await subscription(bot, VILLAGER)
    assert current is not None and current.region_code == SUNGAI_KAKAP and current.language == "id"


async def test_blocked_user_is_unsubscribed_by_the_outbox(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "sb:start")
    await bot.type_village(VILLAGER, SUNGAI_KAKAP, "sb:v:")
    assert bot.service.core is not None and bot.service.sender is not None
    async with bot.service.core.sessions() as session, session.begin():
        await outbox.enqueue(session, "bc:test", "telegram", str(VILLAGER), Reply("pesan"), bot.clock())
    bot.api.block(VILLAGER)
    await bot.drain_outbox()
    current = await subscription(bot, VILLAGER)
    assert current is not None and current.active is False


async def test_audience_by_region_prefix_and_language(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock()
    async with sessions() as session, session.begin():
        for number, (village, language) in enumerate(
            [(SUNGAI_KAKAP, "id"), (SUNGAI_KAKAP, "en"), ("61.12.01.2001", "id"), ("33.01.21.1002", "id")]
        ):
            user, _ = await queries.get_or_create_user(
                session, "telegram", str(number), str(number), "id", clock()
            )
            await subscriptions.subscribe(session, user.id, village, language, clock())
        stopped, _ = await queries.get_or_create_user(session, "telegram", "99", "99", "id", clock())
        await subscriptions.subscribe(session, stopped.id, SUNGAI_KAKAP, "id", clock())
        await subscriptions.unsubscribe(session, stopped.id, clock())
    async with sessions() as session:
        assert (await subscriptions.audience_size(session, "61.12", None)) == 3  # the whole regency
        assert (await subscriptions.audience_size(session, "61.12", "id")) == 2
        assert (await subscriptions.audience_size(session, SUNGAI_KAKAP, None)) == 2  # one village
        assert (await subscriptions.audience_size(session, "61.1", None)) == 0, "codes match whole parts only"
        assert (await subscriptions.audience_size(session, None, None)) == 4  # everyone subscribed
        rows = (await session.execute(select(Subscription.active))).scalars().all()
        assert sorted(rows) == [False, True, True, True, True]


async def test_changing_language_changes_the_broadcast_language(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    await bot.press(VILLAGER, "sb:start")
    await bot.type_village(VILLAGER, SUNGAI_KAKAP, "sb:v:")
    await bot.press(VILLAGER, "menu:language")
    await bot.press(VILLAGER, "lang:en")
    current = await subscription(bot, VILLAGER)
    assert current is not None and current.language == "en"


async def test_an_ad_pasted_where_the_village_is_asked_is_checked(bot: BotHarness) -> None:
    """Onboarding ends by offering alerts; a villager who came to check an ad says yes and pastes
    it at the village prompt. It is checked, not refused as a village name too long, and the
    sign-up is left (nothing subscribed). A long text that is no ad is still refused as a name."""
    ad = (
        "Dicari admin CS online penempatan Kamboja gaji 15 juta tanpa pengalaman, tiket ditanggung, "
        "berangkat minggu depan. Minat hubungi WA 0812-0000-1111"
    )
    for user, pasted in ((VILLAGER, ad), (VILLAGER + 1, ad + "\nMess dan makan gratis. " * 150)):
        await bot.say(user, "/start")
        await bot.press(user, "lang:en")
        [offer] = await bot.press(user, "privacy:ok")
        await bot.press(user, buttons_of(offer)[0])  # yes, send me alerts: "which village?"
        assert len(pasted) < 200 or 3000 < len(pasted) <= 4096  # or longer than max_text_chars
        result, advice = await bot.say(user, pasted)
        assert "HIGH risk" in result["text"] and "Cambodia" in result["text"], result["text"]
        assert "menu:check" in buttons_of(advice)
        assert await subscription(bot, user) is None
    await bot.press(VILLAGER, "menu:main")
    await bot.press(VILLAGER, "menu:subscribe")
    [reply] = await bot.say(VILLAGER, "Sungai Kakap " * 400)  # long, and no ad: still no village name
    assert reply["text"] == EN("errors.village_too_long").format(limit=100)
