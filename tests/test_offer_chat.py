"""Checking a job ad in the chat (over the fake Bot API) and with `sigap check-offer`."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from db.models import OfferCheck
from tests.harness import BotHarness, buttons_of, sigap_command

ALICE = 601
SCAM_AD = (
    "🔥LOWKER ADMIN ONLINE🔥 di Sihanoukville, gaji 15jt/bln TNPA PENGALAMAN, tiket ditanggung, "
    "pakai visa turis dulu. Berangkat minggu ini! WA +855 12 555 000"
)


async def test_a_pasted_ad_gets_risk_reasons_and_next_steps(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    result, advice = await bot.say(ALICE, SCAM_AD)  # no menu needed: any long message is checked
    assert "risiko TINGGI" in result["text"]
    assert "TNPA PENGALAMAN" in result["text"], "the ad's own words are quoted"
    # "No experience" is told once, inside "too good to be true", to keep the answer short.
    assert "terlalu bagus" in result["text"] and "tidak masuk akal" not in result["text"]
    assert "Kamboja" in result["text"] and "Rp 15.000.000" in result["text"]
    assert "+85512555000 (Kamboja)" in result["text"]
    assert "Disnaker" in advice["text"] and "110" in advice["text"]
    assert buttons_of(advice)[:2] == ["menu:check", "menu:report"]

    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        row = (await session.execute(select(OfferCheck))).scalar_one()
        columns = set(OfferCheck.__table__.columns.keys())
    assert (row.risk, row.destination) == ("high", "KH") and "tourist_visa" in row.flags["raised"]
    assert not {"text", "user_id", "chat_id"} & columns, "the ad and its sender are not kept"


async def test_from_the_menu_in_english_and_too_short(bot: BotHarness) -> None:
    await bot.onboard(ALICE, language="en")
    [ask] = await bot.press(ALICE, "menu:ad")
    assert "Paste or forward" in ask["text"]
    [ask_again] = await bot.say(ALICE, "job ad")  # the typed keyword leads to the same place
    assert ask_again["text"] == ask["text"]
    [short] = await bot.say(ALICE, "admin job")
    assert "too short" in short["text"]
    legit = (
        "Dibutuhkan kasir toko di Pontianak, gaji Rp3.200.000, BPJS, interview di kantor "
        "Jl. Gajah Mada 12. Hub 0561-555-0187"
    )
    result, _ = await bot.say(ALICE, legit)
    assert "LOW risk" in result["text"] and "Danger signs" not in result["text"]
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(OfferCheck))).scalar_one() == 1


def test_check_offer_command_prints_json(cli_database: Path) -> None:
    done = sigap_command("check-offer", "--json", "--language", "en", sqlite_path=cli_database, stdin=SCAM_AD)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["risk"] == "high" and isinstance(result["score"], int)
    codes = {flag["code"] for flag in result["flags"]}
    assert {"scam_hub", "tourist_visa", "no_experience", "scam_hub_phone"} <= codes
    tourist = next(f for f in result["flags"] if f["code"] == "tourist_visa")
    assert tourist["evidence"] == "visa turis" and "tourist or visit visa" in tourist["explanation"]
    entities = result["entities"]
    assert entities["destination"] == "KH"
    assert entities["salary"] == {
        "amount": 15000000.0,
        "currency": "IDR",
        "per_day": False,
        "monthly_idr": 15000000,
        "text": "15jt",
    }
    assert entities["phones"] == [{"number": "+85512555000", "country": "KH"}]
    assert entities["channels"] == ["whatsapp"]
    assert result["register"] == [], "the ad names no company"


async def test_a_check_counts_for_the_users_village_on_its_local_day_with_red_flags_only(
    bot: BotHarness,
) -> None:
    from datetime import UTC, date, datetime

    sentani_kota = "91.03.01.1001"  # Kabupaten Jayapura, WIT (UTC+9)
    await bot.onboard(ALICE)
    await bot.press(ALICE, f"sb:v:{sentani_kota}")  # subscribing says where the user lives
    bot.clock.now = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # Monday 05:00 WIT, Sunday in UTC
    await bot.say(ALICE, SCAM_AD + " Ada kontrak kerja dan BPJS.")  # and one sign of the legal route
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        row = (await session.execute(select(OfferCheck))).scalar_one()
    assert (row.region_code, row.checked_on) == (sentani_kota, date(2026, 11, 23))
    assert "tourist_visa" in row.flags["raised"] and "official_process" not in row.flags["raised"]
