"""`sigap doctor`: checks the live set-up and says what is wrong and how to fix it; `sigap run` logs the same.

Each check is a small function returning Findings (ok, warn or blocker, what was seen, how to fix
it). Checks that need something another check found wrong are not run (a database that is not
migrated is not searched for regions), so every blocker names its own cause."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import tomllib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import httpx
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from pydantic import model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import SECRET_FIELDS, ConfigError, Settings, load_settings
from bot.logs import RedactingFilter, configure_logging
from bot.pictures import tesseract_status
from db import health
from db.contacts import contacts_state
from db.crypto import DataKeyError, FieldCipher
from db.identifier_keys import IdentifierKeys, SeenKeyError
from db.session import create_engine, create_sessionmaker
from ground.i18n import Content, ContentError, default_content_dir
from migrations import runner as migrate

log = logging.getLogger(__name__)

# Every purpose a handler sends a Template for (tests/test_doctor.py keeps this list complete).
TEMPLATE_PURPOSES = ("case_alert", "case_update", "broadcast", "digest")
REGISTER_MAX_AGE_DAYS = 90
# Offices' numbers change less often than licences; still confirm them twice a year.
CONTACTS_MAX_AGE_DAYS = 180
# Free space next to the SQLite file: below the first the database soon cannot grow at all;
# below the second a backup copy or a VACUUM may not fit.
DISK_BLOCKER_BYTES = 100_000_000
DISK_WARN_BYTES = 1_000_000_000
# Telegram's last delivery error counts as current for this long.
RECENT_ERROR_SECONDS = 3600
PENDING_UPDATES_WARN = 100
DOCTOR_TIMEOUT = 10.0  # seconds per network call, `sigap doctor`
START_TIMEOUT = 2.0  # `sigap run`: the checks run beside serving; answers come quickly or not at all


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    BLOCKER = "blocker"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    message: str
    fix: str = ""


def ok(check: str, message: str) -> Finding:
    return Finding(check, Status.OK, message)


def warn(check: str, message: str, fix: str) -> Finding:
    return Finding(check, Status.WARN, message, fix)


def blocker(check: str, message: str, fix: str) -> Finding:
    return Finding(check, Status.BLOCKER, message, fix)


@dataclass
class Probe:
    """What the checks share: the settings, one HTTP client with short timeouts, the database engine."""

    settings: Settings
    http: httpx.AsyncClient
    timeout: float
    public_url: str | None
    database: AsyncEngine | None = None


class _Unreachable(Exception):
    """No HTTP answer at all (DNS, refused connection, TLS, timeout); the message says which."""


# --- configuration -------------------------------------------------------------------------------


class _UncheckedSettings(Settings):
    """The same settings without their refusals (production's, malformed data keys), so the other
    checks can still run and each report on its own part of a configuration Sigap would refuse.
    The override keeps the validator's name: pydantic replaces a validator by name only."""

    @model_validator(mode="after")
    def _refuse_unsafe_settings(self) -> _UncheckedSettings:
        return self


def load_configuration(config_path: Path | None) -> tuple[Settings | None, Finding]:
    """The settings `sigap run` would use, and whether it would accept them."""
    where = str(config_path) if config_path else "built-in defaults (no config.toml)"
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        refused = blocker(
            "configuration",
            f"{where}: {exc}",
            "fix what it names: settings in config.toml, secrets in the environment "
            "(SIGAP_..., see deploy/sigap.env.example); `sigap run` refuses to start until then",
        )
        return _unchecked(config_path), refused
    return settings, ok("configuration", f"{where} loads; environment {settings.environment}")


def _unchecked(config_path: Path | None) -> Settings | None:
    """The settings as written, when only the production refusal stood in the way."""
    try:
        data = tomllib.loads(config_path.read_text()) if config_path else {}
        if any(name in data for name in SECRET_FIELDS):
            return None
        return _UncheckedSettings(**data)
    except (OSError, ValueError):
        return None


def check_channels(settings: Settings) -> Finding:
    """At least one messenger, and what each configured one needs before it can start."""
    telegram, whatsapp = settings.telegram_token is not None, settings.whatsapp_token is not None
    if not telegram and not whatsapp:
        return blocker(
            "channels",
            "no messenger configured: neither SIGAP_TELEGRAM_TOKEN nor SIGAP_WHATSAPP_TOKEN is set",
            "set one or both in the environment (README: Run it on Telegram / on WhatsApp)",
        )
    if telegram and settings.telegram.mode == "webhook":
        if settings.telegram_webhook_secret is None:
            return blocker(
                "channels",
                "Telegram webhook mode without SIGAP_TELEGRAM_WEBHOOK_SECRET",
                "set it to a random string of 16+ characters: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'",
            )
        if not settings.telegram.webhook_url:
            return blocker(
                "channels",
                "Telegram webhook mode without telegram.webhook_url",
                f'set telegram.webhook_url = "https://YOUR-HOST{settings.telegram.webhook_path}"',
            )
    names = [
        f"Telegram ({settings.telegram.mode})" if telegram else "",
        "WhatsApp" if whatsapp else "",
    ]
    return ok("channels", " and ".join(n for n in names if n))


# --- database ------------------------------------------------------------------------------------


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database}"
    return f"PostgreSQL {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"


