"""Settings: defaults from config.toml, environment overrides, secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("SIGAP_"):
            monkeypatch.delenv(name)


def test_shipped_config_loads_with_documented_defaults() -> None:
    settings = load_settings(ROOT / "config.toml")
    assert settings.telegram.mode == "polling"
    assert settings.conversation.default_language == "id"
    assert settings.database_url_value() == "sqlite+aiosqlite:///sigap.db"
    assert settings.telegram_token is None


def test_environment_overrides_file_and_secrets_stay_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGAP_TELEGRAM__MODE", "webhook")
    monkeypatch.setenv("SIGAP_TELEGRAM_TOKEN", "123456:real-looking-token-value")
    monkeypatch.setenv("SIGAP_DATABASE_URL", "postgresql+asyncpg://sigap:pw-123@db/sigap")
    settings = load_settings(ROOT / "config.toml")
    assert settings.telegram.mode == "webhook"
    assert settings.telegram.api_base == "https://api.telegram.org"  # the rest of the section is kept
    assert settings.database_url_value().endswith("@db/sigap")
    shown = repr(settings) + str(settings.model_dump())
    assert "real-looking-token-value" not in shown and "pw-123" not in shown


def test_secret_in_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('telegram_token = "123:abc"\n')
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_TOKEN"):
        load_settings(config)


def test_typos_and_bad_values_are_reported(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[telegram]\nmdoe = 'webhook'\n")
    with pytest.raises(ConfigError, match="mdoe"):
        load_settings(config)
    config.write_text("[telegram]\nmode = 'carrier-pigeon'\n")
    with pytest.raises(ConfigError, match=r"telegram\.mode"):
        load_settings(config)
    config.write_text("[telegram\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config)


def test_production_refuses_placeholder_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'environment = "production"\n[telegram]\nmode = "webhook"\nwebhook_url = "https://x.test/h"\n'
    )
    monkeypatch.setenv("SIGAP_TELEGRAM_TOKEN", "changeme")
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_TOKEN"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_TELEGRAM_TOKEN", "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_TELEGRAM_WEBHOOK_SECRET", "a-long-random-secret-0123456789")
    with pytest.raises(ConfigError, match="SIGAP_DATA_KEYS"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_DATA_KEYS", "GgsnTDE5S3Y3Q0lBOnliZ3RhOmJxd3lkYWV1c2J5cmE=")
    with pytest.raises(ConfigError, match="SIGAP_SEEN_KEYS"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_SEEN_KEYS", REAL_SEEN_KEY)
    assert load_settings(config).environment == "production"


def test_whatsapp_needs_its_secrets_and_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('environment = "production"\n')
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_TOKEN, SIGAP_WHATSAPP_TOKEN or both"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_WHATSAPP_TOKEN", "EAAG-real-looking-token-0123456789")
    with pytest.raises(ConfigError, match="SIGAP_WHATSAPP_APP_SECRET") as refused:
        load_settings(config)
    for needed in ("SIGAP_WHATSAPP_APP_SECRET", "SIGAP_WHATSAPP_VERIFY_TOKEN", "phone_number_id"):
        assert needed in str(refused.value)
    monkeypatch.setenv("SIGAP_WHATSAPP_APP_SECRET", "9f3c1d2e8b7a6f5e4d3c2b1a0f9e8d7c")
    monkeypatch.setenv("SIGAP_WHATSAPP_VERIFY_TOKEN", "your-verify-token")
    config.write_text('environment = "production"\n[whatsapp]\nphone_number_id = "1234567890"\n')
    with pytest.raises(ConfigError, match="SIGAP_WHATSAPP_VERIFY_TOKEN is a placeholder"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_WHATSAPP_VERIFY_TOKEN", "k3J9-made-up-by-the-operator")
    monkeypatch.setenv("SIGAP_DATA_KEYS", "GgsnTDE5S3Y3Q0lBOnliZ3RhOmJxd3lkYWV1c2J5cmE=")
    monkeypatch.setenv("SIGAP_SEEN_KEYS", REAL_SEEN_KEY)
    settings = load_settings(config)
    assert settings.telegram_token is None and settings.whatsapp.phone_number_id == "1234567890"
    assert "EAAG-real-looking" not in repr(settings)


def test_the_service_refuses_to_start_without_what_whatsapp_needs() -> None:
    from bot.app import SigapService

    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_TOKEN, SIGAP_WHATSAPP_TOKEN or both"):
        SigapService(Settings())
    half = Settings(whatsapp_token=SecretStr("EAAG-real-looking-token-0123456789"))
    with pytest.raises(ConfigError, match="SIGAP_WHATSAPP_APP_SECRET, SIGAP_WHATSAPP_VERIFY_TOKEN"):
        SigapService(half)


def test_digest_day_and_time_are_read_and_checked(tmp_path: Path) -> None:
    from datetime import time

    from bot.app import build_services
    from handlers.context import DigestSchedule

    config = tmp_path / "config.toml"
    config.write_text("[digest]\nweekday = 'wednesday'\ntime = '19:30'\n")
    assert build_services(load_settings(config)).digest == DigestSchedule(2, time(19, 30))
    assert build_services(Settings()).digest == DigestSchedule(0, time(7, 0))  # Monday 07:00
    for bad in ("weekday = 'rabu'", "time = '25:00'", "time = '7'"):
        config.write_text(f"[digest]\n{bad}\n")
        with pytest.raises(ConfigError, match="digest"):
            load_settings(config)


# A token, key and secrets as real ones look (random); the weak values are what people paste.
REAL_TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
REAL_KEY = "GgsnTDE5S3Y3Q0lBOnliZ3RhOmJxd3lkYWV1c2J5cmE="
REAL_SEEN_KEY = "n7Vq2LzR8kW4xT1cY6pB3mH9sD5fJ0gA"
REAL_SECRET = "Qx7vT2mK9pL4wR8nZ3cF6hJ1"
WEAK_SECRETS = ("change_me", "secret", "password", "test", "<token>", "aaaaaaaaaaaaaaaa", "x", "")


def _production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str = "polling") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'environment = "production"\n[telegram]\nmode = "{mode}"\nwebhook_url = "https://x.test/h"\n'
        '[whatsapp]\nphone_number_id = "1234567890"\n'
    )
    monkeypatch.setenv("SIGAP_TELEGRAM_TOKEN", REAL_TOKEN)
    monkeypatch.setenv("SIGAP_TELEGRAM_WEBHOOK_SECRET", REAL_SECRET)
    monkeypatch.setenv("SIGAP_DATA_KEYS", REAL_KEY)
    monkeypatch.setenv("SIGAP_SEEN_KEYS", REAL_SEEN_KEY)
    return config


@pytest.mark.parametrize("keys", ["", " ", ",", " , ,", "not-a-fernet-key", f"{REAL_KEY},broken"])
def test_production_refuses_empty_or_malformed_data_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str
) -> None:
    """Issue 14 item 2: SIGAP_DATA_KEYS= (empty) used to start with encryption off."""
    config = _production(tmp_path, monkeypatch)
    assert load_settings(config).data_keys is not None  # the rest is fine
    monkeypatch.setenv("SIGAP_DATA_KEYS", keys)
    with pytest.raises(ConfigError, match="SIGAP_DATA_KEYS"):
        load_settings(config)


def test_malformed_data_keys_are_refused_in_development_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in a key must not quietly turn encryption off; empty still means no encryption (demo)."""
    monkeypatch.setenv("SIGAP_DATA_KEYS", f"{REAL_KEY},broken")
    with pytest.raises(ConfigError, match="SIGAP_DATA_KEYS"):
        load_settings(None)
    monkeypatch.setenv("SIGAP_DATA_KEYS", "")
    assert load_settings(None).environment == "development"


