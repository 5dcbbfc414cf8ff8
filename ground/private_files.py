"""Files that hold personal data (the SQLite database, exports) are readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, data: bytes) -> None:
    """Writes the file with mode 0600 whatever the umask, also over an existing file that was
    readable by others (O_TRUNC keeps an old file's mode, so it is set again)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), PRIVATE)
        file.write(data)


def make_private(path: Path, create: bool = False) -> None:
    """Mode 0600 for the file, created empty first if asked and missing. SQLite gives its -wal,
    -shm and -journal files the database file's own mode, so making the database private
    before SQLite opens it covers them too."""
    if create and not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE))
    if path.exists():
        os.chmod(path, PRIVATE)
