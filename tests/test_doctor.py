"""`sigap doctor` run as a process, as an operator runs it: against real databases (SQLite and
PostgreSQL), the fake Bot API and Graph API servers, and a real `sigap run` behind the webhook
addresses; what it prints, and its exit code (1 on a blocker). `sigap run` logs the same checks."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot import doctor
from db import agencies, cases
from db.crypto import FieldCipher
from db.session import create_engine, create_sessionmaker
from migrations import runner as migrate
from tests.fakes.graph_api import PHONE_NUMBER_ID, FakeGraphAPI
from tests.harness import TOKEN, WEBHOOK_SECRET, start_sigap_run

ROOT = Path(__file__).resolve().parent.parent
HEAD = migrate.head_revision()
WA_TOKEN = "EAAG-test-token-for-the-fake-graph-api"
WA_SECRETS = {
    "SIGAP_WHATSAPP_TOKEN": WA_TOKEN,
    "SIGAP_WHATSAPP_APP_SECRET": "app-secret-for-tests-0123456789",
    "SIGAP_WHATSAPP_VERIFY_TOKEN": "verify-token-for-tests-0123456789",
    "SIGAP_WHATSAPP__PHONE_NUMBER_ID": PHONE_NUMBER_ID,
}
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


async def sigap_doctor(
    env: dict[str, str], *args: str, config: Path = ROOT / "config.toml", path: str | None = None
) -> tuple[int, str]:
    """`sigap doctor ARGS` as its own process (the fakes keep serving in this event loop meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(config),
        "doctor",
        *args,
        env={
            "PATH": path if path is not None else os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            **env,
        },
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


def finding(output: str, check: str) -> tuple[str, str]:
    """(status, message and fix) of one check in the doctor's output; ("", "") if it is not there."""
    lines = output.splitlines()
    for number, line in enumerate(lines):
        match = re.match(rf"(ok|warn|BLOCKER)\s+{re.escape(check)}\s{{2,}}(.*)", line)
        if match:
            fix = lines[number + 1].strip() if number + 1 < len(lines) else ""
            return match.group(1), match.group(2) + (" | " + fix if fix.startswith("fix:") else "")
    return "", ""


def telegram_env(database_url: str, api: Any, **extra: str) -> dict[str, str]:
    return {
        "SIGAP_DATABASE_URL": database_url,
        "SIGAP_TELEGRAM_TOKEN": TOKEN,
        "SIGAP_TELEGRAM__API_BASE": api.base_url,
        **extra,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- database -------------------------------------------------------------------------------------


async def test_a_ready_installation_passes_with_the_revision_and_what_is_loaded(
    database_url: str, fake_api: Any
) -> None:
    fake_api.token = TOKEN
    code, output = await sigap_doctor(telegram_env(database_url, fake_api))
    assert code == 0, output
    status, message = finding(output, "database")
    assert status == "ok" and f"at revision {HEAD} (the newest)" in message, output
    assert finding(output, "regions") == (
        "ok",
        "38 provinces, 514 regencies, 7,285 districts, 83,762 villages",
    ), output
    assert finding(output, "telegram token") == ("ok", "accepted: the bot is @SigapTestBot"), output
    assert finding(output, "telegram webhook")[0] == "ok", output
    status, message = finding(output, "P3MI register")
    assert status == "warn" and "sigap agencies import" in message, output
    status, message = finding(output, "data keys")
    assert status == "warn" and "unencrypted" in message, output
    assert "0 blocker(s)" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


@pytest.mark.parametrize(
    ("revision", "expected"),
    [
        (None, f"has no tables yet (no revision); this Sigap needs revision {HEAD}"),
        ("0005", f"is at revision 0005; this Sigap needs revision {HEAD}"),
        ("9999", "is at revision 9999, which this Sigap does not know"),
    ],
)
async def test_a_database_not_at_the_newest_revision_is_a_blocker(
    blank_database_url: str, fake_api: Any, revision: str | None, expected: str
) -> None:
    engine = create_engine(blank_database_url)
    try:
        if revision == "9999":  # as a newer Sigap leaves it
            await migrate.upgrade(engine)
            async with engine.begin() as connection:
                await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        elif revision is not None:
            await migrate.upgrade(engine, revision)
        else:
            async with engine.begin() as connection:  # the file or database exists, empty
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    fake_api.token = TOKEN
    code, output = await sigap_doctor(telegram_env(blank_database_url, fake_api))
    assert code == 1, output
    status, message = finding(output, "database")
    assert status == "BLOCKER" and expected in message, output
    assert ("sigap migrate" in message) == (revision != "9999"), output
    assert finding(output, "regions") == ("", ""), "nothing is looked up in a database not migrated"


async def test_a_missing_sqlite_file_is_a_blocker_and_is_not_created(tmp_path: Path, fake_api: Any) -> None:
    path = tmp_path / "nowhere" / "sigap.db"
    fake_api.token = TOKEN
    code, output = await sigap_doctor(telegram_env(f"sqlite+aiosqlite:///{path}", fake_api))
    assert code == 1
    status, message = finding(output, "database")
    assert status == "BLOCKER" and "does not exist" in message and "sigap migrate" in message
    assert not path.exists() and not path.parent.exists()


async def test_postgresql_that_does_not_answer_is_a_blocker_within_the_timeout(fake_api: Any) -> None:
    port = free_port()  # nothing listens there
    fake_api.token = TOKEN
    url = f"postgresql+asyncpg://sigap:pw-not-shown@127.0.0.1:{port}/sigap"
    code, output = await sigap_doctor(telegram_env(url, fake_api), "--timeout", "3")
    assert code == 1
    status, message = finding(output, "database")
    assert status == "BLOCKER" and f"cannot connect to PostgreSQL 127.0.0.1:{port}/sigap" in message, output
    assert "pw-not-shown" not in output


async def test_data_keys_must_open_what_is_stored(database_url: str, fake_api: Any) -> None:
    engine = create_engine(database_url)
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    try:
        async with create_sessionmaker(engine, FieldCipher([KEY_A]))() as session, session.begin():
            case = await cases.create_case(
                session,
                kind="missing",
                village_code="61.12.09.2001",
                reporter_user_id=None,
                verified_source=False,
                contact_allowed=True,
                details={"name": "Siti Aminah"},
                now=now,
                ack_deadline=now + timedelta(hours=2),
            )
            await cases.add_event(session, case.id, "note", None, "dia di Phnom Penh", now)
    finally:
        await engine.dispose()
    fake_api.token = TOKEN
    base = telegram_env(database_url, fake_api)
    code, output = await sigap_doctor({**base, "SIGAP_DATA_KEYS": f"{KEY_B},{KEY_A}"})
    assert code == 0, output
    assert finding(output, "data keys") == ("ok", "2 key(s); 3 sealed sample(s) opened"), output
    for keys, expected in [
        (KEY_B, "stored reports cannot be read: no key in SIGAP_DATA_KEYS opens"),
        ("", "stored reports cannot be read: this field is encrypted: set SIGAP_DATA_KEYS"),
        ("not-a-key", "SIGAP_DATA_KEYS must be Fernet keys"),
    ]:
        code, output = await sigap_doctor({**base, "SIGAP_DATA_KEYS": keys} if keys else base)
        assert code == 1, output
        status, message = finding(output, "data keys")
        assert status == "BLOCKER" and expected in message, output
        assert KEY_A not in output and KEY_B not in output


async def test_an_old_register_is_a_warning_with_its_age(database_url: str, fake_api: Any) -> None:
    engine = create_engine(database_url)
    as_of = date.today() - timedelta(days=200)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            rows = agencies.read_register(ROOT / "docs" / "samples" / "p3mi_register_SAMPLE.csv")
            await agencies.replace_register(session, rows, as_of)
    finally:
        await engine.dispose()
    fake_api.token = TOKEN
    code, output = await sigap_doctor(telegram_env(database_url, fake_api))
    assert code == 0, output
    status, message = finding(output, "P3MI register")
    assert status == "warn", output
    licensed = sum(not row.revoked for row in rows)  # a revoked company is kept, not counted
    assert licensed < len(rows)
    assert f"{licensed} companies as of {as_of:%Y-%m-%d} (200 days old): licences change" in message


async def test_production_refusals_are_listed_and_the_other_checks_still_run(
    cli_database: Path, fake_api: Any
) -> None:
    fake_api.token = TOKEN
    env = telegram_env(f"sqlite+aiosqlite:///{cli_database}", fake_api, SIGAP_ENVIRONMENT="production")
    code, output = await sigap_doctor(env)
    assert code == 1
    status, message = finding(output, "configuration")
    assert status == "BLOCKER" and "SIGAP_DATA_KEYS is missing or empty" in message, output
    assert "input_value" not in output, "pydantic's dump of the input (secrets) is not printed"
    assert finding(output, "data keys")[0] == "BLOCKER", "production needs keys"
    assert finding(output, "database")[0] == "ok" and finding(output, "telegram token")[0] == "ok"


async def test_a_configuration_that_does_not_load_is_a_blocker(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[telegram]\nmode = "carrier-pigeon"\n')
    code, output = await sigap_doctor({}, config=config)
    assert code == 1
    status, message = finding(output, "configuration")
    assert status == "BLOCKER" and "telegram.mode: Input should be 'polling' or 'webhook'" in message, output
    assert "validation error" not in message


async def test_disk_space_and_file_mode_of_the_sqlite_file(cli_database: Path, fake_api: Any) -> None:
    fake_api.token = TOKEN
    env = telegram_env(f"sqlite+aiosqlite:///{cli_database}", fake_api)
    await asyncio.to_thread(cli_database.chmod, 0o644)
    _, output = await sigap_doctor(env)
    status, message = finding(output, "disk")
    assert status == "warn" and "readable by other users (mode 644)" in message and "chmod 600" in message
    await asyncio.to_thread(cli_database.chmod, 0o600)
    _, output = await sigap_doctor(env)
    status, message = finding(output, "disk")
    assert status == "ok" and re.search(r"GB free in .*; the database is \d+\.\d MB$", message), output


async def test_tesseract_language_data_missing_is_a_warning(
    cli_database: Path, fake_api: Any, tmp_path: Path
) -> None:
    """Checked where the bot looks ([ocr] tessdata): no data at all, then English without Indonesian."""
    fake_api.token = TOKEN
    env = telegram_env(f"sqlite+aiosqlite:///{cli_database}", fake_api)
    empty = tmp_path / "tessdata"
    empty.mkdir()
    code, output = await sigap_doctor({**env, "SIGAP_OCR__TESSDATA": str(empty)})
    assert code == 0, output
    status, message = finding(output, "tesseract")
    assert status == "warn" and f"are not in {empty}" in message and "tesseract-ocr-ind" in message, output
    (empty / "eng.traineddata").write_bytes(b"")
    _, output = await sigap_doctor({**env, "SIGAP_OCR__TESSDATA": str(empty)})
    status, message = finding(output, "tesseract")
    assert status == "warn" and "cannot be read" in message, output


# --- Telegram -------------------------------------------------------------------------------------


async def test_a_refused_telegram_token_is_a_blocker(cli_database: Path, fake_api: Any) -> None:
    fake_api.token = "999:another-bot-entirely"
    code, output = await sigap_doctor(telegram_env(f"sqlite+aiosqlite:///{cli_database}", fake_api))
    assert code == 1
    status, message = finding(output, "telegram token")
    assert status == "BLOCKER" and "Telegram refused SIGAP_TELEGRAM_TOKEN (401 Unauthorized)" in message
    assert "@BotFather" in message
    assert finding(output, "telegram webhook") == ("", ""), "nothing more is asked with a refused token"
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


async def test_an_unreachable_bot_api_is_a_blocker(cli_database: Path) -> None:
    env = {
        "SIGAP_DATABASE_URL": f"sqlite+aiosqlite:///{cli_database}",
        "SIGAP_TELEGRAM_TOKEN": TOKEN,
        "SIGAP_TELEGRAM__API_BASE": f"http://127.0.0.1:{free_port()}",
    }
    code, output = await sigap_doctor(env)
    assert code == 1
    status, message = finding(output, "telegram token")
    assert status == "BLOCKER" and "cannot reach http://127.0.0.1:" in message, output


async def test_a_webhook_registered_at_another_url_is_a_blocker_with_telegrams_error(
    cli_database: Path, fake_api: Any
) -> None:
    fake_api.token = TOKEN
    fake_api.webhook_url = "https://old-server.example.org/telegram/webhook"
    fake_api.webhook_error = "Connection timed out"
    fake_api.pending_updates = 7
    ours = f"http://127.0.0.1:{free_port()}/telegram/webhook"  # nothing listens there
    env = telegram_env(
        f"sqlite+aiosqlite:///{cli_database}",
        fake_api,
        SIGAP_TELEGRAM__MODE="webhook",
        SIGAP_TELEGRAM__WEBHOOK_URL=ours,
        SIGAP_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    code, output = await sigap_doctor(env)
    assert code == 1
    status, message = finding(output, "telegram webhook")
    assert status == "BLOCKER", output
    assert f"Telegram delivers to {fake_api.webhook_url}, not to the configured {ours}" in message
    assert "7 update(s) waiting; Telegram's last delivery error: Connection timed out" in message
    status, message = finding(output, "telegram public URL")
    assert status == "BLOCKER" and f"{ours} cannot be reached" in message, output
    assert WEBHOOK_SECRET not in output


async def test_polling_with_a_webhook_registered_is_a_warning(cli_database: Path, fake_api: Any) -> None:
    fake_api.token = TOKEN
    fake_api.webhook_url = "https://other.example.org/telegram/webhook"
    code, output = await sigap_doctor(telegram_env(f"sqlite+aiosqlite:///{cli_database}", fake_api))
    assert code == 0, output
    status, message = finding(output, "telegram webhook")
    assert status == "warn" and "removes it when it starts" in message, output


async def test_run_logs_the_checks_and_doctor_sees_both_webhooks_reach_sigap(
    cli_database: Path, fake_api: Any, tmp_path: Path
) -> None:
    """The real thing: `sigap run` (Telegram webhook and WhatsApp) registers its webhook and logs
    the checks; the doctor then finds the webhook at the configured URL and both public
    addresses answering as Sigap does; with another verify token it says so."""
    fake_api.token = TOKEN
    graph = FakeGraphAPI(token=WA_TOKEN)
    await graph.start()
    port = free_port()
    env = {
        **telegram_env(
            f"sqlite+aiosqlite:///{cli_database}",
            fake_api,
            SIGAP_TELEGRAM__MODE="webhook",
            SIGAP_TELEGRAM__WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
            SIGAP_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            SIGAP_WEB__PORT=str(port),
        ),
        **WA_SECRETS,
        "SIGAP_WHATSAPP__API_BASE": graph.base_url,
    }
    process = await start_sigap_run(env, tmp_path)
    try:
        assert process.stderr is not None
        log = ""
        while "start-up checks:" not in log:
            line = await asyncio.wait_for(process.stderr.readline(), 120)
            assert line, log
            log += line.decode()
        code, output = await sigap_doctor(env)
        _, other_token = await sigap_doctor({**env, "SIGAP_WHATSAPP_VERIFY_TOKEN": "another-verify-token"})
    finally:
        process.terminate()
        await process.wait()
        await graph.stop()
    assert f"check database: SQLite {cli_database} reachable, at revision {HEAD}" in log
    assert "check telegram webhook: registered at http://127.0.0.1:" in log
    assert "check whatsapp token: accepted for +1 555-000-1111 (Sigap Test)" in log
    assert "start-up checks: 0 blocker(s)" in log
    assert TOKEN.split(":")[1] not in log and WA_TOKEN not in log
    assert code == 0, output
    assert finding(output, "telegram webhook")[0] == "ok", output
    assert finding(output, "telegram public URL") == (
        "ok",
        f"http://127.0.0.1:{port}/telegram/webhook reaches Sigap",
    )
    assert finding(output, "whatsapp public URL") == (
        "ok",
        f"http://127.0.0.1:{port}/whatsapp/webhook reaches Sigap",
    )
    status, message = finding(other_token, "whatsapp public URL")
    assert status == "BLOCKER" and "refuses our verify token" in message, other_token
    for secret in WA_SECRETS.values():
        assert secret == PHONE_NUMBER_ID or secret not in output + other_token


# --- WhatsApp -------------------------------------------------------------------------------------


@pytest.fixture
async def graph_api() -> Any:
    api = FakeGraphAPI(token=WA_TOKEN)
    await api.start()
    yield api
    await api.stop()


def whatsapp_env(database: Path, graph: Any, **extra: str) -> dict[str, str]:
    return {
        "SIGAP_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        **WA_SECRETS,
        "SIGAP_WHATSAPP__API_BASE": graph.base_url,
        **extra,
    }


async def test_whatsapp_token_phone_number_and_templates(
    cli_database: Path, graph_api: Any, tmp_path: Path
) -> None:
    code, output = await sigap_doctor(whatsapp_env(cli_database, graph_api))
    assert code == 0, output
    assert finding(output, "whatsapp token") == (
        "ok",
        "accepted for +1 555-000-1111 (Sigap Test), quality GREEN",
    )
    assert finding(output, "whatsapp settings")[0] == "ok"
    assert finding(output, "whatsapp templates")[0] == "ok", output
    status, message = finding(output, "whatsapp public URL")
    assert status == "warn" and "--public-url" in message, "no address known: said, not guessed"

    code, output = await sigap_doctor(
        whatsapp_env(cli_database, graph_api, SIGAP_WHATSAPP_TOKEN="EAAG-revoked")
    )
    assert code == 1
    status, message = finding(output, "whatsapp token")
    assert status == "BLOCKER" and "WhatsApp refused SIGAP_WHATSAPP_TOKEN (401, code 190" in message

    code, output = await sigap_doctor(
        whatsapp_env(cli_database, graph_api, SIGAP_WHATSAPP__PHONE_NUMBER_ID="15550001111")
    )
    assert code == 1
    status, message = finding(output, "whatsapp token")
    assert status == "BLOCKER" and "phone number ID 15550001111 not found" in message, output

    config = tmp_path / "config.toml"
    shipped = (ROOT / "config.toml").read_text()
    without_digest = re.sub(r"\[whatsapp\.templates\.digest\][^\[]*", "", shipped)
    config.write_text(
        without_digest.replace(
            'name = "sigap_broadcast"\nlanguages = { id = "id", en = "en" }',
            'name = "sigap_broadcast"\nlanguages = { id = "id" }',
        )
    )
    code, output = await sigap_doctor(whatsapp_env(cli_database, graph_api), config=config)
    assert code == 0, output
    status, message = finding(output, "whatsapp templates")
    assert status == "warn" and "none configured for broadcast (en); digest (id, en)" in message, output


async def test_whatsapp_without_its_secrets_is_a_blocker(cli_database: Path, graph_api: Any) -> None:
    env = whatsapp_env(cli_database, graph_api)
    del env["SIGAP_WHATSAPP_APP_SECRET"]
    code, output = await sigap_doctor(env)
    assert code == 1
    status, message = finding(output, "whatsapp settings")
    assert status == "BLOCKER" and "missing: SIGAP_WHATSAPP_APP_SECRET" in message, output


async def test_no_messenger_is_a_blocker(cli_database: Path) -> None:
    code, output = await sigap_doctor({"SIGAP_DATABASE_URL": f"sqlite+aiosqlite:///{cli_database}"})
    assert code == 1
    assert finding(output, "channels")[0] == "BLOCKER"


def test_every_template_purpose_a_handler_sends_is_checked() -> None:
    sources = " ".join(p.read_text() for p in (ROOT / "handlers").rglob("*.py"))
    purposes = set(re.findall(r"Template\(\s*\"(\w+)\"", sources))
    assert purposes and purposes <= set(doctor.TEMPLATE_PURPOSES), purposes