@pytest.mark.parametrize(
    "name",
    [
        "SIGAP_TELEGRAM_TOKEN",
        "SIGAP_TELEGRAM_WEBHOOK_SECRET",
        "SIGAP_WHATSAPP_TOKEN",
        "SIGAP_WHATSAPP_APP_SECRET",
        "SIGAP_WHATSAPP_VERIFY_TOKEN",
        "SIGAP_DATA_KEYS",
        "SIGAP_SEEN_KEYS",
    ],
)
@pytest.mark.parametrize("weak", WEAK_SECRETS)
def test_production_refuses_weak_and_placeholder_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, weak: str
) -> None:
    """Issue 14 item 12: one rule (bot/secret_strength.py) for every secret."""
    config = _production(tmp_path, monkeypatch, mode="webhook")
    for whatsapp in ("SIGAP_WHATSAPP_TOKEN", "SIGAP_WHATSAPP_APP_SECRET", "SIGAP_WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.setenv(whatsapp, f"{REAL_SECRET}{whatsapp[-5:]}")
    assert load_settings(config).environment == "production"
    monkeypatch.setenv(name, weak)
    with pytest.raises(ConfigError, match=name):
        load_settings(config)


def test_what_counts_as_a_strong_secret() -> None:
    import secrets

    from bot.secret_strength import weakness

    for weak in (*WEAK_SECRETS, "password12345678", "0123456789abcdef", "abcdabcdabcdabcdabcd", "ab" * 20):
        assert weakness(weak) is not None, weak
    for _ in range(2000):  # what the docs tell operators to run, and what Meta and Telegram issue
        assert weakness(secrets.token_urlsafe(32)) is None
        assert weakness(secrets.token_hex(16)) is None
    assert weakness(REAL_TOKEN) is None and weakness(REAL_KEY) is None


def test_config_errors_never_show_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 item 11: pydantic's messages quote the values given (input_value=...)."""
    from bot.cli import main

    config = _production(tmp_path, monkeypatch, mode="webhook")
    given = {
        "SIGAP_TELEGRAM_TOKEN": "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "SIGAP_WHATSAPP_TOKEN": "EAAGm0PX4ZCpsBAKZCZAz8ZAnZBxZBzF9vTq0ZCfj7",
        "SIGAP_WHATSAPP_APP_SECRET": "9f3c1d2e8b7a6f5e4d3c2b1a0f9e8d7c",
        "SIGAP_WHATSAPP_VERIFY_TOKEN": "Vt-4hG8kP2mQ7sW1xZ5c",
        "SIGAP_DATABASE_URL": "postgresql+asyncpg://tppo_u:Pw9xQ2vL7kM4@db-host/tppo",
        "SIGAP_TELEGRAM_WEBHOOK_SECRET": "short",  # refused: the error must still not show it
        "SIGAP_DATA_KEYS": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,Qx7vT2mK9pL4wR8nZ3cF6hJ1bad",
    }
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    shown = []
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_WEBHOOK_SECRET") as refused:
        load_settings(config)
    shown.append(str(refused.value))
    monkeypatch.setenv("SIGAP_WEB__PORT", "Qx7vT2mK9pL4wR8n")  # a value in the wrong place
    with pytest.raises(ConfigError, match=r"web\.port") as refused:
        load_settings(config)
    shown.append(str(refused.value))
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        assert main(["--config", str(config), "run"]) == 2
    shown.append(printed.getvalue())
    text = "\n".join(shown)
    assert "SIGAP_TELEGRAM_WEBHOOK_SECRET" in text and "web.port" in text  # what to fix is said
    for value in [*given.values(), "Qx7vT2mK9pL4wR8n"]:
        for start in range(len(value) - 5):
            assert value[start : start + 6] not in text, (value, text)
