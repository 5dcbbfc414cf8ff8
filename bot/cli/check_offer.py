"""`sigap check-offer`: the chat's analysis of a job ad read from standard input or a picture.

It opens only the database (bot.cli.core.opened_database), not the engine: an operator or a script
piping ads in waits for the analysis, not for the web server and the channels to load."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.config import ConfigError, Settings


def arguments_check_offer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--image", metavar="FILE", help="read the ad from a picture (JPEG, PNG, WEBP)")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    parser.add_argument("--language", default=None, help="language of the explanations (id, en)")


def run_check_offer(args: argparse.Namespace, settings: Settings) -> int:
    if args.image:
        picture = Path(args.image)
        text = asyncio.run(_read_picture(settings, _picture_bytes(settings, picture), picture))
        read = True
    else:
        text, read = sys.stdin.read(), False
    if not text.strip():
        print(
            "sigap: check-offer: no ad to check: pipe or paste the ad's text on standard input",
            file=sys.stderr,
        )
        return 2
    print(asyncio.run(check_offer(settings, text, args.json, args.language, from_picture=read)))
    return 0


def _picture_bytes(settings: Settings, path: Path) -> bytes:
    from bot.pictures import tesseract_status

    status = tesseract_status(settings.ocr)
    if not status.ready:
        raise ConfigError(f"pictures cannot be read here: {status.detail}; install: {status.fix}")
    try:
        if path.stat().st_size > settings.ocr.max_bytes:
            raise ConfigError(
                f"{path}: the picture was not read (over ocr.max_bytes, {settings.ocr.max_bytes})"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


async def _read_picture(settings: Settings, data: bytes, path: Path) -> str:
    """The picture's text, read as in the chat (worker, limits)."""
    from bot.pictures import PictureReader

    reader = PictureReader(settings.ocr)
    try:
        reading = await reader.read_bytes(data)
    finally:
        await reader.close()
    if reading.problem:
        raise ConfigError(f"{path}: the picture was not read ({reading.problem.replace('_', ' ')})")
    return reading.text


async def check_offer(
    settings: Settings, text: str, as_json: bool, language: str | None, from_picture: bool = False
) -> str:
    """The chat's analysis, with the companies looked up in the register.
    With from_picture, the text was read from a picture: JSON adds it as "ocr_text", the text
    output starts with its first lines as the chat does."""
    from bot.cli.core import opened_database
    from db.agencies import load_register
    from db.identifier_keys import IdentifierKeys
    from ground.i18n import Content, default_content_dir
    from handlers.offers import report as offer_report
    from handlers.offers.analysis import analyse
    from handlers.offers.picture import first_lines
    from handlers.offers.rules import parse_offer_rules
    from handlers.seen_before import sightings as seen_before

    # As bot.app.build_services makes them for the chat: content errors surface before the database.
    content = Content.load(default_content_dir(), settings.conversation.default_language)
    rules = parse_offer_rules(content)
    seen_keys = IdentifierKeys.from_setting(
        settings.seen_keys.get_secret_value() if settings.seen_keys else None
    )
    t = content.texts(language or content.default_language)
    async with opened_database(settings) as (_, sessions), sessions() as session:
        register = await load_register(session)
        checked = await seen_before.check(session, seen_keys, text, analyse(text, rules, register))
    analysis = checked.analysis
    if as_json:
        result = offer_report.as_json(t, analysis) | {
            "register": offer_report.register_json(analysis.register),
            "seen_before": seen_before.as_json(checked),
        }
        if from_picture:
            result["ocr_text"] = text
        return json.dumps(result, ensure_ascii=False, indent=2)
    header = [t("pictures.read", lines=first_lines(text)), ""] if from_picture else []
    register_lines = offer_report.register_lines(t, analysis.register)
    seen = seen_before.lines(t, checked, exact=True)
    return "\n".join([*header, offer_report.chat_text(t, analysis), *seen, "", *register_lines])
