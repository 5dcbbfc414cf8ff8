"""Hotlines: every number with its source and an "as of" date; unconfirmed ones kept but never
shown; `sigap hotlines` lists them and warns about old sources, with the age from config.toml."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_services
from bot.config import Settings
from ground.i18n import Content, ContentError, default_content_dir
from handlers.hotlines import dialog as numbers
from handlers.hotlines import national as hotlines

ROOT = Path(__file__).resolve().parent.parent
CONTENT = Content.load(default_content_dir(), "id")


def with_hotlines(*entries: dict[str, Any]) -> Content:
    return replace(CONTENT, data_files={**CONTENT.data_files, "hotlines": {"hotlines": list(entries)}})


GOOD = {"key": "police", "phone": "110", "source": "Polri, 2026", "as_of": "2026-01-07"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**GOOD, "source": " "}, r"police: source is missing"),
        ({key: value for key, value in GOOD.items() if key != "as_of"}, r"police: as_of must be a date"),
        ({**GOOD, "as_of": "January 2026"}, r"police: as_of must be a date"),
        ({**GOOD, "phone": ""}, r"police: needs at least one of phone"),
        ({**GOOD, "confirmed": False}, r"police: an unconfirmed entry needs `unconfirmed`"),
        ({**GOOD, "confirmed": "no"}, r"police: confirmed must be true or false"),
    ],
)
def test_an_entry_without_source_date_or_number_is_refused(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ContentError, match=message):
        hotlines.load(with_hotlines(entry))


def test_a_month_alone_is_a_valid_as_of() -> None:
    [hotline] = hotlines.load(with_hotlines({**GOOD, "as_of": "2024-12"}))
    assert hotline.as_of == date(2024, 12, 1)


def test_unconfirmed_numbers_are_kept_but_never_shown() -> None:
    entries = {h.key: h for h in hotlines.load(CONTENT)}
    assert not entries["kemnaker"].confirmed and entries["kemnaker"].unconfirmed
    services = build_services(Settings())
    shown = numbers.render(services, services.content.texts("id"))
    assert "1500630" not in shown
    # The foreign ministry's portal and app are among the numbers people see.
    assert "peduliwni.kemlu.go.id" in shown and "Safe Travel" in shown
    assert "0812-9007-0027" in shown and "0800-1000" in shown
    assert "Pelindungan" in shown and "Perlindungan" not in shown


def test_listing_warns_about_old_sources_and_unconfirmed_numbers() -> None:
    lines, warnings = hotlines.listing(CONTENT, "en", date(2026, 11, 30), max_age_days=365)
    text = "\n".join(lines)
    assert "kemnaker: Kemnaker (Ministry of Manpower) [UNCONFIRMED, not shown to users]" in text
    assert "as of 2020-02-02" in text and "source: Kemlu release" in text
    old = {w.split(":")[0] for w in warnings if "days old" in w}
    assert "kemlu" in old and "police" not in old and "migrantcare" not in old
    assert any(w.startswith("kemnaker: unconfirmed") for w in warnings)
    # A longer limit: only the unconfirmed number is left to warn about.
    _, warnings = hotlines.listing(CONTENT, "en", date(2026, 11, 30), max_age_days=10_000)
    assert [w.split(":")[0] for w in warnings] == ["kemnaker"]


def run_sigap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(ROOT / "config.toml"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **(env or {})},
    )


def test_sigap_hotlines_command() -> None:
    completed = run_sigap("hotlines")
    assert completed.returncode == 0, completed.stderr
    assert (
        "p2mi: KP2MI (Kementerian Pelindungan Pekerja Migran, dulu BP2MI) [shown to users]"
        in completed.stdout
    )
    assert "([hotlines] max_age_days = 365)" in completed.stdout
    assert "! kemlu: source is" in completed.stdout
    assert run_sigap("hotlines", "--strict").returncode == 1, "warnings fail a release check"
    # The age limit comes from config.toml (here overridden by the environment).
    completed = run_sigap("hotlines", "--language", "en", env={"SIGAP_HOTLINES__MAX_AGE_DAYS": "100000"})
    assert "max_age_days = 100000" in completed.stdout and "days old" not in completed.stdout
    assert "Ministry for the Protection of Migrant Workers" in completed.stdout


PHONE = re.compile(r"(?<!\d)(?:\+\d[\d ]{6,}\d|0\d[\d-]{2,}\d)(?!\d)")


@pytest.mark.parametrize("language", CONTENT.languages)
def test_broadcasts_quote_only_confirmed_numbers_as_written_in_hotlines(language: str) -> None:
    texts = CONTENT.texts(language)
    entries = hotlines.load(CONTENT)
    confirmed = {getattr(h, f) for h in entries if h.confirmed for f in ("phone", "phone_abroad", "whatsapp")}
    unconfirmed = {h.phone for h in entries if not h.confirmed and h.phone}
    keys = {key.split(".")[1] for key in texts.keys() if key.startswith("broadcasts.")}
    assert {"splp", "call_today", "embassy_free", "nonprocedural_help", "tourist_visa"} <= keys
    quoted = 0
    for key in keys:
        text = texts(f"broadcasts.{key}.text")
        for number in PHONE.findall(text):
            assert number in confirmed, (language, key, number)
            quoted += 1
        assert not any(number in text for number in unconfirmed), (language, key)
        assert texts(f"broadcasts.{key}.source").strip(), (language, key)
        assert "gelap" not in text and "illegal worker" not in text, "never blame the worker"
    assert quoted >= 10
