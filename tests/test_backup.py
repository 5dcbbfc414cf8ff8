"""deploy/backup.sh and deploy/restore.sh round trip: cases filed through the bot, backed up, the
database dropped, restored, and the same cases read back through Sigap's own queries.
PostgreSQL goes through pg_dump / pg_restore; SQLite through its backup API, files kept 0600."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.cli import admin
from db import cases
from db.crypto import FieldCipher
from db.roles import Role
from db.session import create_engine, create_sessionmaker
from tests import harness as rig
from tests.conftest import POSTGRES_REQUIRED, _admin, _asyncpg_dsn
from tests.harness import FakeClock, start_harness_with, stop_harness
from tests.test_reports_e2e import arrival, file_report

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
KEY = Fernet.generate_key().decode()


async def script(name: str, *args: str, env: dict[str, str]) -> str:
    """deploy/NAME ARGS as an operator runs it, with the same environment as `sigap run`."""
    process = await asyncio.create_subprocess_exec(
        str(DEPLOY / name),
        *args,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, f"{name}: {err.decode()}"
    return out.decode()


async def cases_seen(database_url: str) -> list[tuple[Any, ...]]:
    """What Sigap reads of every case: reference, status, decrypted answers and history."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine, FieldCipher([KEY]))() as session:
            found = await cases.cases_in_region(session, None, open_only=False)
            return [
                (
                    case.reference,
                    case.status,
                    case.village_code,
                    case.details,
                    [(e.action, e.note) for e in await cases.history(session, case.id)],
                )
                for case in found
            ]
    finally:
        await engine.dispose()


def database_environment(database_url: str) -> dict[str, str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return {"SIGAP_DATABASE__SQLITE_PATH": str(url.database)}
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if POSTGRES_REQUIRED:
            pytest.fail("pg_dump and pg_restore are needed here (apt-get install postgresql-client)")
        pytest.skip("pg_dump / pg_restore not installed")
    return {"SIGAP_DATABASE_URL": database_url}


async def drop(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _remove_sqlite(str(url.database))
        return
    await _admin(f"DROP DATABASE {url.database} WITH (FORCE)")
    with pytest.raises(asyncpg.InvalidCatalogNameError, match="does not exist"):
        await asyncpg.connect(_asyncpg_dsn(url.database), timeout=10)


def _remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_backup_drop_restore_and_the_bot_sees_the_same_cases(
    database_url: str, fake_api: Any, tmp_path: Path
) -> None:
    env = database_environment(database_url)
    settings = rig.test_settings(database_url, fake_api.base_url).model_copy(
        update={"data_keys": SecretStr(KEY)}
    )
    bot = await start_harness_with(settings, fake_api, FakeClock())
    try:
        assert bot.service.core is not None
        await admin.grant(bot.service.core, Role.COORDINATOR, "telegram:821", "61.12")
        await bot.onboard(821)
        await bot.onboard(822)
        await bot.onboard(823)
        seen = len(fake_api.sent(821))
        await file_report(bot, 822)
        await file_report(bot, 823)
        await arrival(bot, 821, seen, count=2)
        number = (await cases_seen(database_url))[-1]
        first = await _case_id(bot, number[0])
        await bot.press(821, f"cs:ack:{first}")
    finally:
        await stop_harness(bot)
    before = await cases_seen(database_url)
    assert len(before) == 2 and {c[1] for c in before} == {"received", "acknowledged"}, before
    assert before[0][3]["person_name"] == "Siti Aminah", "answers read back decrypted"

    backups = tmp_path / "backups"
    printed = (await script("backup.sh", str(backups), env=env)).strip()
    backup = Path(printed)
    assert backup.parent == backups
    assert backup.suffix == (".sqlite" if "SIGAP_DATABASE__SQLITE_PATH" in env else ".dump")
    assert mode(backup) == 0o600, "a backup holds personal data"
    content = await asyncio.to_thread(backup.read_bytes)
    assert content and b"Siti Aminah" not in content, "answers stay sealed in the backup"

    await drop(database_url)
    await script("restore.sh", str(backup), "--yes", env=env)

    assert await cases_seen(database_url) == before
    if "SIGAP_DATABASE__SQLITE_PATH" in env:
        assert mode(Path(env["SIGAP_DATABASE__SQLITE_PATH"])) == 0o600


async def _case_id(bot: Any, reference: str) -> int:
    async with bot.service.core.sessions() as session:
        found = await cases.find_case(session, reference)
        assert found is not None
        return found.id


async def test_restore_refuses_a_backup_of_the_other_kind(tmp_path: Path) -> None:
    backup = tmp_path / "sigap-20261123T000000Z.dump"
    backup.write_bytes(b"PGDMP")
    process = await asyncio.create_subprocess_exec(
        str(DEPLOY / "restore.sh"),
        str(backup),
        "--yes",
        env={"PATH": os.environ.get("PATH", ""), "SIGAP_DATABASE__SQLITE_PATH": str(tmp_path / "x.db")},
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 2
    assert b"is a PostgreSQL dump: set SIGAP_DATABASE_URL" in err
    assert not (tmp_path / "x.db").exists()