async def check_database(probe: Probe) -> Finding:
    """Reachable, and migrated to the revision this Sigap expects (then probe.database is set)."""
    url = probe.settings.database_url_value()
    where = _describe(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not _sqlite_file_exists(parsed.database):
        return blocker(
            "database",
            f"{where} does not exist",
            "run `sigap migrate` to create it (or check database.sqlite_path / SIGAP_DATABASE_URL)",
        )
    engine = create_engine(url, pool_size=1)
    try:
        current = await asyncio.wait_for(migrate.current_revision(engine), probe.timeout)
    except Exception as exc:  # any driver error: the operator needs its text, not a traceback
        await engine.dispose()
        return blocker(
            "database",
            f"cannot connect to {where}: {_error_text(exc)}",
            "check SIGAP_DATABASE_URL (user, password, host, database name) and that PostgreSQL "
            "is running and accepts connections from this host (pg_hba.conf, listen_addresses)",
        )
    head = migrate.head_revision()
    if current == head:
        probe.database = engine
        return ok("database", f"{where} reachable, at revision {current} (the newest)")
    await engine.dispose()
    if current is None:
        return blocker(
            "database",
            f"{where} has no tables yet (no revision); this Sigap needs revision {head}",
            "run `sigap migrate`",
        )
    if current not in _known_revisions():
        return blocker(
            "database",
            f"{where} is at revision {current}, which this Sigap does not know (its newest is {head}): "
            "a newer Sigap has migrated it",
            "run the newer Sigap again, or restore the backup taken before that upgrade "
            "(docs/deployment.md, Rolling back)",
        )
    return blocker(
        "database",
        f"{where} is at revision {current}; this Sigap needs revision {head}",
        "back up the database (deploy/backup.sh), then run `sigap migrate`",
    )


def _sqlite_file_exists(database: str | None) -> bool:
    # Checked first: connecting would create an empty file, and the doctor changes nothing.
    return bool(database) and Path(database or "").exists()


def _known_revisions() -> set[str]:
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config())
        return {revision.revision for revision in script.walk_revisions()}
    except CommandError:
        return set()


async def check_regions(probe: Probe) -> Finding:
    assert probe.database is not None
    async with create_sessionmaker(probe.database)() as session:
        counts = await health.region_counts(session)
    if not counts.get("villages"):
        return warn(
            "regions",
            "the list of Indonesian regions is not loaded: nobody can name a village yet",
            "run `sigap regions import` (`sigap run` also loads it on its first start)",
        )
    return ok("regions", ", ".join(f"{n:,} {level}" for level, n in counts.items()))


async def check_data_keys(probe: Probe) -> Finding:
    """SIGAP_DATA_KEYS present, well formed, and opening the sealed data already stored."""
    assert probe.database is not None
    production = probe.settings.environment == "production"
    value = probe.settings.data_keys.get_secret_value() if probe.settings.data_keys else None
    try:
        cipher = FieldCipher.from_setting(value)
    except DataKeyError as exc:
        return blocker("data keys", str(exc), "`sigap keys new` prints a valid key")
    try:
        async with create_sessionmaker(probe.database, cipher)() as session:
            opened = await health.open_sealed_samples(session)
    except DataKeyError as exc:
        return blocker(
            "data keys",
            f"stored reports cannot be read: {exc}",
            "put the key they were sealed with back into SIGAP_DATA_KEYS, after the newest one; "
            "drop an old key only after `sigap keys rotate` has finished",
        )
    if cipher is None:
        fix = "`sigap keys new`, put the key in SIGAP_DATA_KEYS, restart, then `sigap keys rotate`"
        message = "SIGAP_DATA_KEYS is not set: reports' personal fields are stored unencrypted"
        return blocker("data keys", message, fix) if production else warn("data keys", message, fix)
    keys = len([k for k in (value or "").split(",") if k.strip()])
    tried = f"{opened} sealed sample(s) opened" if opened else "nothing sealed yet to try them on"
    return ok("data keys", f"{keys} key(s); {tried}")


