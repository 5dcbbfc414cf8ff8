"""The dependency floors docs/security.md lists (past published advisories) are the ones in
pyproject.toml, and the installed environment meets them."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def documented_floors() -> dict[str, Version]:
    """package -> floor, from the table under "## Dependencies" in docs/security.md."""
    section = (ROOT / "docs" / "security.md").read_text().split("## Dependencies", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([a-z0-9-]+)(?: \([^)]*\))? \| ([0-9.]+) \|", section, flags=re.MULTILINE)
    return {name: Version(floor) for name, floor in rows}


def declared_floors() -> dict[str, Version]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = [Requirement(r) for r in project["project"]["dependencies"]]
    requirements += [Requirement(r) for r in project["build-system"]["requires"]]
    return {
        r.name.lower(): Version(spec.version)
        for r in requirements
        for spec in r.specifier
        if spec.operator == ">="
    }


def test_floors_are_past_the_listed_advisories() -> None:
    documented = documented_floors()
    assert {"aiohttp", "cryptography"} <= set(documented), documented
    declared = declared_floors()
    for name, floor in documented.items():
        assert declared.get(name) == floor, (name, declared.get(name), floor)
        if name != "setuptools":  # a build requirement: pip fetches it into the build's own environment
            assert Version(version(name)) >= floor, (name, version(name))
    assert declared["cryptography"] >= Version("42.0.4") and declared["aiohttp"] >= Version("3.10.11")
