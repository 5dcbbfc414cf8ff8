"""Mutation testing of the code that protects people, one module at a time (mutmut 3).

    python bench/mutation.py handlers/access.py            # one module, its own tests
    python bench/mutation.py --list                        # the modules and their tests
    python bench/mutation.py --all                         # every module below (long: hours)
    python bench/mutation.py db/crypto.py --both-databases # also on PostgreSQL (twice as long)

For each module it copies the project to a scratch folder, writes there a [tool.mutmut] that
mutates only that module and runs only the test files named below (the whole suite per mutant
would take days on a small machine), runs `mutmut run`, and prints the mutation score (killed /
all mutants that some test reaches) and every surviving mutant as a diff. Database tests run on
SQLite only unless --both-databases: a mutant the SQLite half kills is killed.

Needs `pip install 'mutmut>=3.3,<4'` (not in the dev extra: it is only for this script).
Not part of .ci/run: docs/testing.md says how long each module took and explains the survivors.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The modules that protect people, and the test files that are meant to catch a bug in each.
MODULES: dict[str, list[str]] = {
    "handlers/access.py": ["tests/test_roles.py"],
    "db/roles.py": ["tests/test_roles.py"],
    "handlers/cases/forwarding.py": ["tests/test_guards.py", "tests/test_reports_e2e.py"],
    "db/outbox.py": ["tests/test_outbox.py", "tests/test_guards.py"],
    "bot/channels/whatsapp_format.py": ["tests/test_whatsapp_format.py", "tests/test_guards.py"],
    "db/personal_data.py": [
        "tests/test_guards.py",
        "tests/test_erasure_leaves_nothing.py",
        "tests/test_privacy.py",
    ],
    "db/crypto.py": ["tests/test_encryption.py"],
    "handlers/statistics/figures.py": ["tests/test_statistics.py", "tests/test_guards.py"],
    "handlers/statistics/charts.py": ["tests/test_statistics.py", "tests/test_guards.py"],
    "handlers/checklist/scoring.py": ["tests/test_checklist_scoring.py", "tests/test_checklist_personas.py"],
    "handlers/offers/analysis.py": ["tests/test_offer_analysis.py"],
}
STATUS = re.compile(r"^\s*(?P<name>\S+): (?P<status>[a-z ]+?)\s*$")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def scratch_copy(module: str, tests: list[str], both_databases: bool) -> Path:
    """The project's tracked and new files (not .venv, not old mutants) with a [tool.mutmut]
    for this module only."""
    folder = Path(tempfile.mkdtemp(prefix="sigap-mutation-"))
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not name.startswith(("mutants/", ".venv/")):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    shared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    selection = [*tests] + ([] if both_databases else ["-k", "not postgresql"])
    settings = {**shared, "only_mutate": [module], "pytest_add_cli_args_test_selection": selection}
    section = "[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
    text = (folder / "pyproject.toml").read_text()
    text = re.sub(r"^\[tool\.mutmut\].*?(?=^\[|\Z)", lambda _: section, text, flags=re.M | re.S)
    (folder / "pyproject.toml").write_text(text)
    tomllib.loads(text)  # still valid
    return folder


def run_module(module: str, tests: list[str], children: int, both_databases: bool) -> tuple[float, list[str]]:
    folder = scratch_copy(module, tests, both_databases)
    mutmut = [sys.executable, "-m", "mutmut"]
    started = time.monotonic()
    try:
        subprocess.run([*mutmut, "run", "--max-children", str(children)], cwd=folder, check=True)
        listing = subprocess.run(
            [*mutmut, "results", "--all", "true"], cwd=folder, capture_output=True, text=True, check=False
        ).stdout
        statuses = {m["name"]: m["status"] for m in map(STATUS.match, listing.splitlines()) if m}
        reached = {name: s for name, s in statuses.items() if s not in ("no tests", "skipped", "not checked")}
        killed = sum(1 for s in reached.values() if s in KILLED)
        survivors = sorted(name for name, s in reached.items() if s not in KILLED)
        minutes = (time.monotonic() - started) / 60
        score = killed / len(reached) if reached else 0.0
        untested = len(statuses) - len(reached)
        print(
            f"\n== {module}: score {score:.2f} ({killed} of {len(reached)} killed; "
            f"{untested} mutants no test reaches) in {minutes:.1f} min, tests: {' '.join(tests)}"
        )
        for name in survivors:
            diff = subprocess.run(
                [*mutmut, "show", name], cwd=folder, capture_output=True, text=True, check=False
            ).stdout
            print(f"-- survived: {name} ({reached[name]})\n{diff.strip()}\n")
        return score, survivors
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="paths as listed by --list")
    parser.add_argument("--all", action="store_true", help="every module (hours on a small machine)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--children", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--both-databases", action="store_true", help="also run PostgreSQL tests")
    options = parser.parse_args()
    if options.list:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    chosen = list(MODULES) if options.all else options.modules
    unknown = [m for m in chosen if m not in MODULES]
    if not chosen or unknown:
        parser.error(f"unknown modules {unknown}: see --list" if unknown else "name a module or --all")
    scores = {m: run_module(m, MODULES[m], options.children, options.both_databases)[0] for m in chosen}
    print("\nmutation scores:")
    for module, score in scores.items():
        print(f"  {module}: {score:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
