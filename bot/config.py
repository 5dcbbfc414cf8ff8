"""Typed settings: non-secret defaults from config.toml, secrets only from environment variables."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.secret_strength import weakness
from db.crypto import DataKeyError, FieldCipher
from db.identifier_keys import IdentifierKeys, SeenKeyError

if TYPE_CHECKING:
    from handlers.context import Contact

SECRET_FIELDS = (
    "database_url",
    "telegram_token",
    "telegram_webhook_secret",
    "whatsapp_token",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
    "data_keys",
    "seen_keys",
)
# The secrets checked for strength in production (bot/secret_strength.py). The database URL is
# not a secret of its own (its password may be empty with peer authentication), so only checked
# for placeholders; Telegram's webhook secret is checked in every environment when it is used
# (telegram_webhook_problems), and each of SIGAP_DATA_KEYS on its own.
STRONG_SECRETS = (
    "telegram_token",
    "whatsapp_token",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
)


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to fix."""


class _Section(BaseModel):
    """A [section] of config.toml; unknown keys are refused, so a typo does not pass silently."""

    model_config = {"extra": "forbid"}


class DatabaseSettings(_Section):
    sqlite_path: str = "sigap.db"
    pool_size: int = Field(default=10, ge=1)


class TelegramSettings(_Section):
    mode: Literal["polling", "webhook"] = "polling"
    api_base: str = "https://api.telegram.org"
    webhook_url: str = ""
    webhook_path: str = "/telegram/webhook"
    request_timeout: float = Field(default=30.0, gt=0)


class WhatsAppTemplate(_Section):
    """An approved message template: its name in WhatsApp Manager, and the template language code
    to use for each Sigap language."""

    name: str
    languages: dict[str, str] = {"id": "id", "en": "en"}


class WhatsAppSettings(_Section):
    phone_number_id: str = ""
    api_base: str = "https://graph.facebook.com"
    api_version: str = "v23.0"
    webhook_path: str = "/whatsapp/webhook"
    request_timeout: float = Field(default=30.0, gt=0)
    messages_per_second: int = Field(default=80, ge=1)
    max_media_bytes: int = Field(default=5_000_000, ge=1024)
    templates: dict[str, WhatsAppTemplate] = {}


class WebSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)


class ConversationSettings(_Section):
    default_language: str = "id"
    max_text_chars: int = Field(default=3000, ge=100)
    # Flood control, a token bucket per user (db/flood.py): at most flood_burst at once, refilled
    # at flood_per_second.
    flood_burst: int = Field(default=30, ge=1)
    flood_per_second: float = Field(default=1.0, gt=0)
    # Minutes after a report's last answer before coming back to it asks "continue or start over?".
    resume_offer_minutes: float = Field(default=60.0, gt=0)


class DeliverySettings(_Section):
    max_attempts: int = Field(default=5, ge=1)
    backoff_base_seconds: float = Field(default=1.0, gt=0)
    backoff_max_seconds: float = Field(default=60.0, gt=0)
    max_retry_after_seconds: float = Field(default=300.0, gt=0)
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    telegram_messages_per_second: int = Field(default=25, ge=1)
    per_chat_interval_seconds: float = Field(default=1.0, ge=0)
    send_concurrency: int = Field(default=10, ge=1)
    sent_retention_days: int = Field(default=30, ge=1)


class CaseSettings(_Section):
    # Hours a coordinator has to acknowledge a report before it is sent again and escalated.
    ack_hours_missing: float = Field(default=2.0, gt=0)
    ack_hours_warning: float = Field(default=24.0, gt=0)


class OcrSettings(_Section):
    """Reading job ads sent as pictures (Tesseract through tesserocr, in worker processes)."""

    # Folder with ind.traineddata and eng.traineddata; "" looks in TESSDATA_PREFIX and the usual places.
    tessdata: str = ""
    languages: str = "ind+eng"
    # Worker processes reading at once (each holds a Tesseract, about 150 MB); more pictures
    # than max_waiting queued behind them are turned away politely ("try again in a minute").
    workers: int = Field(default=1, ge=1, le=16)
    max_waiting: int = Field(default=8, ge=0)
    # A picture still being read after this is abandoned and its worker process killed.
    timeout_seconds: float = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=5_000_000, ge=1024)
    # Width x height, checked in the picture's header before it is decoded.
    max_pixels: int = Field(default=24_000_000, ge=10_000)


