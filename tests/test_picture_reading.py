"""Reading a picture's text (bot/picture_text.py) and the worker pool around it (bot/pictures.py):
the limits refuse before decoding, the time limit kills the work, a full queue says "busy"."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from bot.config import OcrSettings
from bot.picture_text import Limits, PictureRefused, open_picture, prepare
from bot.pictures import PictureReader, tesseract_status
from handlers.offers.picture import first_lines
from tests.ad_pictures import Style, render

AD = (Path(__file__).parent / "data" / "job_ads" / "001_scam_id.txt").read_text().partition("\n---\n")[2]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with one tiny compressed row: a pixel bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_limits_refuse_before_decoding() -> None:
    limits = Limits(max_bytes=200_000, max_pixels=4_000_000)
    with pytest.raises(PictureRefused, match=r"^too_large$") as refused:
        open_picture(b"\xff\xd8" + b"\0" * 200_000, limits)
    assert refused.value.problem == "too_large"
    bomb = png_header_only(50_000, 50_000)  # 2.5 gigapixels in 100 bytes
    assert len(bomb) < 200
    with pytest.raises(PictureRefused, match=r"^too_many_pixels$") as refused:
        open_picture(bomb, limits)
    assert refused.value.problem == "too_many_pixels"
    with pytest.raises(PictureRefused, match=r"^too_many_pixels$") as refused:
        open_picture(png_header_only(2001, 2000), limits)  # just over the limit, from the header
    assert refused.value.problem == "too_many_pixels"
    for not_a_picture in (b"just some words", b"%PDF-1.4\n", _as(AD, "BMP"), _as(AD, "TIFF")):
        with pytest.raises(PictureRefused, match=r"^not_a_picture$") as refused:
            open_picture(not_a_picture, limits)
        assert refused.value.problem == "not_a_picture", not_a_picture[:8]


def test_a_large_photo_is_decoded_small() -> None:
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (255, 255, 255)).save(big, "JPEG")
    picture = open_picture(big.getvalue(), Limits(max_side=1200))
    assert max(picture.size) <= 2000, "JPEG decoded at a fraction of its size"
    assert max(prepare(picture, limits=Limits(max_side=1200)).size) <= 1200


def _as(text: str, kind: str) -> bytes:
    """A real picture in a format Sigap does not decode."""
    out = io.BytesIO()
    Image.open(io.BytesIO(render(text[:40], Style(size=12, width=200)))).save(out, kind)
    return out.getvalue()


def test_first_lines_are_short() -> None:
    shown = first_lines("LOKER KAMBOJA\n\n" + "x" * 200 + "\nthird\nfourth")
    assert shown.splitlines() == ["› LOKER KAMBOJA", "› " + "x" * 69 + "…", "› third"]


async def test_the_pool_reads_kills_on_time_limit_and_turns_away_beyond_the_queue(tesseract: None) -> None:
    picture = render(AD, Style(layout="screenshot", size=24))
    reader = PictureReader(OcrSettings(workers=1, max_waiting=0))
    try:
        first, second = await asyncio.gather(reader.read_bytes(picture), reader.read_bytes(picture))
        assert "PHNOM PENH" in first.text and not first.problem
        assert second.problem == "busy", "no room to wait: answered at once"
        [worker] = reader._workers
        assert worker.alive, "the worker stays for the next picture"
    finally:
        await reader.close()
    assert not worker.alive, "closed with the reader"

    hurried = PictureReader(OcrSettings(workers=1, timeout_seconds=0.01))
    try:
        assert (await hurried.read_bytes(picture)).problem == "timeout"
        [killed] = hurried._workers
        await asyncio.wait_for(killed._process.wait(), 10)
        assert not killed.alive, "the work is killed, not only the waiting"
        assert (await hurried.read_bytes(b"not a picture")).problem in ("timeout", "not_a_picture")
    finally:
        await hurried.close()


async def test_without_the_language_data_nothing_is_read(tmp_path: Path) -> None:
    settings = OcrSettings(tessdata=str(tmp_path))
    status = tesseract_status(settings)
    assert not status.ready and "tesseract-ocr-ind" in status.fix
    reader = PictureReader(settings)
    assert (await reader.read_bytes(b"\xff\xd8 anything")).problem == "unavailable"
    assert reader._workers == [], "no worker started"