async def check_seen_keys(probe: Probe) -> Finding:
    """SIGAP_SEEN_KEYS, the HMAC keys of "seen before": present, long enough, and how much they
    already hash (a key dropped too early makes those identifiers unrecognisable)."""
    assert probe.database is not None
    value = probe.settings.seen_keys.get_secret_value() if probe.settings.seen_keys else None
    try:
        keys = IdentifierKeys.from_setting(value)
    except SeenKeyError as exc:
        return blocker("seen-before keys", str(exc), "`sigap keys new` prints a valid key")
    async with create_sessionmaker(probe.database)() as session:
        stored = await health.seen_identifier_count(session)
    if keys is None:
        fix = "`sigap keys new`, put the key in SIGAP_SEEN_KEYS, restart"
        message = "SIGAP_SEEN_KEYS is not set: ad checks do not say which recruiters were seen before" + (
            f", and the {stored:,} identifiers stored cannot be recognised" if stored else ""
        )
        production = probe.settings.environment == "production"
        return (
            blocker("seen-before keys", message, fix)
            if production
            else warn("seen-before keys", message, fix)
        )
    return ok("seen-before keys", f"{keys.count} key(s); {stored:,} identifier(s) stored")


async def check_register(probe: Probe) -> Finding:
    """The copy of the P3MI register the ad check looks companies up in, and how old it is."""
    assert probe.database is not None
    async with create_sessionmaker(probe.database)() as session:
        state = await health.register_state(session)
    fix = "load the latest export: `sigap agencies import FILE.csv --as-of YYYY-MM-DD` (README)"
    if state.as_of is None:
        return warn(
            "P3MI register",
            "not loaded: the ad check cannot say whether a placement company is licensed",
            fix,
        )
    age = (datetime.now(UTC).date() - state.as_of).days
    message = f"{state.companies:,} companies as of {state.as_of:%Y-%m-%d} ({age} days old)"
    if age > REGISTER_MAX_AGE_DAYS:
        return warn("P3MI register", f"{message}: licences change, the copy is stale", fix)
    return ok("P3MI register", message)


async def check_contacts(probe: Probe) -> Finding:
    """The regencies' own task-force and Disnaker numbers users are told to contact."""
    assert probe.database is not None
    async with create_sessionmaker(probe.database)() as session:
        regencies, oldest = await contacts_state(session)
    fix = "load the numbers your task forces confirmed: `sigap contacts import FILE.csv` (README)"
    if not regencies:
        return warn(
            "regency contacts",
            "none loaded: users told to contact their regency's task force get no number",
            fix,
        )
    age = (datetime.now(UTC).date() - oldest).days if oldest else 0
    message = f"{regencies} regency(ies); the oldest confirmed {oldest:%Y-%m-%d} ({age} days ago)"
    if age > CONTACTS_MAX_AGE_DAYS:
        return warn("regency contacts", f"{message}: numbers change, confirm them again", fix)
    return ok("regency contacts", message)


# --- this machine --------------------------------------------------------------------------------


def check_disk(settings: Settings) -> Finding | None:
    """Room for the SQLite file to grow and to be backed up; None on PostgreSQL (the server's own)."""
    parsed = make_url(settings.database_url_value())
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    path = Path(parsed.database).resolve()
    folder = next((p for p in (path.parent, *path.parents) if p.exists()), Path("/"))
    free = shutil.disk_usage(folder).free
    size = path.stat().st_size if path.exists() else 0
    message = f"{free / 1e9:.1f} GB free in {folder}; the database is {size / 1e6:.1f} MB"
    fix = "free space or move database.sqlite_path to a larger disk (stop Sigap, move the file)"
    if free < DISK_BLOCKER_BYTES:
        return blocker("disk", message, fix)
    if free < max(DISK_WARN_BYTES, 2 * size):
        return warn("disk", f"{message}: a backup copy may not fit", fix)
    if path.exists() and path.stat().st_mode & 0o077:
        return warn(
            "disk",
            f"{message}; the file is readable by other users (mode {path.stat().st_mode & 0o777:o})",
            f"chmod 600 {path}",
        )
    return ok("disk", message)


