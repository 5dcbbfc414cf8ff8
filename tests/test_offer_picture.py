"""Checking a job ad sent as a picture, end to end: a Telegram photo and an image document over the
fake Bot API, a WhatsApp image over the fake Graph API, a file path in the console demo; the
picture is read, analysed like a pasted ad, and kept nowhere; without Tesseract the bot says so."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.config import OcrSettings
from db.models import OfferCheck, StoredMedia
from ground.i18n import Content, default_content_dir
from tests.ad_pictures import Style, render
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.telegram_api import FakeBotAPI
from tests.harness import BotHarness, FakeClock, sigap_command, start_harness_with, stop_harness
from tests.harness import test_settings as telegram_settings
from tests.telegram_updates import text_update
from tests.whatsapp_harness import TOKEN as WHATSAPP_TOKEN
from tests.whatsapp_harness import WhatsAppHarness, start_whatsapp_harness, stop_whatsapp_harness, webhook

ALICE = 701
ADS = Path(__file__).parent / "data" / "job_ads"
SCAM_AD = (ADS / "001_scam_id.txt").read_text().partition("\n---\n")[2]
# Words of the ad that must never reach the database or the logs once the picture was read.
AD_WORDS = ("PHNOM", "ngetik", "DITANGGUNG")


@pytest.fixture(scope="module")
def screenshot() -> bytes:
    return render(SCAM_AD, Style(layout="screenshot", size=24))


@pytest.fixture(scope="module")
def flyer_png() -> bytes:
    """The ad as a flyer, sent as a PNG file (an image document)."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(render(SCAM_AD, Style(layout="flyer", size=28, width=1080, rotation=1.0)))).save(
        out, "PNG"
    )
    return out.getvalue()


def photo_update(user_id: int, file_id: str, size: int, caption: str = "") -> dict[str, Any]:
    update = text_update(user_id, "")
    message = update["message"]
    del message["text"]
    message["photo"] = [
        {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 60},
        {"file_id": file_id, "file_unique_id": "b", "width": 720, "height": 480, "file_size": size},
    ]
    if caption:
        message["caption"] = caption
    return update


def document_update(user_id: int, file_id: str, size: int, mime: str = "image/png") -> dict[str, Any]:
    update = text_update(user_id, "")
    message = update["message"]
    del message["text"]
    message["document"] = {
        "file_id": file_id,
        "file_unique_id": "d",
        "file_name": "iklan.png",
        "mime_type": mime,
        "file_size": size,
    }
    return update


async def send(bot: BotHarness, update: dict[str, Any]) -> list[dict[str, Any]]:
    """Posts a picture update; the webhook answers at once and the reading happens after."""
    before, checks = len(bot.api.sent(ALICE)), await count(bot, OfferCheck)
    assert await bot.post(update) == 200
    # Read after the answer: a picture read inside the request would have been checked (and
    # recorded) before the 200.
    assert await count(bot, OfferCheck) == checks, "the webhook answered before the picture was read"
    await bot.settled()
    return bot.api.sent(ALICE)[before:]


async def count(harness: BotHarness | WhatsAppHarness, model: Any) -> int:
    assert harness.service.core is not None
    async with harness.service.core.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def assert_read_and_rated_high(replies: list[dict[str, Any]]) -> None:
    result = "\n".join(reply["text"] for reply in replies)
    assert "baca dari gambar" in replies[0]["text"], "the answer says the text came from a picture"
    assert "› LOKER KAMBOJA" in replies[0]["text"], "the first lines read are shown"
    assert "risiko TINGGI" in result
    assert "Kamboja" in result and "+855965550142" in result.replace(" ", "")
    assert "Disnaker" in result, "then the advice, as for a pasted ad"


