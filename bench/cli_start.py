"""How long `sigap` takes to start, against a bare `python -c pass`, measured in one run.

    python bench/cli_start.py [--rounds 7]

Three commands, each run --rounds times in turn (interleaved, so a busy machine slows them alike),
the median wall time of each printed in seconds and as a ratio to `python -c pass`:
- `sigap --help`: the parser alone (no settings, no database);
- `sigap check-offer` on a short ad, on a SQLite file migrated before the timing starts: settings,
  content, the analysis and the database, the whole command an operator waits for.
The target (issue 17): each under one second. Which modules a command must NOT import is a test
(tests/test_cli_imports.py); time is only printed here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AD = "Dicari TKW ke Malaysia, gaji 8 juta, tanpa biaya, berangkat minggu depan. WA 081234567890\n"


def timed(command: list[str], env: dict[str, str], stdin: str = "") -> float:
    start = time.perf_counter()
    subprocess.run(command, input=stdin, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "SIGAP_DATABASE__SQLITE_PATH": str(Path(folder) / "bench.db"),
        }
        sigap = [sys.executable, "-m", "bot.cli", "--config", str(ROOT / "config.toml")]
        commands = {
            "python -c pass": ([sys.executable, "-c", "pass"], ""),
            "sigap --help": ([*sigap, "--help"], ""),
            "sigap check-offer": ([*sigap, "check-offer"], AD),
        }
        subprocess.run([*sigap, "migrate"], env=env, cwd=ROOT, capture_output=True, check=True)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, (command, stdin) in commands.items():
                times[name].append(timed(command, env, stdin))
    base = statistics.median(times["python -c pass"])
    print(f"median of {rounds} rounds, wall time")
    for name, taken in times.items():
        median = statistics.median(taken)
        print(f"{name:<20} {median:6.3f} s  {median / base:6.1f} x python -c pass")


if __name__ == "__main__":
    main()
