"""`sigap demo` as a user runs it: a real process, typed input, the embedded SQLite database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


def run_demo(database: Path, typed: list[str]) -> str:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "--config",
            str(ROOT / "config.toml"),
            "demo",
            "--database",
            str(database),
        ],
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
