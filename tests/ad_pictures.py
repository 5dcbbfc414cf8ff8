"""Renders job ads as the pictures villagers forward: screenshots, group posts, flyers and photos of
posters, in several fonts, sizes, colours and backgrounds, with emoji, noise, a slight rotation
and the JPEG compression of a forwarded WhatsApp image. Used by the tests and by bench/ocr.py."""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# matplotlib ships these fonts (DejaVu: Bitstream Vera licence; STIX: SIL OFL), so every machine
# that installs Sigap's dependencies renders the same pictures.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONTS = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "mono": "DejaVuSansMono.ttf",
    "stix": "STIXGeneral.ttf",
    "sans-oblique": "DejaVuSans-Oblique.ttf",
}
LAYOUTS = ("screenshot", "post", "flyer", "poster_photo")
EMOJI_COLOURS = ((250, 200, 40), (230, 60, 60), (60, 170, 80), (40, 120, 220), (240, 140, 30))


@dataclass(frozen=True)
class Style:
    layout: str = "screenshot"
    font: str = "sans"
    size: int = 22  # text height in pixels, before the messenger's downscaling
    width: int = 720  # a phone screenshot; flyers are wider
    ink: tuple[int, int, int] = (20, 20, 20)
    paper: tuple[int, int, int] = (255, 255, 255)
    gradient: bool = False
    noise: float = 0.0  # standard deviation of grey noise, 0-255
    rotation: float = 0.0  # degrees
    jpeg_quality: int = 75  # WhatsApp sends images at about 70-80
    max_side: int = 1600  # WhatsApp scales images to at most 1600 px, Telegram photos to 1280

    @property
    def name(self) -> str:
        return f"{self.layout}/{self.font}/{self.size}px"


def styles_for(index: int) -> list[Style]:
    """Four different-looking pictures of ad number `index`, drawn with a fixed seed: a
    screenshot, a group post, a flyer or a photo of a poster, and a hard one."""
    rng = random.Random(index)
    font = rng.choice(list(FONTS))
    dark_paper = rng.random() < 0.25
    ink = (240, 240, 240) if dark_paper else rng.choice([(20, 20, 20), (40, 40, 120), (120, 20, 20)])
    paper = (
        rng.choice([(20, 40, 90), (90, 20, 30)])
        if dark_paper
        else rng.choice([(255, 255, 255), (250, 246, 225), (235, 245, 255)])
    )
    return [
        Style(
            layout="screenshot",
            font=font,
            size=rng.choice([18, 20, 24, 28]),
            ink=ink,
            paper=paper,
            noise=rng.choice([0.0, 6.0]),
            jpeg_quality=rng.choice([60, 75, 85]),
        ),
        Style(
            layout="post",
            font=rng.choice(["sans", "sans-bold", "serif"]),
            size=rng.choice([16, 20, 24]),
            gradient=True,
            rotation=rng.uniform(-1.0, 1.0),
            jpeg_quality=rng.choice([50, 70]),
        ),
        Style(
            layout=rng.choice(["flyer", "poster_photo"]),
            font=rng.choice(["sans-bold", "sans", "stix"]),
            size=rng.choice([24, 28, 34]),
            width=1080,
            ink=(20, 20, 20),
            paper=rng.choice([(255, 235, 120), (255, 255, 255), (200, 235, 255)]),
            noise=rng.choice([4.0, 10.0]),
            rotation=rng.uniform(-2.5, 2.5),
            jpeg_quality=rng.choice([55, 70]),
        ),
        # The hard one: a long screenshot shrunk by the messenger (small text), pale ink or a
        # dark flyer, held a little crooked, compressed hard.
        Style(
            layout=rng.choice(["screenshot", "post", "flyer"]),
            font=rng.choice(["sans", "serif", "stix"]),
            size=rng.choice([14, 16]),
            width=rng.choice([720, 1080]),
            ink=(240, 240, 240) if dark_paper else rng.choice([(110, 110, 110), (90, 60, 140)]),
            paper=(30, 30, 60) if dark_paper else rng.choice([(235, 235, 235), (250, 240, 200)]),
            noise=rng.choice([8.0, 14.0]),
            rotation=rng.choice([-1, 1]) * rng.uniform(2.5, 4.0),
            jpeg_quality=rng.choice([35, 45]),
            max_side=1280,
        ),
    ]


