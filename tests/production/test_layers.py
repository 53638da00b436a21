"""The project package depends on its app only through the URLconf (and settings' dotted paths):
no other lockersite module imports locker, even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

LOCKERSITE = Path(__file__).resolve().parents[2] / "lockersite"


def imports_locker(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found += [name for name in names if name == "locker" or name.startswith("locker.")]
    return found


def test_lockersite_imports_nothing_from_locker_but_the_urlconf():
    importers = {
        path.relative_to(LOCKERSITE).as_posix(): imports_locker(path)
        for path in LOCKERSITE.rglob("*.py")
        if path.name != "urls.py"
    }
    assert {name: found for name, found in importers.items() if found} == {}
