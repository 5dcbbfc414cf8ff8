"""`sigap demo` as a user runs it: a real process, typed input, the embedded SQLite database."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
DEMO = [sys.executable, "-m", "bot.cli", "--config", str(ROOT / "config.toml"), "demo"]


def run_demo(database: Path, typed: list[str], *options: str) -> str:
    completed = subprocess.run(
        [*DEMO, "--database", str(database), *options],
        input="\n".join(typed) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=database.parent,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_demo_checklist_and_resume(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    # Language 1 (Indonesia), privacy 1 (OK), awareness offer 2 (later), menu 1 (check), then the
    # route 1 (placement company), the work 1 (factory) and the place 1 (Malaysia).
    output = run_demo(database, ["1", "1", "2", "1", "1", "1", "1"])
    assert "Pilih bahasa / Choose your language:" in output
    assert "[1] Perusahaan penyalur" in output
    assert "[1] Ya   [2] Tidak   [3] Tidak tahu" in output
    assert "Pertanyaan 4 dari" in output

    # A new process on the same database continues at question 4; answer the rest "Tidak".
    output = run_demo(database, ["2"] * 11)
    assert "Pertanyaan 4 dari" in output.split("\n> ")[0], "resumed where the user was"
    assert "Risiko TINGGI" in output and "Alasan utama:" in output
    assert "0800-1000" in output
    assert "[1] Semua alasan" in output

    with create_engine(f"sqlite:///{database}").connect() as connection:
        risks = connection.execute(text("SELECT risk FROM checklist_results")).scalars().all()
    # "Tidak" to "18 or older?" alone makes it HIGH.
    assert risks == ["high"]


def test_demo_quits_cleanly_and_refuses_bad_config(tmp_path: Path) -> None:
    output = run_demo(tmp_path / "demo.db", ["/keluar"])
    assert "Sigap" in output
    bad = tmp_path / "bad.toml"
    bad.write_text("telegram_token = 'x'\n")
    completed = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(bad), "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 2
    assert "SIGAP_TELEGRAM_TOKEN" in completed.stderr


def test_sigap_command_is_installed() -> None:
    script = Path(sys.executable).parent / "sigap"
    assert script.exists(), "pip install put no `sigap` command next to this Python"
    completed = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0 and "demo" in completed.stdout


def test_demo_as_coordinator_shows_the_task_force_side(tmp_path: Path) -> None:
    # Language 1, privacy 1 (OK), awareness offer 2 (later), then the coordinators' case list.
    output = run_demo(tmp_path / "demo.db", ["1", "1", "2", "/kasus"], "--as", "coordinator")
    assert "console:demo is now coordinator for Kabupaten Kubu Raya (61.12)" in output
    assert "Tidak ada kasus terbuka di wilayah Anda." in output, "/kasus answers a coordinator"


def test_ctrl_c_leaves_the_demo_at_once(tmp_path: Path) -> None:
    """Ctrl-C while the demo waits for a line ends it without waiting for Enter (issue 18)."""
    process = subprocess.Popen(
        [*DEMO, "--database", str(tmp_path / "demo.db")],
        stdin=subprocess.PIPE,  # held open and never written: the demo waits for a line
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None and process.stderr is not None
    shown = b""
    while b"\n> " not in shown:  # the first prompt: the demo is reading
        ready, _, _ = select.select([process.stdout], [], [], 120)
        assert ready, "the demo never asked for a line"
        chunk = os.read(process.stdout.fileno(), 4096)
        assert chunk, process.stderr.read().decode()
        shown += chunk
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("Ctrl-C did not end the demo: it waits for Enter") from None
    finally:
        assert process.stdin is not None
        process.stdin.close()
    assert code == 130, process.stderr.read().decode()
    assert b"Traceback" not in process.stderr.read()
