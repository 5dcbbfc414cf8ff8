"""Long texts arrive whole, in as many messages as the platforms need (issue 14, item 15): /dataku
after six reports with long answers (over 8,000 characters) comes as several messages within the
limits of both platforms (Telegram 4,096; WhatsApp text 4,096, a message with buttons 1,024),
nothing cut off; and any reply too long for one message is split by the adapters too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram import TelegramChannel
from bot.delivery import RetryPolicy
from db import cases, queries
from ground.messages import Button, Reply, split_text, text_length
from tests.harness import TOKEN, BotHarness, buttons_of
from tests.test_whatsapp_e2e import graph_api, wa  # noqa: F401 (fixtures)
from tests.whatsapp_harness import WhatsAppHarness

SUNGAI_KAKAP = "61.12.09.2001"
VILLAGER, WA_VILLAGER = 2001, "6281100002001"


def long_answers(n: int) -> dict[str, str]:
    """Answers as long as the form takes them, each ending in a marker to find it whole."""
    return {
        "person_name": ("Siti Aminah binti Abdullah " * 4)[:95] + f" N{n}",
        "destination": ("Kamboja, Sihanoukville, kompleks kasino " * 3)[:95] + f" D{n}",
        "promised": ("Kerja admin online, gaji 15 juta, tiket dan visa ditanggung agen. " * 8)[:490]
        + f" P{n}",
        "recruiter_name": ("Pak Budi dari PT Maju Jaya Sentosa " * 3)[:95] + f" R{n}",
        "social_media": ("facebook.com/lowongan.kerja.luar.negeri.resmi " * 5)[:190] + f" S{n}",
        "age": "19",
        "sex": "female",
        "home_village": SUNGAI_KAKAP,
    }


async def six_reports(core: Any, channel: str, external_id: str, now: Any) -> list[str]:
    async with core.sessions() as session, session.begin():
        user = await queries.find_user(session, channel, external_id)
        assert user is not None
        references = []
        for n in range(6):
            case = await cases.create_case(
                session,
                kind="missing",
                village_code=SUNGAI_KAKAP,
                reporter_user_id=user.id,
                verified_source=False,
                contact_allowed=True,
                details=long_answers(n),
                now=now,
                ack_deadline=now + timedelta(hours=2),
            )
            references.append(case.reference)
    return references


def assert_whole(texts: list[str], references: list[str]) -> None:
    everything = "\n".join(texts)
    assert len(everything) > 8000
    for n, reference in enumerate(references):
        assert reference in everything
        for field in ("person_name", "destination", "promised", "recruiter_name", "social_media"):
            assert long_answers(n)[field] in everything, "nothing is cut off"


async def test_dataku_after_six_long_reports_on_telegram(bot: BotHarness) -> None:
    await bot.onboard(VILLAGER)
    references = await six_reports(bot.service.core, "telegram", str(VILLAGER), bot.clock())
    replies = await bot.say(VILLAGER, "/dataku")
    assert bot.api.refused == [], "Telegram refused nothing"
    assert len(replies) >= 3 and all(text_length(r["text"]) <= 4096 for r in replies)
    assert_whole([r["text"] for r in replies], references)
    assert buttons_of(replies[-1]) == ["dx:ask", "menu:main"] and text_length(replies[-1]["text"]) <= 1024
    assert all(buttons_of(r) == [] for r in replies[:-1])


async def test_dataku_after_six_long_reports_on_whatsapp(wa: WhatsAppHarness) -> None:  # noqa: F811
    await wa.onboard(WA_VILLAGER)
    references = await six_reports(wa.service.core, "whatsapp", WA_VILLAGER, wa.clock())
    replies = await wa.say(WA_VILLAGER, "/dataku")
    assert wa.api.refused == [], "WhatsApp refused nothing"
    assert len(replies) >= 3
    for reply in replies:
        limit = 1024 if reply["kind"] in ("button", "list") else 4096
        assert len(reply["text"]) <= limit
    assert_whole([r["text"] for r in replies], references)
    assert replies[-1]["buttons"] == ["dx:ask", "menu:main"]


async def test_a_reply_longer_than_a_message_is_sent_whole_by_the_telegram_adapter(fake_api: Any) -> None:
    fake_api.open_chat(2002)
    channel = TelegramChannel(TOKEN, fake_api.base_url, None, RetryPolicy(max_attempts=1))  # type: ignore[arg-type]
    paragraphs = [f"Paragraf {n}: " + ("kata " * 150).strip() for n in range(20)]
    text = "\n\n".join(paragraphs)
    try:
        await channel.send("2002", Reply(text, ((Button("OK", "menu:main"),),)))
        long_text = fake_api.sent(2002)
        await channel.send("2002", Reply(text[:3000], photo="PHOTO-ID"))
        with_photo = fake_api.sent(2002)[len(long_text) :]
    finally:
        await channel.close()
    assert fake_api.refused == []
    assert len(long_text) >= 3 and [buttons_of(m) for m in long_text][-1] == ["menu:main"]
    assert all(buttons_of(m) == [] for m in long_text[:-1]), "the buttons come with the last part"
    assert all(paragraph in "\n\n".join(m["text"] for m in long_text) for paragraph in paragraphs)
    picture, *rest = with_photo
    assert "photo" in picture and text_length(picture["caption"]) <= 1024 and rest
    assert "".join((picture["caption"] + "".join(m["text"] for m in rest)).split()) == "".join(
        text[:3000].split()
    )


@given(st.text(), st.integers(min_value=20, max_value=200))
def test_split_text_keeps_everything_within_the_limit(text: str, limit: int) -> None:
    pieces = split_text(text, limit, first=limit // 2)
    assert all(text_length(piece) <= limit for piece in pieces)
    assert text_length(pieces[0]) <= limit // 2
    squeeze = "".join(text.split())
    assert "".join("".join(pieces).split()) == squeeze, "only whitespace at the cuts is dropped"
