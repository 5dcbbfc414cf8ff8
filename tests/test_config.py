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
    with pytest.raises(ConfigError):
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
    monkeypatch.setenv("SIGAP_TELEGRAM_TOKEN", "123456:AAH-real-token-value-0123456789")
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_TELEGRAM_WEBHOOK_SECRET", "a-long-random-secret-0123456789")
    with pytest.raises(ConfigError, match="SIGAP_DATA_KEYS"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_DATA_KEYS", "GgsnTDE5S3Y3Q0lBOnliZ3RhOmJxd3lkYWV1c2J5cmE=")
    assert load_settings(config).environment == "production"


def test_whatsapp_needs_its_secrets_and_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('environment = "production"\n')
    with pytest.raises(ConfigError, match="SIGAP_TELEGRAM_TOKEN, SIGAP_WHATSAPP_TOKEN or both"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_WHATSAPP_TOKEN", "EAAG-real-looking-token-0123456789")
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    for needed in ("SIGAP_WHATSAPP_APP_SECRET", "SIGAP_WHATSAPP_VERIFY_TOKEN", "phone_number_id"):
        assert needed in str(refused.value)
    monkeypatch.setenv("SIGAP_WHATSAPP_APP_SECRET", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("SIGAP_WHATSAPP_VERIFY_TOKEN", "your-verify-token")
    config.write_text('environment = "production"\n[whatsapp]\nphone_number_id = "1234567890"\n')
    with pytest.raises(ConfigError, match="SIGAP_WHATSAPP_VERIFY_TOKEN is a placeholder"):
        load_settings(config)
    monkeypatch.setenv("SIGAP_WHATSAPP_VERIFY_TOKEN", "k3J9-made-up-by-the-operator")
    monkeypatch.setenv("SIGAP_DATA_KEYS", "GgsnTDE5S3Y3Q0lBOnliZ3RhOmJxd3lkYWV1c2J5cmE=")
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