async def check_tesseract(probe: Probe) -> Finding:
    """The same test the bot makes before reading a picture (bot.pictures.tesseract_status)."""
    status = await asyncio.to_thread(tesseract_status, probe.settings.ocr)
    if not status.ready:
        return warn("tesseract", f"{status.detail}: pictures of job ads cannot be read", status.fix)
    return ok("tesseract", status.detail)


# --- HTTP ----------------------------------------------------------------------------------------


async def _get(probe: Probe, url: str, **kwargs: Any) -> tuple[int, Any, str]:
    """Status, JSON body (None if not JSON) and text of one GET; _Unreachable without an answer."""
    try:
        response = await probe.http.get(url, **kwargs)
    except httpx.TimeoutException as exc:
        raise _Unreachable(f"no answer within {probe.timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise _Unreachable(_error_text(exc)) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body, response.text


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def check_public_url(
    probe: Probe,
    check: str,
    url: str,
    expect: Callable[[int, str], bool],
    meanings: Mapping[int, tuple[str, str]] = MappingProxyType({}),
) -> Finding:
    """Whether the webhook's public address reaches Sigap through the TLS proxy; `meanings` says
    what other statuses mean at this address (problem, fix)."""
    shown = url.split("?")[0]  # a query may hold a secret (WhatsApp's verify token)
    try:
        status, _, text = await _get(probe, url)
    except _Unreachable as exc:
        return blocker(
            check,
            f"{shown} cannot be reached: {exc}",
            "check the DNS name, that ports 80 and 443 are open, and the proxy's TLS certificate "
            "(deploy/Caddyfile gets one itself); from inside the server, hairpin NAT may also hide it",
        )
    if expect(status, text):
        return ok(check, f"{shown} reaches Sigap")
    if status in meanings:
        problem, fix = meanings[status]
        return blocker(check, f"{shown} {problem}", fix)
    if status in (502, 503, 504):
        return blocker(
            check,
            f"{shown}: the proxy answers {status}: Sigap behind it does not",
            "start `sigap run` (systemctl status sigap), and check the proxy's upstream is web.host:web.port",
        )
    if status == 404:
        return blocker(
            check,
            f"{shown} answers 404: the proxy does not pass this path to Sigap",
            "route the webhook paths (telegram.webhook_path, whatsapp.webhook_path) to Sigap "
            "(deploy/Caddyfile)",
        )
    return blocker(
        check, f"{shown} answered {status}, not as Sigap does", "check what the proxy sends this path to"
    )


def public_base(settings: Settings, given: str | None) -> str | None:
    """https://host of this server: as given, else from the Telegram webhook URL."""
    if given:
        return given.rstrip("/")
    if settings.telegram_token is not None and settings.telegram.webhook_url:
        parts = urlsplit(settings.telegram.webhook_url)
        return f"{parts.scheme}://{parts.netloc}"
    return None


# --- Telegram ------------------------------------------------------------------------------------


async def _bot_api(probe: Probe, method: str) -> tuple[int, dict[str, Any]]:
    assert probe.settings.telegram_token is not None
    token = probe.settings.telegram_token.get_secret_value()
    status, body, _ = await _get(probe, f"{probe.settings.telegram.api_base.rstrip('/')}/bot{token}/{method}")
    return status, body if isinstance(body, dict) else {}


async def check_telegram_token(probe: Probe) -> Finding:
    try:
        status, body = await _bot_api(probe, "getMe")
    except _Unreachable as exc:
        return blocker(
            "telegram token",
            f"cannot reach {probe.settings.telegram.api_base}: {exc}",
            "check this server's DNS and that outgoing HTTPS is allowed",
        )
    if status == 200 and body.get("ok"):
        return ok("telegram token", f"accepted: the bot is @{body.get('result', {}).get('username', '?')}")
    if status in (401, 404):
        return blocker(
            "telegram token",
            f"Telegram refused SIGAP_TELEGRAM_TOKEN ({status} {body.get('description', '')})".rstrip(),
            "copy the token again from @BotFather (/mybots, your bot, API Token); "
            "a token is revoked when a new one is made",
        )
    return blocker(
        "telegram token",
        f"Telegram answered {status} {body.get('description', '')}".rstrip(),
        "try again in a minute; if it stays, check telegram.api_base",
    )


async def check_telegram_webhook(probe: Probe) -> Finding:
    """What Telegram says of the webhook (getWebhookInfo), against the configured mode and URL."""
    telegram = probe.settings.telegram
    try:
        status, body = await _bot_api(probe, "getWebhookInfo")
    except _Unreachable as exc:
        return blocker("telegram webhook", f"getWebhookInfo: {exc}", "try again in a minute")
    info = body.get("result") if status == 200 else None
    if not isinstance(info, dict):
        return blocker("telegram webhook", f"getWebhookInfo answered {status}", "try again in a minute")
    registered = str(info.get("url", ""))
    pending = int(info.get("pending_update_count", 0) or 0)
    error = _last_error(info)
    if telegram.mode == "polling":
        if registered:
            return warn(
                "telegram webhook",
                f"polling mode, but Telegram has a webhook registered at {registered}: "
                "`sigap run` removes it when it starts",
                "if another server serves this bot by webhook, stop one of them: a bot has one "
                "receiver; use webhook mode here (README) or another bot token",
            )
        return ok("telegram webhook", f"polling mode, no webhook registered; {pending} update(s) waiting")
    waiting = f"{pending} update(s) waiting" + (
        f"; Telegram's last delivery error: {error[0]}" if error else ""
    )
    if not registered:
        return warn(
            "telegram webhook",
            f"no webhook registered with Telegram yet; {waiting}",
            f"`sigap run` registers {telegram.webhook_url} when it starts; if it runs, read its log",
        )
    if registered != telegram.webhook_url:
        return blocker(
            "telegram webhook",
            f"Telegram delivers to {registered}, not to the configured {telegram.webhook_url}; {waiting}",
            "restart `sigap run` with this configuration (it registers telegram.webhook_url); if "
            "another server registered the other address, stop it: a bot has one webhook",
        )
    if error is not None and error[1]:
        return warn(
            "telegram webhook",
            f"registered at {registered}; {waiting}",
            "Telegram cannot deliver: check that the public URL reaches Sigap (next check) and the "
            "proxy's certificate",
        )
    if pending > PENDING_UPDATES_WARN:
        return warn(
            "telegram webhook",
            f"registered at {registered}; {waiting}",
            "updates are piling up: is `sigap run` answering? (its log, then the proxy's)",
        )
    return ok("telegram webhook", f"registered at {registered}; {waiting}")


def _last_error(info: dict[str, Any]) -> tuple[str, bool] | None:
    """Telegram's last delivery error with its time, and whether it is recent."""
    message = info.get("last_error_message")
    if not message:
        return None
    at = datetime.fromtimestamp(int(info.get("last_error_date", 0) or 0), UTC)
    recent = (datetime.now(UTC) - at).total_seconds() < RECENT_ERROR_SECONDS
    return f"{message} ({at:%Y-%m-%d %H:%M} UTC)", recent


async def check_telegram_public_url(probe: Probe) -> Finding:
    # A GET to the webhook path gets 405 from Sigap (the route takes POST only): that proves the
    # proxy passes the path on, without feeding Sigap an update or a refused-secret log line.
    return await check_public_url(
        probe, "telegram public URL", probe.settings.telegram.webhook_url, lambda status, _: status == 405
    )


async def telegram_checks(probe: Probe) -> list[Finding]:
    token = await check_telegram_token(probe)
    if token.status is not Status.OK:
        return [token]
    found = [token, await check_telegram_webhook(probe)]
    if probe.settings.telegram.mode == "webhook" and probe.settings.telegram.webhook_url:
        found.append(await check_telegram_public_url(probe))
    return found


# --- WhatsApp ------------------------------------------------------------------------------------


def check_whatsapp_settings(settings: Settings) -> Finding:
    missing = settings.whatsapp_missing()
    if missing:
        return blocker(
            "whatsapp settings",
            f"missing: {', '.join(missing)}",
            "README, Run it on WhatsApp, step 2 says where each value is found",
        )
    return ok("whatsapp settings", "phone number ID, app secret and verify token set")


async def check_whatsapp_token(probe: Probe) -> Finding:
    """The token opens the configured phone number (GET /<version>/<phone number id>)."""
    settings = probe.settings
    assert settings.whatsapp_token is not None
    wa = settings.whatsapp
    url = f"{wa.api_base.rstrip('/')}/{wa.api_version}/{wa.phone_number_id}"
    headers = {"Authorization": f"Bearer {settings.whatsapp_token.get_secret_value()}"}
    try:
        status, body, _ = await _get(probe, url, headers=headers)
    except _Unreachable as exc:
        return blocker(
            "whatsapp token",
            f"cannot reach {wa.api_base}: {exc}",
            "check this server's DNS and that outgoing HTTPS is allowed",
        )
    body = body if isinstance(body, dict) else {}
    if status == 200:
        name = f"{body.get('display_phone_number', '?')} ({body.get('verified_name', '?')})"
        quality = body.get("quality_rating")
        if quality == "RED":
            return warn(
                "whatsapp token",
                f"accepted for {name}, but the number's quality rating is RED",
                "WhatsApp Manager > Phone numbers: users blocked or reported messages; broadcast less",
            )
        return ok("whatsapp token", f"accepted for {name}" + (f", quality {quality}" if quality else ""))
    error = body.get("error")
    error = error if isinstance(error, dict) else {}
    detail = f"{status}, code {error.get('code', '?')}: {error.get('message', '')}".rstrip(": ")
    if status == 401 or error.get("code") == 190:
        return blocker(
            "whatsapp token",
            f"WhatsApp refused SIGAP_WHATSAPP_TOKEN ({detail})",
            "make a system user's permanent token (README, Run it on WhatsApp, step 2)",
        )
    if status in (400, 403, 404):
        return blocker(
            "whatsapp token",
            f"phone number ID {wa.phone_number_id} not found with this token ({detail})",
            "copy the phone number ID from WhatsApp > API Setup into whatsapp.phone_number_id, and "
            "give the token's system user the WhatsApp account",
        )
    return blocker("whatsapp token", f"the Graph API answered {detail}", "try again in a minute")


def check_whatsapp_templates(settings: Settings, languages: tuple[str, ...]) -> Finding:
    """A template per purpose and language, or that message cannot reach a user after 24 hours."""
    templates = settings.whatsapp.templates
    missing = [
        f"{purpose} ({', '.join(lacking)})"
        for purpose in TEMPLATE_PURPOSES
        if (
            lacking := [
                lang
                for lang in languages
                if purpose not in templates or lang not in templates[purpose].languages
            ]
        )
    ]
    if missing:
        return warn(
            "whatsapp templates",
            f"none configured for {'; '.join(missing)}: those messages cannot reach a user who "
            "has not written for 24 hours",
            "create them in WhatsApp Manager (README table), then name them under "
            "[whatsapp.templates.PURPOSE] in config.toml",
        )
    return ok(
        "whatsapp templates",
        f"{', '.join(TEMPLATE_PURPOSES)} configured in {', '.join(languages)} "
        "(their approval is checked in WhatsApp Manager)",
    )


async def check_whatsapp_public_url(probe: Probe) -> Finding:
    """Meta's verification request, through the public address, answered with the challenge."""
    settings = probe.settings
    base = probe.public_url
    if base is None:
        return warn(
            "whatsapp public URL",
            "not checked: this server's public address is not known",
            "sigap doctor --public-url https://YOUR-HOST",
        )
    assert settings.whatsapp_verify_token is not None
    challenge = secrets.token_hex(8)
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": settings.whatsapp_verify_token.get_secret_value(),
        "hub.challenge": challenge,
    }
    url = f"{base}{settings.whatsapp.webhook_path}?{httpx.QueryParams(query)}"
    refused = (
        "refuses our verify token",
        "the Sigap answering there runs with another SIGAP_WHATSAPP_VERIFY_TOKEN: restart it with "
        "this environment",
    )
    return await check_public_url(
        probe,
        "whatsapp public URL",
        url,
        lambda status, text: status == 200 and text == challenge,
        {403: refused},
    )


