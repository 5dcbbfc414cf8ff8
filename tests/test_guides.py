"""The guides' example conversations (docs/panduan/) are what the bot says now: regenerating them
from the real engine (python -m tools.guides) gives the same text."""

from __future__ import annotations

import shutil
from pathlib import Path

from tools import guides


def test_every_guide_excerpt_is_current(sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "guides.db"
    shutil.copy(sqlite_template, database)
    excerpts = guides.generate(database)
    paths = guides.guides()
    assert len(paths) >= 7, "the guides in both languages"
    used = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        used |= {match.group("name") for match in guides.MARKER.finditer(text)}
        assert guides.fill(text, excerpts) == text, f"{path.name} is stale: run python -m tools.guides"
    assert used == {scene.name for scene in guides.SCENES}, "every scene is shown, every marker filled"


def test_a_changed_excerpt_is_noticed() -> None:
    """The comparison can fail: an excerpt edited by hand is replaced by what the bot says."""
    text = "a\n<!-- sigap:conversation warga-cek -->\nedited by hand\n<!-- /sigap:conversation -->\nb\n"
    filled = guides.fill(text, {"warga-cek": "```\nwhat the bot says\n```\n"})
    assert filled != text and "what the bot says" in filled and "edited by hand" not in filled
