"""Mutation testing of the code that protects people, one area at a time (mutmut 3).

    python bench/mutation.py webhook-auth              # one area: its functions, its fast tests
    python bench/mutation.py --list                    # the areas, what is mutated, which tests
    python bench/mutation.py --all                     # every area below, smallest first
    python bench/mutation.py crypto --both-databases   # also on PostgreSQL (twice as long)

For each area it copies the project to a scratch folder, writes there a [tool.mutmut] that
mutates only that area's modules and runs only the fast tests named below (the whole suite per
mutant would take days on a small machine; unit tests and the few end-to-end tests written for
exactly this behaviour), runs `mutmut run` on the area's functions, and prints the mutation score
(killed / all mutants that some selected test reaches) and every surviving mutant as a diff.
Database tests run on SQLite only unless --both-databases: the behaviour mutated here is the same
on both (plain inserts, deletes and selects), and a mutant the SQLite half kills is killed.
The migrated SQLite template is built once per run and reused by every mutant's pytest
(SIGAP_TEST_SQLITE_TEMPLATE in tests/conftest.py).

Needs `pip install 'mutmut>=3.3,<4'` (not in the dev extra: it is only for this script).
Not part of .ci/run: docs/testing.md gives the scores, the minutes each area took on the shared
2-core machine, and why each remaining survivor is left.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Area:
    """What protects people in one respect: the functions mutated and the tests meant to catch it.

    functions are "path.py:name" or "path.py:Class.method"; a bare "path.py" mutates the whole
    module. Big modules name only the functions that decide (the rest is wording and layout)."""

    functions: tuple[str, ...]
    tests: tuple[str, ...]


GUARDS = "tests/test_guards.py"
AREAS: dict[str, Area] = {
    "webhook-auth": Area(
        (
            "bot/web.py:same_secret",
            "bot/channels/whatsapp_format.py:signature_is_valid",
            "bot/channels/whatsapp_format.py:challenge_answer",
            "bot/channels/telegram.py:TelegramChannel.webhook_handler",
        ),
        (
            "tests/test_whatsapp_format.py::test_signature_and_handshake",
            f"{GUARDS}::test_whatsapp_signature_is_checked_on_the_raw_bytes",
            f"{GUARDS}::test_telegram_reads_a_body_written_unlike_json_dumps",
            # Not the two database-outage tests: they rename a table under the running bot, which
            # on a loaded machine can meet "database is locked" (SQLite) and fail the clean run.
            "tests/test_webhook_errors.py::test_telegram_secret_in_odd_bytes_is_refused_not_a_crash",
            "tests/test_webhook_errors.py::test_telegram_refuses_what_is_not_an_update_with_the_reason",
            "tests/test_webhook_errors.py::test_telegram_deeply_nested_json_is_a_bad_request",
            "tests/test_webhook_errors.py::test_whatsapp_signature_and_verify_token_in_odd_characters_are_refused",
            "tests/test_webhook_errors.py::test_whatsapp_deeply_nested_json_with_a_valid_signature_is_a_bad_request",
        ),
    ),
    "outbox-keys": Area(
        ("db/outbox.py:enqueue", "db/outbox.py:enqueue_many", "handlers/cases/forwarding.py"),
        # Database-level tests only: send_case's end-to-end tests (the guards' forwarding tests,
        # test_reports_e2e's photo) start a bot each, 30-60 s per mutant on the shared machine;
        # tests/test_forwarding.py checks the same (keys, language, village, photo) in seconds.
        ("tests/test_outbox.py", "tests/test_forwarding.py"),
    ),
    "erasure": Area(
        ("db/personal_data.py", "db/cases.py:purge_closed"),
        (
            f"{GUARDS}::test_erasure_drops_queued_messages_roles_and_the_conversation",
            "tests/test_erasure_leaves_nothing.py",
            "tests/test_privacy.py",
            "tests/test_personal_data.py",
            "tests/test_scheduler.py::test_closed_cases_lose_their_personal_fields_after_the_retention_period",
        ),
    ),
    "crypto": Area(("db/crypto.py",), ("tests/test_field_cipher.py", "tests/test_encryption.py")),
    "small-counts": Area(
        (
            "handlers/statistics/figures.py:Summary.shown",
            "handlers/statistics/figures.py:Scope.suppresses_small_counts",
            # The chart's decision only (which bars are hatched, how high); the rest of
            # weekly_chart is fonts, colours and layout.
            "handlers/statistics/charts.py:drawn_bars",
        ),
        (
            "tests/test_statistics.py",
            f"{GUARDS}::test_the_chart_of_a_broad_scope_does_not_tell_one_small_count_from_another",
        ),
    ),
    "access": Area(("handlers/access.py",), ("tests/test_roles.py",)),
    "roles": Area(("db/roles.py",), ("tests/test_roles.py", "tests/test_escalation_recipients.py")),
    "checklist-scoring": Area(
        # What decides the risk level; the module's other 400 mutants are the rules file's
        # parsing, its refusals' wording and the result button's answer code (docs/testing.md
        # gives the whole module's score for reference).
        (
            "handlers/checklist/scoring.py:assess",
            "handlers/checklist/scoring.py:_level",
            "handlers/checklist/scoring.py:_holds",
            "handlers/checklist/scoring.py:Rule.matches",
        ),
        ("tests/test_checklist_scoring.py", "tests/test_checklist_personas.py"),
    ),
    "ad-scoring": Area(
        # The verdict from the signs found, and whether a message reads like an ad at all; what
        # finds each sign is the rules files' (tests/test_offer_analysis.py covers them).
        ("handlers/offers/analysis.py:_verdict", "handlers/offers/analysis.py:reads_like_an_ad"),
        ("tests/test_offer_analysis.py", "tests/test_offer_verdict.py"),
    ),
}
STATUS = re.compile(r"^\s*(?P<name>\S+): (?P<status>[a-z ]+?)\s*$")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def selectors(area: Area) -> list[tuple[str, str | None]]:
    """(module, mangled function name or None for the whole module), as mutmut names them."""
    chosen: list[tuple[str, str | None]] = []
    for entry in area.functions:
        path, _, function = entry.partition(":")
        if not function:
            chosen.append((path, None))
        elif "." in function:
            cls, _, method = function.partition(".")
            chosen.append((path, f"{dotted(path)}.xǁ{cls}ǁ{method}"))
        else:
            chosen.append((path, f"{dotted(path)}.x_{function}"))
    return chosen


def patterns(area: Area) -> list[str]:
    # mutmut matches these against mutant names and (for the tests to run) function names, so a
    # function's pattern is its name and a star; chosen() drops a longer name that also matched.
    return [f"{dotted(path)}.*" if name is None else f"{name}*" for path, name in selectors(area)]


def chosen(area: Area, mutant: str) -> bool:
    function = mutant.partition("__mutmut_")[0]
    return any(
        function == name if name else function.startswith(f"{dotted(path)}.")
        for path, name in selectors(area)
    )


def scratch_copy(area: Area, both_databases: bool) -> Path:
    """The project's tracked and new files (not .venv, not old mutants) with a [tool.mutmut]
    for this area only."""
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
    selection = [*area.tests] + ([] if both_databases else ["-k", "not postgresql"])
    modules = sorted({path for path, _ in selectors(area)})
    settings = {**shared, "only_mutate": modules, "pytest_add_cli_args_test_selection": selection}
    section = "[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
    text = (folder / "pyproject.toml").read_text()
    text = re.sub(r"^\[tool\.mutmut\].*?(?=^\[|\Z)", lambda _: section, text, flags=re.M | re.S)
    (folder / "pyproject.toml").write_text(text)
    tomllib.loads(text)  # still valid
    return folder


@dataclass(frozen=True)
class Outcome:
    mutants: int  # of the chosen functions
    unreached: int  # no selected test runs the function
    killed: int
    survivors: list[str]
    minutes: float

    @property
    def score(self) -> float:
        reached = self.killed + len(self.survivors)
        return self.killed / reached if reached else 0.0


def run_area(
    name: str, area: Area, children: int, both_databases: bool, template: Path, only: list[str], diffs: bool
) -> Outcome:
    folder = scratch_copy(area, both_databases)
    mutmut = [sys.executable, "-m", "mutmut"]
    env = {**os.environ, "SIGAP_TEST_SQLITE_TEMPLATE": str(template)}
    started = time.monotonic()
    try:
        subprocess.run(
            [*mutmut, "run", "--max-children", str(children), *(only or patterns(area))],
            cwd=folder,
            env=env,
            check=True,
        )
        listing = subprocess.run(
            [*mutmut, "results", "--all", "true"], cwd=folder, capture_output=True, text=True, check=False
        ).stdout
        statuses = {
            m["name"]: m["status"]
            for m in map(STATUS.match, listing.splitlines())
            if m and chosen(area, m["name"])
        }
        reached = {
            mutant: s for mutant, s in statuses.items() if s not in ("no tests", "skipped", "not checked")
        }
        outcome = Outcome(
            mutants=len(statuses),
            unreached=len(statuses) - len(reached),
            killed=sum(1 for s in reached.values() if s in KILLED),
            survivors=sorted(mutant for mutant, s in reached.items() if s not in KILLED),
            minutes=(time.monotonic() - started) / 60,
        )
        reached_count = outcome.killed + len(outcome.survivors)
        print(
            f"\n== {name}: score {outcome.score:.2f} ({outcome.killed} of {reached_count} killed;"
            f" {outcome.unreached} of {outcome.mutants} mutants no selected test reaches)"
            f" in {outcome.minutes:.1f} min\n   mutated: {' '.join(area.functions)}"
            f"\n   tests: {' '.join(area.tests)}"
        )
        for mutant in outcome.survivors:
            if not diffs:  # `mutmut show` takes seconds each: skip it when re-running many
                print(f"-- survived: {mutant} ({reached[mutant]})")
                continue
            diff = subprocess.run(
                [*mutmut, "show", mutant], cwd=folder, capture_output=True, text=True, check=False
            ).stdout
            print(f"-- survived: {mutant} ({reached[mutant]})\n{diff.strip()}\n")
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("areas", nargs="*", help="names as listed by --list")
    parser.add_argument("--all", action="store_true", help="every area (an hour or more on a small machine)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--children", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--both-databases", action="store_true", help="also run PostgreSQL tests")
    parser.add_argument("--no-diffs", action="store_true", help="name the survivors without their diffs")
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="MUTANT",
        help="run only these mutants of the area (names or globs, as printed): the survivors again",
    )
    options = parser.parse_args()
    if options.list:
        for name, area in AREAS.items():
            print(f"{name}\n  mutates: {' '.join(area.functions)}\n  tests:   {' '.join(area.tests)}")
        return 0
    chosen_areas = list(AREAS) if options.all else options.areas
    unknown = [a for a in chosen_areas if a not in AREAS]
    if not chosen_areas or unknown:
        parser.error(f"unknown areas {unknown}: see --list" if unknown else "name an area or --all")
    with tempfile.TemporaryDirectory(prefix="sigap-mutation-template-") as kept:
        template = Path(kept) / "template.db"
        outcomes = {
            a: run_area(
                a,
                AREAS[a],
                options.children,
                options.both_databases,
                template,
                options.only,
                not options.no_diffs,
            )
            for a in chosen_areas
        }
    print("\n| area | mutants | no test reaches | killed | survived | score | minutes |")
    print("|---|---|---|---|---|---|---|")
    for a, o in outcomes.items():
        counts = f"{o.mutants} | {o.unreached} | {o.killed} | {len(o.survivors)}"
        print(f"| {a} | {counts} | {o.score:.2f} | {o.minutes:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
