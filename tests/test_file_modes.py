"""Issue 14 item 9: the SQLite database (and its -wal, -shm) and every export of personal data are
created readable by their owner only (0600), whatever the umask; an older file readable by
others is closed too."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import create_engine
from migrations import runner as migrate
from tests.harness import sigap_command


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """022, the usual default, under which files come out 0644 (world-readable)."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


async def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path, lax_umask: None) -> None:
    path = tmp_path / "data" / "sigap.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate.upgrade(engine)  # writes: the database, its -wal and -shm exist now
        files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        assert Path(f"{path}-wal") in files
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        await engine.dispose()


def test_exports_and_an_old_readable_database_are_made_private(
    tmp_path: Path, cli_database: Path, lax_umask: None
) -> None:
    cli_database.chmod(0o644)  # made by an earlier version
    old_export = tmp_path / "kasus.csv"
    old_export.write_text("old")
    old_export.chmod(0o644)
    outputs = {
        "cases csv": (["cases", "export", "--format", "csv", "--output", str(old_export)], old_export),
        "cases xlsx": (
            ["cases", "export", "--output", str(tmp_path / "kasus.xlsx")],
            tmp_path / "kasus.xlsx",
        ),
        "broadcasts": (["broadcast", "report", "--output", str(tmp_path / "b.xlsx")], tmp_path / "b.xlsx"),
        "broadcasts csv": (["broadcast", "report", "--output", str(tmp_path / "b.csv")], tmp_path / "b.csv"),
        "stats": (
            ["stats", "--html", str(tmp_path / "s.html"), "--xlsx", str(tmp_path / "s.xlsx")],
            tmp_path / "s.html",
        ),
    }
    for name, (arguments, written) in outputs.items():
        done = sigap_command(*arguments, sqlite_path=cli_database)
        assert done.returncode == 0, (name, done.stderr)
        assert mode(written) == 0o600, name
    assert mode(tmp_path / "s.xlsx") == 0o600
    assert old_export.read_text() != "old"
    database_files = [p for p in cli_database.parent.iterdir() if p.name.startswith(cli_database.name)]
    assert {p.name: mode(p) for p in database_files} == {p.name: 0o600 for p in database_files}