async def test_a_photo_and_an_image_file_at_the_menu_are_read_and_checked(
    tesseract: None, bot: BotHarness, screenshot: bytes, flyer_png: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.onboard(ALICE)
    bot.api.add_file("AD-PHOTO", screenshot)
    bot.api.add_file("AD-FLYER", flyer_png)
    caplog.set_level(logging.DEBUG)

    assert_read_and_rated_high(await send(bot, photo_update(ALICE, "AD-PHOTO", len(screenshot))))
    assert [call.params["file_id"] for call in bot.api.calls_to("getfile")] == ["AD-PHOTO"], (
        "the largest size"
    )
    assert_read_and_rated_high(await send(bot, document_update(ALICE, "AD-FLYER", len(flyer_png))))

    assert await count(bot, OfferCheck) == 2, "counted like pasted ads"
    assert await count(bot, StoredMedia) == 0, "the pictures are not kept"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"picture of {len(screenshot)} bytes read in" in logged, "sizes and timings are logged"
    assert not any(word.lower() in logged.lower() for word in AD_WORDS), "never what was read"
    database = bot.service.core.settings.database_url_value() if bot.service.core else ""
    if database.startswith("sqlite"):
        stored = b"".join(
            path.read_bytes() for path in Path(database.split("///", 1)[1]).parent.glob("sigap.db*")
        )
        assert not any(word.encode() in stored for word in AD_WORDS), "nothing read reached the database file"


async def test_in_the_ad_check_a_blank_picture_asks_for_the_text(tesseract: None, bot: BotHarness) -> None:
    from PIL import Image

    await bot.onboard(ALICE)
    [ask] = await bot.press(ALICE, "menu:ad")
    assert "gambar" in ask["text"].lower(), "the ask mentions pictures where they can be read"
    blank = io.BytesIO()
    Image.new("RGB", (600, 400), (250, 250, 250)).save(blank, "JPEG")
    bot.api.add_file("BLANK", blank.getvalue())
    [answer] = await send(bot, photo_update(ALICE, "BLANK", len(blank.getvalue())))
    assert "salin (copy) teks iklannya" in answer["text"].lower()
    replies = await bot.say(ALICE, "LOKER KAMBOJA gaji 15jt tnpa pengalaman WA +855 12 555 000")
    assert "risiko TINGGI" in replies[0]["text"], "the text pasted next is checked"


async def test_limits_a_too_large_file_and_a_file_that_is_no_picture(
    tesseract: None, database_url: str, fake_api: FakeBotAPI, screenshot: bytes
) -> None:
    settings = telegram_settings(database_url, fake_api.base_url)
    settings.ocr = OcrSettings(max_bytes=len(screenshot) - 1)
    bot = await start_harness_with(settings, fake_api, FakeClock())
    try:
        await bot.onboard(ALICE)
        fake_api.add_file("BIG", screenshot)
        fake_api.add_file("FAKE", b"%PDF-1.4 not a picture at all")
        [too_large] = await send(bot, document_update(ALICE, "BIG", len(screenshot), mime="image/jpeg"))
        assert "terlalu besar" in too_large["text"]
        assert fake_api.downloads == [], "refused on the size getFile gave, before downloading"
        [no_picture] = await send(bot, document_update(ALICE, "FAKE", 30))
        assert "bukan gambar" in no_picture["text"]
        [pdf] = await send(bot, document_update(ALICE, "FAKE", 30, mime="application/pdf"))
        unsupported = Content.load(default_content_dir(), "id").texts("id")("errors.unsupported")
        assert pdf["text"].startswith(unsupported), "other files stay unsupported"
    finally:
        await stop_harness(bot)


async def test_without_tesseract_the_bot_starts_and_says_pictures_cannot_be_read(
    database_url: str, fake_api: FakeBotAPI, screenshot: bytes, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, fake_api.base_url)
    settings.ocr = OcrSettings(tessdata=str(tmp_path))  # a folder without the language data
    bot = await start_harness_with(settings, fake_api, FakeClock())
    try:
        await bot.onboard(ALICE)
        [ask] = await bot.press(ALICE, "menu:ad")
        assert "gambar" not in ask["text"].lower(), "pictures are not offered where they cannot be read"
        fake_api.add_file("AD-PHOTO", screenshot)
        [answer] = await send(bot, photo_update(ALICE, "AD-PHOTO", len(screenshot)))
        assert "gambar belum bisa dibaca" in answer["text"] and "salin (copy) teks" in answer["text"].lower()
        assert not fake_api.calls_to("getfile"), "nothing downloaded that cannot be read"
    finally:
        await stop_harness(bot)


@pytest.fixture
async def graph_api() -> AsyncIterator[FakeGraphAPI]:
    api = FakeGraphAPI(token=WHATSAPP_TOKEN)
    await api.start()
    yield api
    await api.stop()


async def test_a_whatsapp_image_is_read_and_not_kept(
    tesseract: None, database_url: str, graph_api: FakeGraphAPI, screenshot: bytes
) -> None:
    wa = await start_whatsapp_harness(database_url, graph_api)
    try:
        user = "6281100000901"
        await wa.onboard(user)
        graph_api.add_media("AD-IMAGE", screenshot, "image/jpeg")
        image = {"id": "AD-IMAGE", "mime_type": "image/jpeg", "sha256": "x"}
        before = len(graph_api.sent(user))
        assert await wa.post(webhook(wa.message(user, "image", image))) == 200
        assert await count(wa, OfferCheck) == 0, "the webhook answered before the picture was read"
        await wa.service.channels["whatsapp"].idle()
        replies = graph_api.sent(user)[before:]
        assert_read_and_rated_high(replies)
        assert await count(wa, StoredMedia) == 0, "downloaded for the reading, then dropped"
        assert await count(wa, OfferCheck) == 1
    finally:
        await stop_whatsapp_harness(wa)


def test_console_demo_takes_a_file_path_as_a_picture(
    tesseract: None, tmp_path: Path, screenshot: bytes
) -> None:
    from tests.test_console_demo import run_demo

    picture = tmp_path / "iklan lowongan.jpg"
    picture.write_bytes(screenshot)
    # Language 1, privacy 1, awareness offer 2 (later), then the picture's path at the menu.
    output = run_demo(tmp_path / "demo.db", ["1", "1", "2", f"'{picture}'"])
    assert "baca dari gambar" in output and "› LOKER KAMBOJA" in output
    assert "risiko TINGGI" in output


def test_check_offer_reads_a_picture(
    tesseract: None, cli_database: Path, tmp_path: Path, flyer_png: bytes
) -> None:
    picture = tmp_path / "flyer.png"
    picture.write_bytes(flyer_png)
    done = sigap_command("check-offer", "--image", str(picture), "--json", sqlite_path=cli_database)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["risk"] == "high" and "tourist_visa" in {flag["code"] for flag in result["flags"]}
    assert "PHNOM PENH" in result["ocr_text"]
    done = sigap_command("check-offer", "--image", str(picture), "--language", "en", sqlite_path=cli_database)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("📷 I read this text from your picture") and "HIGH" in done.stdout
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("just words")
    done = sigap_command("check-offer", "--image", str(not_a_picture), sqlite_path=cli_database)
    assert done.returncode == 2 and "not a picture" in done.stderr


def test_without_tesseract_the_cli_and_the_start_up_log_say_what_to_install(
    cli_database: Path, tmp_path: Path
) -> None:
    empty = {"SIGAP_OCR__TESSDATA": str(tmp_path)}
    done = sigap_command("check-offer", "--image", str(tmp_path), sqlite_path=cli_database, env=empty)
    assert done.returncode == 2
    assert "pictures cannot be read here" in done.stderr and "tesseract-ocr-ind" in done.stderr
    # `sigap run` without a token stops at once, after its line about pictures.
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", "config.toml", "run"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={"PATH": os.environ.get("PATH", ""), **empty},
        timeout=120,
    )
    assert run.returncode == 2
    assert "pictures of job ads cannot be read" in run.stderr
    assert "apt-get install -y tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng" in run.stderr
