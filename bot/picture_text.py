"""Reads the text in a picture: refuses what is too big before decoding it, prepares it with Pillow,
and has Tesseract (through tesserocr) recognise it. Pure and blocking: it runs in the worker
processes of bot/pictures.py (`python -m bot.picture_text`) and in bench/ocr.py.

Kept apart from handlers/ because a worker process imports this module alone: handlers/ loads
every dialogue and the database layer, which a worker never needs."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from tesserocr import PyTessBaseAPI

# Decoders for what messengers send: photos (JPEG), screenshots (PNG), stickers and web images
# (WEBP). Every other format Pillow knows is refused, so its decoder is never exposed to a stranger.
FORMATS = ("JPEG", "PNG", "WEBP")
# Tesseract's own Debian packages, then other common places; TESSDATA_PREFIX and [ocr] tessdata win.
TESSDATA_PLACES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"


class PictureRefused(Exception):
    """The picture is not read; `problem` says why in one word the chat can explain."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5_000_000
    # A 12-megapixel phone photo is 12,000,000: twice that is plenty; a "decompression bomb"
    # (a small file that decodes to gigabytes) states a huge size in its header and is refused there.
    max_pixels: int = 24_000_000
    # Larger pictures are scaled down before recognition: more pixels cost time, not accuracy.
    max_side: int = 2400


@dataclass(frozen=True)
class Steps:
    """Pre-processing, each step switchable so bench/ocr.py can measure what it adds."""

    grey: bool = True
    upscale: bool = True  # small text is enlarged until its lines are about MIN_LINE_PX high
    invert: bool = False  # light text on a dark picture is made dark on light
    contrast: bool = True  # stretch the histogram (autocontrast): pale ink on grey paper
    threshold: bool = False  # adaptive (Sauvola) instead of Tesseract's global Otsu threshold
    deskew: bool = True  # straighten by the angle whose rows separate best


# What bench/ocr.py measured to raise recall on the rendered ads (docs/offers.md, "Pictures of
# ads"). On the hard look of 60 ads (small pale crooked text): deskew 0.972 against 0.806, contrast
# 0.861, grey 0.833 against 0.583 with nothing at all. Over all four looks: enlarging small text
# 1.000 against 0.938 (though it cost one ad of 36 on the hard look alone). Invert changed nothing;
# an adaptive threshold halved recall.
KEPT = Steps()
MIN_LINE_PX = 32
MAX_UPSCALE = 3.0


def tessdata_dir(configured: str = "") -> Path | None:
    """Where the Indonesian and English language data are, or None when they are not installed."""
    candidates = [configured] if configured else [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_PLACES]
    for place in candidates:
        if place and all((Path(place) / f"{lang}.traineddata").is_file() for lang in ("ind", "eng")):
            return Path(place)
    return None


def new_api(tessdata: Path, languages: str = "ind+eng") -> PyTessBaseAPI:
    """One Tesseract instance (about 60 MB with ind+eng): made once per worker, reused per picture."""
    from tesserocr import OEM, PSM, PyTessBaseAPI

    return PyTessBaseAPI(path=str(tessdata), lang=languages, psm=PSM.AUTO, oem=OEM.LSTM_ONLY)


def open_picture(data: bytes, limits: Limits) -> Image.Image:
    """Decodes the picture after checking its size in bytes and, from its header, in pixels."""
    if len(data) > limits.max_bytes:
        raise PictureRefused("too_large")
    # Pillow's own guard, at our limit: it warns above it (made an error here) and refuses at twice.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureRefused("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise PictureRefused("not_a_picture") from exc
    width, height = picture.size
    if width * height > limits.max_pixels or width < 1 or height < 1:
        raise PictureRefused("too_many_pixels")
    if picture.format == "JPEG":
        # JPEG can decode at 1/2, 1/4 or 1/8 size directly: a big photo never fills memory.
        picture.draft("RGB", (limits.max_side, limits.max_side))
    try:
        picture.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PictureRefused("not_a_picture") from exc
    return picture


def prepare(picture: Image.Image, steps: Steps = KEPT, limits: Limits = Limits()) -> Image.Image:
    picture = ImageOps.exif_transpose(picture) or picture  # photos taken sideways
    if picture.mode not in ("RGB", "L"):
        # Transparent screenshots (WEBP, PNG) are put on white, as a viewer shows them.
        background = Image.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, mask=picture.convert("RGBA").getchannel("A"))
        picture = background
    if max(picture.size) > limits.max_side:
        picture.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    if steps.grey or steps.invert or steps.contrast or steps.deskew or steps.upscale:
        picture = picture.convert("L")
    if steps.invert and _mostly_dark(picture):
        picture = ImageOps.invert(picture)
    if steps.contrast:
        picture = ImageOps.autocontrast(picture, cutoff=1)
    if steps.deskew:
        picture = _deskewed(picture)
    if steps.upscale:
        picture = _upscaled(picture, limits)
    return picture


