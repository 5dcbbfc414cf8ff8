"""Imports run down the layers only (docs/architecture.md, "Folders and layers").

ground (the shared vocabulary) imports nothing of ours; db knows only ground; migrations know db;
handlers know db and ground; bot, the top, may import anything. A module that imports upwards
makes a lower layer depend on one above it, so it can no longer be read, tested or reused alone.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("ground", "db", "migrations", "handlers", "bot", "content")
ALLOWED: dict[str, set[str]] = {
    "ground": {"ground"},
    "db": {"ground", "db"},
    "migrations": {"ground", "db", "migrations"},
    "handlers": {"ground", "db", "handlers", "content"},
    "bot": set(OURS),
}


def our_imports(path: Path) -> set[str]:
    """The top-level packages of ours that a module imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(OURS)


def upward_imports(root: Path) -> dict[str, set[str]]:
    offenders: dict[str, set[str]] = {}
    for layer, allowed in ALLOWED.items():
        for module in sorted((root / layer).rglob("*.py")):
            if "versions" in module.parts:  # Alembic revisions: plain DDL, checked by test_migrations
                continue
            bad = our_imports(module) - allowed
            if bad:
                offenders[str(module.relative_to(root))] = bad
    return offenders


def test_no_import_runs_back_up_the_layers() -> None:
    assert upward_imports(ROOT) == {}


@pytest.mark.parametrize(
    ("layer", "source", "expected"),
    [
        ("ground", "from db.models import User\n", {"db"}),
        ("db", "def later() -> None:\n    from bot import app\n", {"bot"}),
        ("handlers", "import bot.engine as engine\n", {"bot"}),
        ("migrations", "from handlers.context import Services\n", {"handlers"}),
    ],
)
def test_the_checker_would_notice(tmp_path: Path, layer: str, source: str, expected: set[str]) -> None:
    (tmp_path / layer).mkdir()
    (tmp_path / layer / "upward.py").write_text(source)
    assert upward_imports(tmp_path) == {f"{layer}/upward.py": expected}


STATEMENTS = {"select", "insert", "update", "delete", "text", "func", "and_", "or_"}


def sql_built_outside_db(root: Path) -> dict[str, set[str]]:
    """Modules above db/ that import SQLAlchemy's statement builders or our db.sql helpers: they
    would be writing SQL, which lives in db/ (types such as AsyncSession are fine)."""
    offenders: dict[str, set[str]] = {}
    for layer in ("handlers", "bot"):
        for module in sorted((root / layer).rglob("*.py")):
            found: set[str] = set()
            for node in ast.walk(ast.parse(module.read_text(), filename=str(module))):
                if isinstance(node, ast.ImportFrom) and node.module in ("sqlalchemy", "sqlalchemy.sql"):
                    found |= {alias.name for alias in node.names} & STATEMENTS
                elif isinstance(node, ast.ImportFrom) and node.module == "db.sql":
                    found.add("db.sql")
            if found:
                offenders[str(module.relative_to(root))] = found
    return offenders


def test_sql_lives_in_db_only() -> None:
    assert sql_built_outside_db(ROOT) == {}


def test_the_sql_checker_would_notice(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "rate.py").write_text("from sqlalchemy import select\nfrom db.sql import run\n")
    assert sql_built_outside_db(tmp_path) == {"bot/rate.py": {"select", "db.sql"}}
