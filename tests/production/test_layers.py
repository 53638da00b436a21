"""The project package depends on its app only through the URLconf (and settings' dotted paths):
no other lockersite module imports locker, even inside a function. Each setting's default has one
home, lockersite/settings.py: code reads `settings.X`, never `getattr(settings, "X", default)`."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCKERSITE = ROOT / "lockersite"


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


def settings_getattrs(path: Path) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"getattr", "hasattr"}
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "settings"
    ]


def test_settings_are_read_without_fallback_defaults():
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for package in ("locker", "lockersite")
        for path in (ROOT / package).rglob("*.py")
        if (lines := settings_getattrs(path))
    }
    assert found == {}


def test_the_client_config_has_no_defaults_of_its_own_for_what_settings_describe():
    from locker.sevendigital.client import ClientConfig

    described = {
        "country",
        "shop_id",
        "connect_timeout",
        "read_timeout",
        "retries",
        "max_body_bytes",
    }
    defaulted = {
        f.name
        for f in dataclasses.fields(ClientConfig)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    assert described & defaulted == set()