async def whatsapp_checks(probe: Probe, languages: tuple[str, ...]) -> list[Finding]:
    settings = check_whatsapp_settings(probe.settings)
    found = [settings]
    if settings.status is Status.OK:
        found.append(await check_whatsapp_token(probe))
    found.append(check_whatsapp_templates(probe.settings, languages))
    if settings.status is Status.OK:
        found.append(await check_whatsapp_public_url(probe))
    return found


# --- running them --------------------------------------------------------------------------------


async def database_checks(probe: Probe) -> list[Finding]:
    database = await check_database(probe)
    if database.status is not Status.OK:
        later = (
            "(regions, data keys, seen-before keys, the P3MI register and contacts are checked "
            "once this is fixed)"
        )
        return [Finding(database.check, database.status, f"{database.message} {later}", database.fix)]
    return [
        database,
        *await asyncio.gather(
            check_regions(probe),
            check_data_keys(probe),
            check_seen_keys(probe),
            check_register(probe),
            check_contacts(probe),
        ),
    ]


async def examine(
    settings: Settings,
    configuration: Finding,
    *,
    public_url: str | None = None,
    seconds_per_call: float = DOCTOR_TIMEOUT,
) -> list[Finding]:
    """Every check, in a fixed order; the network ones run side by side."""
    channels = check_channels(settings)
    # Before the database is opened: opening it makes the SQLite file private (db.session), and
    # the operator should hear what was found, not what Sigap already repaired.
    disk = check_disk(settings)
    try:
        languages = Content.load(default_content_dir(), settings.conversation.default_language).languages
    except ContentError:
        languages = (settings.conversation.default_language,)
    async with httpx.AsyncClient(timeout=seconds_per_call, follow_redirects=False) as http:
        probe = Probe(settings, http, seconds_per_call, public_base(settings, public_url))
        groups: list[Awaitable[list[Finding]]] = [database_checks(probe), _one(check_tesseract(probe))]
        if settings.telegram_token is not None and channels.status is Status.OK:
            groups.append(telegram_checks(probe))
        if settings.whatsapp_token is not None:
            groups.append(whatsapp_checks(probe, languages))
        try:
            results = await asyncio.gather(*groups)
        finally:
            if probe.database is not None:
                await probe.database.dispose()
    return [
        configuration,
        channels,
        *results[0],
        *([disk] if disk else []),
        *(f for r in results[1:] for f in r),
    ]


