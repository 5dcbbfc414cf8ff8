"""The separation DESIGN.md asks for: handlers know nothing of messengers or HTTP clients."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"aiogram", "httpx", "aiohttp"}


def imported_top_levels(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_handler_module_imports_a_transport() -> None:
    modules = sorted((ROOT / "handlers").rglob("*.py"))
    assert modules
    offenders = {str(m.relative_to(ROOT)): imported_top_levels(m) & FORBIDDEN for m in modules}
    assert {m: bad for m, bad in offenders.items() if bad} == {}


def test_importing_handlers_pulls_in_no_transport() -> None:
    """Also indirectly: a helper imported by a handler must not drag aiogram or httpx in."""
    probe = f"import sys, handlers; print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


def test_the_checker_would_notice(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from aiogram.types import Message\nimport httpx as h\n")
    assert imported_top_levels(sneaky) & FORBIDDEN == {"aiogram", "httpx"}
