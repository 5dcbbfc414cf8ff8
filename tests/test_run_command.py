"""`sigap run` as an operator starts it: migrations applied, polling, clean stop on SIGTERM and SIGINT."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.harness import TOKEN, start_sigap_run
from tests.telegram_updates import text_update

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_run_polls_answers_and_stops_cleanly_on_signal(
    fake_api: Any, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    database = tmp_path / "sigap.db"
    env = {
        "SIGAP_TELEGRAM_TOKEN": TOKEN,
        "SIGAP_TELEGRAM__API_BASE": fake_api.base_url,
        "SIGAP_DATABASE__SQLITE_PATH": str(database),
    }
    process = await start_sigap_run(env, tmp_path)
    try:
        fake_api.push_update(text_update(601, "/start"))
        await fake_api.wait_for_sent(1, chat_id=601, within=120)
        process.send_signal(stop_signal)
        returncode = await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.stderr is not None
    log = (await process.stderr.read()).decode()
    assert returncode == 0, log
    assert "stopping" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log, "the token never reaches the log"
    with create_engine(f"sqlite:///{database}").connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert connection.execute(text("SELECT count(*) FROM users")).scalar_one() == 1


async def test_run_without_token_explains(tmp_path: Path) -> None:
    process = await start_sigap_run({}, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert b"SIGAP_TELEGRAM_TOKEN" in stderr
