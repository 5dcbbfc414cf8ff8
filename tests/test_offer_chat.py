"""Checking a job ad in the chat (over the fake Bot API) and with `sigap check-offer`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from db import agencies
from db.models import OfferCheck
from tests.harness import BotHarness, buttons_of, sigap_command

ALICE = 601
SCAM_AD = (
    "🔥LOWKER ADMIN ONLINE🔥 di Sihanoukville, gaji 15jt/bln TNPA PENGALAMAN, tiket ditanggung, "
    "pakai visa turis dulu. Berangkat minggu ini! WA +855 12 555 000"
)


async def test_a_pasted_ad_gets_risk_reasons_and_next_steps(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    result, advice = await bot.say(ALICE, SCAM_AD)  # no menu needed: a message like an ad is checked
    assert "risiko TINGGI" in result["text"]
    assert "TNPA PENGALAMAN" in result["text"], "the ad's own words are quoted"
    # High pay is told once, inside "too good to be true", to keep the answer short.
    assert "terlalu bagus" in result["text"] and "adalah umpan" not in result["text"]
    assert "Kamboja" in result["text"] and "Rp15.000.000" in result["text"], "EYD: no space after Rp"
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
    assert {"scam_hub", "tourist_visa", "too_good_to_be_true", "scam_hub_phone"} <= codes
    tourist = next(f for f in result["flags"] if f["code"] == "tourist_visa")
    assert tourist["evidence"] == "visa turis" and "tourist, visit" in tourist["explanation"]
    entities = result["entities"]
    assert entities["destination"] == "KH"
    assert entities["salary"] == {
        "amount": 15000000.0,
        "currency": "IDR",
        "period": "month",
        "per_day": False,
        "monthly_idr": 15000000,
        "text": "15jt/bln",
    }
    assert entities["pay_check"]["place"] == "Cambodia" and entities["pay_check"]["high"] is True
    assert entities["phones"] == [{"number": "+85512555000", "country": "KH"}]
    assert entities["channels"] == ["whatsapp"]
    assert result["register"] == [], "the ad names no company"


async def test_a_check_counts_for_the_users_village_on_its_local_day_with_red_flags_only(
    bot: BotHarness,
) -> None:
    from datetime import UTC, date, datetime

    sentani_kota = "91.03.01.1001"  # Kabupaten Jayapura, WIT (UTC+9)
    await bot.onboard(ALICE)
    await bot.press(ALICE, "sb:start")
    await bot.type_village(ALICE, sentani_kota, "sb:v:")  # subscribing says where the user lives
    bot.clock.now = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # Monday 05:00 WIT, Sunday in UTC
    await bot.say(ALICE, SCAM_AD + " Ada kontrak kerja dan BPJS.")  # and one sign of the legal route
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session:
        row = (await session.execute(select(OfferCheck))).scalar_one()
    assert (row.region_code, row.checked_on) == (sentani_kota, date(2026, 11, 23))
    assert "tourist_visa" in row.flags["raised"] and "official_process" not in row.flags["raised"]


async def test_a_short_ad_pasted_at_the_menu_is_checked_at_once(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    short = "Loker admin Kamboja gaji 15jt, WA 0812-0000-1111"  # 48 characters
    result, advice = await bot.say(ALICE, short)
    assert "risiko TINGGI" in result["text"] and "Kamboja" in result["text"]
    assert buttons_of(advice)[:2] == ["menu:check", "menu:report"]
    [*_, menu] = await bot.say(ALICE, "halo apa kabar")  # a chat message is not taken for an ad
    assert "risiko" not in menu["text"]
    [*_, worried] = await bot.say(ALICE, "anak saya kerja di Malaysia tidak ada kabar")
    assert "risiko" not in worried["text"], "a worried parent gets the menu, not an ad check"


async def test_a_very_long_ad_pasted_at_the_menu_is_checked_not_refused(bot: BotHarness) -> None:
    await bot.onboard(ALICE)
    long_ad = SCAM_AD + "\n" + "Fasilitas lengkap, mess nyaman, makan tiga kali sehari. " * 65
    assert 3000 < len(long_ad) <= 4096  # longer than [conversation] max_text_chars, as Telegram allows
    result, _ = await bot.say(ALICE, long_ad)
    assert "risiko TINGGI" in result["text"] and "terlalu panjang" not in result["text"]


async def test_work_abroad_without_evidence_is_medium_and_with_the_register_low(bot: BotHarness) -> None:
    ad = "Lowongan operator pabrik di Taiwan, gaji NT$ 29.500, kontrak 3 tahun. Penempatan oleh {company}."
    await bot.onboard(ALICE)
    result, advice = await bot.say(ALICE, ad.format(company="PT CONTOH Sejahtera Penempatan"))
    assert "risiko SEDANG" in result["text"] and "SISKOP2MI" in result["text"]
    assert "Kami belum punya daftar perusahaan penempatan resmi (P3MI)" in advice["text"]
    assert bot.service.core is not None
    async with bot.service.core.sessions() as session, session.begin():
        rows = agencies.read_register(
            Path(__file__).parent.parent / "docs" / "samples" / "p3mi_register_SAMPLE.csv"
        )
        await agencies.replace_register(session, rows, date(2026, 11, 1))
    result, advice = await bot.say(ALICE, ad.format(company="PT CONTOH Sejahtera Penempatan"))
    assert "risiko RENDAH" in result["text"] and "jalur resmi" in result["text"]
    assert "Tidak ditemukan tanda bahaya" not in result["text"]
    assert "ada di daftar perusahaan penempatan resmi" in advice["text"]
    result, _ = await bot.say(ALICE, ad.format(company="PT Tidak Ada Di Daftar"))
    assert "risiko SEDANG" in result["text"]


def test_check_offer_with_no_ad_exits_2(cli_database: Path) -> None:
    for empty in ("", "  \n\t \n"):
        done = sigap_command("check-offer", sqlite_path=cli_database, stdin=empty)
        assert done.returncode == 2 and "no ad to check" in done.stderr and done.stdout == ""