def render(text: str, style: Style = Style()) -> bytes:
    """The ad as a JPEG, the way it reaches Sigap after a messenger compressed it."""
    picture = _LAYOUT_DRAWERS[style.layout](text, style)
    if style.noise:
        picture = _with_noise(picture, style.noise, seed=len(text))
    if style.rotation:
        picture = picture.rotate(
            style.rotation, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=style.paper
        )
    picture.thumbnail((style.max_side, style.max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=style.jpeg_quality)
    return out.getvalue()


def readable_text(text: str) -> str:
    """What a reader of the picture can hope to get: the text without emoji (drawn as shapes)."""
    return "".join(char for char in text if not _is_emoji(char))


# --- drawing -----------------------------------------------------------------------------------


def _font(style: Style, size: int | None = None, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "sans-bold" if bold and style.font.startswith("sans") else style.font
    return ImageFont.truetype(str(FONT_DIR / FONTS[name]), size or style.size)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or code in (0xFE0F, 0x200D, 0x20E3, 0x2B50, 0x2B55)
        or (unicodedata.category(char) == "So" and code > 0x2000)
    )


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and _text_width(candidate, font) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _text_width(text: str, font: ImageFont.FreeTypeFont) -> float:
    size = font.size
    return sum(size * 1.1 if _is_emoji(char) else font.getlength(char) for char in text)


def _draw_line(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    line: str,
    font: ImageFont.FreeTypeFont,
    ink: tuple[int, int, int],
) -> None:
    """Text runs in the font; emoji as small coloured shapes, as a phone would draw them."""
    size = font.size
    run = ""
    for char in line + "\0":
        if char != "\0" and not _is_emoji(char):
            run += char
            continue
        if run:
            draw.text((x, y), run, font=font, fill=ink)
            x += font.getlength(run)
            run = ""
        if char == "\0" or ord(char) in (0xFE0F, 0x200D):
            continue
        colour = EMOJI_COLOURS[ord(char) % len(EMOJI_COLOURS)]
        top = y + size * 0.1
        if 0x1F1E6 <= ord(char) <= 0x1F1FF:  # a flag: a small two-band rectangle
            draw.rectangle((x, top, x + size, top + size * 0.35), fill=(220, 40, 40))
            draw.rectangle((x, top + size * 0.35, x + size, top + size * 0.7), fill=colour)
        else:
            draw.ellipse((x, top, x + size * 0.9, top + size * 0.9), fill=colour)
            draw.ellipse(
                (x + size * 0.25, top + size * 0.3, x + size * 0.35, top + size * 0.4), fill=(40, 40, 40)
            )
            draw.ellipse(
                (x + size * 0.55, top + size * 0.3, x + size * 0.65, top + size * 0.4), fill=(40, 40, 40)
            )
        x += size * 1.1


def _paper(style: Style, width: int, height: int) -> Image.Image:
    picture = Image.new("RGB", (width, height), style.paper)
    if style.gradient:
        draw = ImageDraw.Draw(picture)
        for y in range(height):
            shade = int(18 * y / max(height, 1))
            draw.line((0, y, width, y), fill=tuple(max(c - shade, 0) for c in style.paper))
    return picture


def _text_block(text: str, style: Style, margin: int = 24) -> Image.Image:
    font = _font(style)
    lines = _wrap(text, font, style.width - 2 * margin)
    step = int(style.size * 1.35)
    picture = _paper(style, style.width, step * len(lines) + 2 * margin)
    draw = ImageDraw.Draw(picture)
    for number, line in enumerate(lines):
        _draw_line(draw, margin, margin + number * step, line, font, style.ink)
    return picture


def _screenshot(text: str, style: Style) -> Image.Image:
    return _text_block(text, style)


def _post(text: str, style: Style) -> Image.Image:
    """A group post: a header with an avatar, a name and a time, the text, then the action bar."""
    body = _text_block(text, style)
    header, footer = 90, 60
    picture = Image.new("RGB", (body.width, body.height + header + footer), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((20, 15, 80, 75), fill=(90, 140, 200))
    small = _font(style, max(style.size - 4, 12))
    draw.text((95, 20), "Info Loker Terbaru", font=_font(style, style.size, bold=True), fill=(30, 30, 30))
    draw.text((95, 52), "2 jam", font=small, fill=(120, 120, 120))
    picture.paste(body, (0, header))
    y = header + body.height
    draw.line((20, y + 8, body.width - 20, y + 8), fill=(210, 210, 210), width=2)
    for number, label in enumerate(("Suka", "Komentari", "Bagikan")):
        draw.text((40 + number * body.width // 3, y + 20), label, font=small, fill=(100, 100, 100))
    return picture


def _flyer(text: str, style: Style) -> Image.Image:
    """A flyer: the first line big in a coloured banner, the rest in a box, a contact strip."""
    lines = [line for line in text.splitlines() if line.strip()]
    title, rest = (lines[0], "\n".join(lines[1:])) if lines else ("", "")
    title_font = _font(style, int(style.size * 1.6), bold=True)
    title_lines = _wrap(title, title_font, style.width - 80)
    banner = int(style.size * 1.6 * 1.3) * len(title_lines) + 50
    body = _text_block(rest, style, margin=40)
    picture = _paper(style, style.width, banner + body.height + 70)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, style.width, banner), fill=(200, 30, 40))
    for number, line in enumerate(title_lines):
        _draw_line(draw, 40, 25 + number * int(style.size * 1.6 * 1.3), line, title_font, (255, 255, 255))
    picture.paste(body, (0, banner))
    draw.rectangle((0, banner + body.height, style.width, banner + body.height + 70), fill=(30, 30, 30))
    draw.text(
        (40, banner + body.height + 18),
        "SEGERA HUBUNGI KAMI",
        font=_font(style, 28, bold=True),
        fill=(255, 220, 0),
    )
    return picture


def _poster_photo(text: str, style: Style) -> Image.Image:
    """A phone photo of a printed poster on a wall: a darker surround, uneven light, a little blur."""
    poster = _flyer(text, style)
    border = 80
    picture = Image.new("RGB", (poster.width + 2 * border, poster.height + 2 * border), (110, 100, 90))
    picture.paste(poster, (border, border))
    light = Image.linear_gradient("L").resize(picture.size).point(lambda v: 200 + v * 55 // 255)
    picture = Image.composite(picture, Image.new("RGB", picture.size, (0, 0, 0)), light)
    return picture.filter(ImageFilter.GaussianBlur(0.8))


def _with_noise(picture: Image.Image, sigma: float, seed: int) -> Image.Image:
    """Grey sensor noise, the same for the same picture (numpy comes with matplotlib)."""
    pixels = numpy.asarray(picture, dtype=numpy.int16)
    noise = numpy.random.default_rng(seed).normal(0.0, sigma, pixels.shape[:2])[..., None]
    return Image.fromarray(numpy.clip(pixels + noise, 0, 255).astype(numpy.uint8))


_LAYOUT_DRAWERS = {"screenshot": _screenshot, "post": _post, "flyer": _flyer, "poster_photo": _poster_photo}
