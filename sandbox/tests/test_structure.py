"""The handlers see the sandbox through `context.SandboxContext`, and nothing but the entry points
imports the app: no import cycle through app.py."""

from __future__ import annotations

import ast
from pathlib import Path

from sandbox.context import SandboxContext
from sandbox.testing import SandboxServer

PACKAGE = Path(__file__).resolve().parent.parent
ENTRY_POINTS = {"__main__.py", "testing.py"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}".lstrip(".") for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_only_the_entry_points_import_the_app():
    importers = {
        path.name
        for path in PACKAGE.glob("*.py")
        if {"app", "sandbox.app"} & imported_modules(path)
    }
    assert importers == ENTRY_POINTS


def test_the_app_is_what_handlers_expect(server: SandboxServer):
    assert isinstance(server.app, SandboxContext)
