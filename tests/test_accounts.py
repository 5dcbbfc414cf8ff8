"""Accounts named at the terminal (`sigap admin grant`, `--as`) are checked per channel: a Telegram
user id is a number, a WhatsApp account an international phone number, console:demo the demo's user."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.admin import parse_account
from bot.cli.usage import UsageError
from tests.harness import sigap_command


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("telegram:123456789", ("telegram", "123456789")),
        (" Telegram: 42 ", ("telegram", "42")),
        ("whatsapp:+62 812-3456-7890", ("whatsapp", "6281234567890")),
        ("whatsapp:6281234567890", ("whatsapp", "6281234567890")),
        ("whatsapp:+1 (415) 555-0100", ("whatsapp", "14155550100")),
        ("console:demo", ("console", "demo")),
    ],
)
def test_accounts_of_every_channel_are_accepted(given: str, expected: tuple[str, str]) -> None:
    assert parse_account(given) == expected


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("telegram:abc", "a Telegram user id is a number"),
        ("telegram:@sigap_coordinator", "not a @username"),
        ("telegram:0", "a Telegram user id is a number"),
        ("telegram:-100123", "a Telegram user id is a number"),
        ("telegram:99999999999999999999", "a Telegram user id is a number"),
        ("whatsapp:0812-3456-7890", "whatsapp:+6281234567890"),
        ("whatsapp:12345", "international phone number"),
        ("whatsapp:+62 812 abc", "international phone number"),
        ("whatsapp:+6281234567890123456", "international phone number"),
        ("console:", "console:demo"),
        ("console:demo user", "console:demo"),
        ("signal:123", "telegram:<user id>, whatsapp:<number with country code> or console:demo"),
        ("123456789", "telegram:<user id>"),
    ],
)
def test_malformed_accounts_are_refused_with_how_to_write_them(given: str, says: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_account(given)
    assert str(refused.value).startswith(f"account {given!r}: ")
    assert says in str(refused.value)


def test_the_demo_user_can_be_made_a_coordinator(cli_database: Path) -> None:
    done = sigap_command(
        "admin", "grant", "coordinator", "console:demo", "--region", "61.12", sqlite_path=cli_database
    )
    assert done.returncode == 0, done.stderr
    assert "console:demo is now coordinator for Kabupaten Kubu Raya (61.12)" in done.stdout
    done = sigap_command(
        "admin", "grant", "coordinator", "telegram:abc", "--region", "61.12", sqlite_path=cli_database
    )
    assert done.returncode == 2 and "a Telegram user id is a number" in done.stderr
    listed = sigap_command("admin", "list", sqlite_path=cli_database)
    assert "console:demo" in listed.stdout and "telegram:abc" not in listed.stdout
