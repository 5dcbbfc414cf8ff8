"""The README's commands are the ones CI runs, and the ones the docs promise exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("python3 -m venv")]


def test_ci_runs_the_readme_test_command() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    demo, tests = commands
    assert demo.endswith("sigap demo")
    assert "pytest" in tests
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci_lines, "CI must run the README's test command exactly"


def test_documents_the_readme_links_to_exist() -> None:
    for link in re.findall(r"\]\(((?:docs/)[^)]+)\)", (ROOT / "README.md").read_text()):
        assert (ROOT / link).exists(), link
