"""The shape of the code in figures: files per folder, imports that run back up a layer, and the
largest modules and functions. Usage: python3 tools/structure.py [project root]

docs/architecture.md ("Folders and layers") names the layers; tests/test_layers.py fails on an
upward import, this prints the figures a review of the layout starts from."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

LAYERS = {"ground": 0, "db": 1, "migrations": 2, "handlers": 3, "bot": 4}


def main(root: Path) -> None:
    files = [
        path
        for top in LAYERS
        for path in sorted((root / top).rglob("*.py"))
        if "versions" not in path.parts  # Alembic revisions
    ]
    per_folder = Counter(str(path.parent.relative_to(root)) for path in files)
    print("files per folder:")
    for folder, count in sorted(per_folder.items()):
        print(f"  {folder:28} {count}")
    upward: set[str] = set()
    functions: list[tuple[int, str]] = []
    for path in files:
        name = str(path.relative_to(root))
        layer = LAYERS[path.relative_to(root).parts[0]]
        for node in ast.walk(ast.parse(path.read_text(), filename=name)):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            for module in modules:
                top = module.split(".")[0]
                if top in LAYERS and LAYERS[top] > layer:
                    upward.add(f"{name} -> {module}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append(((node.end_lineno or node.lineno) - node.lineno + 1, f"{name}:{node.name}"))
    print(f"imports running up a layer: {len(upward)}")
    for line in sorted(upward):
        print(f"  {line}")
    sizes = sorted(
        ((len(path.read_text().splitlines()), str(path.relative_to(root))) for path in files), reverse=True
    )
    print("largest modules (lines):")
    for lines, name in sizes[:8]:
        print(f"  {lines:5}  {name}")
    print("largest functions (lines):")
    for lines, name in sorted(functions, reverse=True)[:8]:
        print(f"  {lines:5}  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