async def _one(check: Awaitable[Finding]) -> list[Finding]:
    return [await check]


def render(findings: list[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        label = finding.status.value.upper() if finding.status is Status.BLOCKER else finding.status.value
        lines.append(f"{label:<8} {finding.check:<20} {finding.message}")
        if finding.fix:
            lines.append(f"{'':<8} {'':<20} fix: {finding.fix}")
    return lines


def summary(findings: list[Finding]) -> str:
    counts = {status: sum(f.status is status for f in findings) for status in Status}
    text = f"{counts[Status.BLOCKER]} blocker(s), {counts[Status.WARN]} warning(s), {counts[Status.OK]} ok"
    if counts[Status.BLOCKER]:
        return f"{text}: Sigap cannot serve until the blockers are fixed"
    return text


def secret_values(settings: Settings | None) -> list[str]:
    """Every secret the settings hold, and the environment's, to be kept out of what is printed."""
    values = [
        secret.get_secret_value()
        for name in SECRET_FIELDS
        if settings is not None and (secret := getattr(settings, name)) is not None
    ]
    return values + [os.environ.get(f"SIGAP_{name.upper()}", "") for name in SECRET_FIELDS]


def main(config_path: Path | None, public_url: str | None, timeout: float = DOCTOR_TIMEOUT) -> int:
    """`sigap doctor`: prints every finding; exit code 1 when any is a blocker."""
    settings, configuration = load_configuration(config_path)
    configure_logging(logging.WARNING, secret_values(settings))
    findings = [configuration]
    if settings is not None:
        findings = asyncio.run(
            examine(settings, configuration, public_url=public_url, seconds_per_call=timeout)
        )
    redact = RedactingFilter(secret_values(settings)).redact
    for line in render(findings):
        print(redact(line))
    print(redact(summary(findings)))
    return 1 if any(f.status is Status.BLOCKER for f in findings) else 0


async def log_at_start(settings: Settings) -> None:
    """`sigap run`: the same checks, logged, with short timeouts; nothing here stops Sigap."""
    configuration = ok("configuration", f"loaded; environment {settings.environment}")
    try:
        findings = await examine(settings, configuration, seconds_per_call=START_TIMEOUT)
    except Exception:  # a check's own failure must not stop a bot that could serve
        log.exception("start-up checks failed")
        return
    levels = {Status.OK: logging.INFO, Status.WARN: logging.WARNING, Status.BLOCKER: logging.ERROR}
    for finding in findings:
        fix = f" (fix: {finding.fix})" if finding.fix else ""
        log.log(levels[finding.status], "check %s: %s%s", finding.check, finding.message, fix)
    log.info("start-up checks: %s (details: sigap doctor)", summary(findings))