def recognise(api: PyTessBaseAPI, picture: Image.Image, steps: Steps = KEPT) -> str:
    # 0: Otsu over the whole picture (Tesseract's default); 2: Sauvola, window by window.
    api.SetVariable("thresholding_method", "2" if steps.threshold else "0")
    api.SetImage(picture)
    text: str = api.GetUTF8Text()
    api.Clear()
    return tidy(text)


def read_text(api: PyTessBaseAPI, data: bytes, limits: Limits = Limits(), steps: Steps = KEPT) -> str:
    """The text in the picture, or PictureRefused."""
    return recognise(api, prepare(open_picture(data, limits), steps, limits), steps)


def tidy(text: str) -> str:
    """Tesseract's output without empty lines and trailing spaces, one space between words."""
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# --- pre-processing steps ----------------------------------------------------------------------


def _mostly_dark(picture: Image.Image) -> bool:
    histogram = picture.histogram()
    dark = sum(histogram[:128])
    return dark > sum(histogram[128:])


def _ink_rows(picture: Image.Image) -> list[int]:
    """For each row of a small copy, how many of its pixels are ink (darker than the paper, or
    lighter on a dark picture)."""
    small = picture.copy()
    small.thumbnail((600, 600))
    pixels = numpy.asarray(small, dtype=numpy.float32)
    mean = float(pixels.mean())
    ink = pixels < mean * 0.75 if mean >= 128 else pixels > mean + (255 - mean) * 0.25
    return [int(n) for n in ink.sum(axis=1)]


def _line_height(picture: Image.Image) -> float | None:
    """The median height of text lines, from runs of rows with ink (scaled back to full size)."""
    rows = _ink_rows(picture)
    scale = max(picture.size) / max(min(600, max(picture.size)), 1)
    widest = max(rows, default=0)
    runs, run = [], 0
    for count in rows:
        if count > widest * 0.02 and count > 0:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    runs = [r for r in runs if r >= 2]
    if not runs:
        return None
    runs.sort()
    return runs[len(runs) // 2] * scale


def _upscaled(picture: Image.Image, limits: Limits) -> Image.Image:
    height = _line_height(picture)
    if not height or height >= MIN_LINE_PX:
        return picture
    factor = min(MIN_LINE_PX / height, MAX_UPSCALE, limits.max_side * 1.5 / max(picture.size))
    if factor <= 1.1:
        return picture
    size = (round(picture.width * factor), round(picture.height * factor))
    return picture.resize(size, Image.Resampling.LANCZOS)


def _deskewed(picture: Image.Image) -> Image.Image:
    """Tries angles up to 3 degrees on a small copy; keeps the one whose row profile is sharpest."""
    small = picture.copy()
    small.thumbnail((500, 500))

    def sharpness(angle: float) -> float:
        rows = _ink_rows(small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255, expand=False))
        return float(numpy.square(numpy.diff(rows)).sum())

    # Straight unless another angle is clearly sharper: a blank or uniform picture stays as it is.
    best_angle, best_score = 0.0, sharpness(0.0) * 1.02
    for tenths in range(-30, 31, 5):
        angle = tenths / 10
        score = sharpness(angle) if angle else 0.0
        if score > best_score:
            best_angle, best_score = angle, score
    if best_angle == 0.0:
        return picture
    return picture.rotate(best_angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


# --- worker process (bot/pictures.py starts `python -m bot.picture_text ...`) ----------------------


def serve(source: BinaryIO, sink: BinaryIO, api: PyTessBaseAPI, limits: Limits) -> None:
    """Pictures in, {"text", "problem", "cpu"} out, each framed by its length (4 bytes, big-endian)."""
    while True:
        header = source.read(4)
        if len(header) < 4:
            return  # the bot closed our input: stop
        data = source.read(int.from_bytes(header, "big"))
        started = time.process_time()
        try:
            text, problem = read_text(api, data, limits), ""
        except PictureRefused as refused:
            text, problem = "", refused.problem
        except Exception:  # a decoder's or Tesseract's failure on this picture: say so, carry on
            text, problem = "", "not_readable"
        answer = json.dumps({"text": text, "problem": problem, "cpu": time.process_time() - started}).encode()
        sink.write(len(answer).to_bytes(4, "big") + answer)
        sink.flush()


def _worker_main(arguments: list[str]) -> None:
    tessdata, languages, max_bytes, max_pixels, max_side = arguments
    # The answers go through the original stdout; anything a library prints goes to stderr.
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    limits = Limits(int(max_bytes), int(max_pixels), int(max_side))
    serve(sys.stdin.buffer, sink, new_api(Path(tessdata), languages), limits)


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