class LoggingSettings(_Section):
    # "text" lines for a terminal, or "json" lines (one object per record) for a log collector.
    format: Literal["text", "json"] = "text"


class PrivacySettings(_Section):
    # Days after a case is closed before its personal fields (names, phone numbers, free text,
    # photo) are purged; the case's kind, place, dates and outcome stay for statistics.
    closed_case_retention_days: int = Field(default=180, ge=1)
    # Days a report left unsent (no answer since) is kept before it is dropped with its photo.
    report_draft_days: int = Field(default=3, ge=1)
    # Days a recruiter's hashed number, link or company stays in "seen before" after it was
    # last seen; cleared ones (a legitimate company's) stay cleared.
    seen_before_days: int = Field(default=365, ge=30)


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)


class DigestSettings(_Section):
    # The weekly digest to coordinators: the day and the local time (the region's own zone) it goes.
    weekday: Weekday = "monday"
    time: str = Field(default="07:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class HotlinesSettings(_Section):
    # `sigap hotlines` warns about a national hotline whose source is older than this many days.
    max_age_days: int = Field(default=365, ge=1)


class LocalContact(_Section):
    """A regency's own number (Gugus Tugas PP-TPPO, Disnaker): there is no national one to ship."""

    name: str
    phone: str = ""
    whatsapp: str = ""
    note: str = ""

    def as_contact(self) -> Contact:
        from handlers.context import Contact  # here: config is read by commands that need no handlers

        return Contact(name=self.name, when=self.note, phone=self.phone, whatsapp=self.whatsapp)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGAP_", env_nested_delimiter="__", extra="forbid")

    environment: Literal["development", "production"] = "development"
    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    whatsapp: WhatsAppSettings = WhatsAppSettings()
    web: WebSettings = WebSettings()
    conversation: ConversationSettings = ConversationSettings()
    delivery: DeliverySettings = DeliverySettings()
    cases: CaseSettings = CaseSettings()
    privacy: PrivacySettings = PrivacySettings()
    logging: LoggingSettings = LoggingSettings()
    ocr: OcrSettings = OcrSettings()
    digest: DigestSettings = DigestSettings()
    hotlines: HotlinesSettings = HotlinesSettings()
    local_contacts: list[LocalContact] = []

    database_url: SecretStr | None = None
    telegram_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    whatsapp_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    # Fernet keys for the personal fields of cases, comma-separated, the newest first.
    data_keys: SecretStr | None = None
    # HMAC keys of "seen before" (recruiters' identifiers kept as keyed hashes), the newest first;
    # rotated with data_keys.
    seen_keys: SecretStr | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment wins over config.toml (passed in as init values), so an operator can
        # override any default without editing the file.
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _refuse_unsafe_settings(self) -> Settings:
        problems = self._data_key_problems()
        if self.environment == "production":
            problems += self._production_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _production_problems(self) -> list[str]:
        problems: list[str] = []
        if self.telegram_token is None and self.whatsapp_token is None:
            problems.append("set SIGAP_TELEGRAM_TOKEN, SIGAP_WHATSAPP_TOKEN or both")
        if self.whatsapp_token is not None:
            problems += [f"{name} is missing" for name in self.whatsapp_missing()]
        for name in STRONG_SECRETS:
            secret = getattr(self, name)
            why = None if secret is None else weakness(secret.get_secret_value())
            if why is not None:
                problems.append(f"SIGAP_{name.upper()} {why}")
        problems += self.telegram_webhook_problems()
        if self.telegram_token is not None and self.telegram.mode == "webhook":
            if not self.telegram.webhook_url.startswith("https://"):
                problems.append("telegram.webhook_url must be an https:// URL")
        if self.data_keys is None or not _key_list(self.data_keys):
            problems.append("SIGAP_DATA_KEYS is missing or empty: personal fields must be encrypted at rest")
        else:
            for number, key in enumerate(_key_list(self.data_keys), 1):
                why = weakness(key)
                if why is not None:
                    problems.append(f"key {number} of SIGAP_DATA_KEYS {why}")
        if self.seen_keys is None or not _key_list(self.seen_keys):
            problems.append(
                "SIGAP_SEEN_KEYS is missing or empty: recruiters' numbers must be kept as keyed hashes"
            )
        else:
            for number, key in enumerate(_key_list(self.seen_keys), 1):
                why = weakness(key)
                if why is not None:
                    problems.append(f"key {number} of SIGAP_SEEN_KEYS {why}")
        if self.database_url is not None and _looks_like_placeholder(self.database_url):
            problems.append("SIGAP_DATABASE_URL is a placeholder")
        return problems

    def _data_key_problems(self) -> list[str]:
        """Keys given must all be Fernet keys, whatever the environment: a typo must not turn
        encryption off. Empty (or unset) means no encryption, refused in production only."""
        problems = []
        if self.data_keys is not None and _key_list(self.data_keys):
            try:
                FieldCipher(_key_list(self.data_keys))
            except DataKeyError as exc:
                problems.append(str(exc))
        if self.seen_keys is not None and _key_list(self.seen_keys):
            try:
                IdentifierKeys(_key_list(self.seen_keys))
            except SeenKeyError as exc:
                problems.append(str(exc))
        return problems

    def telegram_webhook_problems(self) -> list[str]:
        """Webhook mode's secret: without a strong one anybody can post updates as any user."""
        if self.telegram_token is None or self.telegram.mode != "webhook":
            return []
        secret = self.telegram_webhook_secret
        if secret is None:
            return ["webhook mode needs SIGAP_TELEGRAM_WEBHOOK_SECRET"]
        why = weakness(secret.get_secret_value())
        if why is not None:
            return [f"SIGAP_TELEGRAM_WEBHOOK_SECRET {why}"]
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret.get_secret_value()):
            # Telegram's own rule for secret_token: setWebhook refuses anything else.
            return ["SIGAP_TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (256 at most)"]
        return []

    def whatsapp_missing(self) -> list[str]:
        """What WhatsApp still needs besides its token (empty: ready)."""
        missing = [
            f"SIGAP_{name.upper()}"
            for name in ("whatsapp_app_secret", "whatsapp_verify_token")
            if getattr(self, name) is None
        ]
        return missing + (
            ["whatsapp.phone_number_id in config.toml"] if not self.whatsapp.phone_number_id else []
        )

    def database_url_value(self) -> str:
        """The SQLAlchemy URL: the secret one from the environment, else the embedded SQLite file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite+aiosqlite:///{self.database.sqlite_path}"


def _looks_like_placeholder(secret: SecretStr) -> bool:
    return weakness(secret.get_secret_value()) in ("is empty", "is a placeholder")


def _key_list(keys: SecretStr) -> list[str]:
    return [key.strip() for key in keys.get_secret_value().split(",") if key.strip()]


def load_settings(config_path: Path | None) -> Settings:
    """Build settings from a config.toml (if any) and the environment."""
    data: dict[str, Any] = {}
    if config_path is not None:
        try:
            with config_path.open("rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {config_path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_path} is not valid TOML: {exc}") from exc
    leaked = [name for name in SECRET_FIELDS if name in data]
    if leaked:
        raise ConfigError(
            f"{', '.join(leaked)} must not be in {config_path}: set SIGAP_{leaked[0].upper()} "
            "in the environment instead"
        )
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_without_values(exc)) from None
    except ValueError as exc:  # pydantic-settings' own parsing errors name the field, not the value
        raise ConfigError(_redacted(str(exc))) from None


def _without_values(error: ValidationError) -> str:
    """The errors without the values given: pydantic's own text quotes them (input_value=...),
    and the value may be a secret (a misspelt SIGAP_TELEGRAM_TOKN, a refused key)."""
    lines = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return _redacted("; ".join(lines))


def _redacted(message: str) -> str:
    """Any secret from the environment that still made it into a message is blanked out."""
    for name, value in os.environ.items():
        if (
            name.startswith("SIGAP_")
            and len(value) >= 4
            and name.removeprefix("SIGAP_").lower() in SECRET_FIELDS
        ):
            message = message.replace(value, "[redacted]")
    return message
