import sys

if sys.version_info < (3, 12):  # noqa: UP036 (Django 6.1 needs 3.12: say so instead of failing on an import)
    raise SystemExit(
        f"Locker needs Python 3.12 or newer; this is {sys.version.split()[0]}. "
        "Run `make run` (it builds .venv from pyenv's 3.12) or install Python 3.12."
    )
