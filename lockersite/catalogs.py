"""The translation catalogs: regenerate them, list what is left to translate, compile them.

    python -m lockersite.catalogs messages   # makemessages for every shipped language, then `todo`
    python -m lockersite.catalogs todo       # untranslated, fuzzy and placeholder-mismatched entries
    python -m lockersite.catalogs compile    # msgfmt every .po whose .mo is missing or older

`make messages` runs the first. The .mo files are built (compilemessages in `make install`,
`make run`, `make test`; tests/conftest.py compiles stale ones), never committed.
Used by tests/i18n/test_catalogs.py, which fails CI on the same problems.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
DOMAINS = ("django", "djangojs")
# Not ours, or not the customer's: third-party code, the sandbox (7digital's side, whose authorise
# page is a stand-in for 7digital's own), tests, benchmarks and build output.
IGNORE = (".venv", "node_modules", "staticfiles", "sandbox", "tests", "bench", "deploy", "docs", "scripts")
EXTENSIONS = {"django": "html,txt,py", "djangojs": "js"}
# printf-style (%(name)s, %s, %d) and JavaScript interpolate's named placeholders.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def shipped_languages() -> list[str]:
    """Every translated language: the settings' SHIPPED_LANGUAGES without English, the source."""
    from lockersite.settings import SHIPPED_LANGUAGES

    return [code for code in SHIPPED_LANGUAGES if code != "en"]


def makemessages(root: Path = BASE_DIR, languages: list[str] | None = None) -> None:
    """Django's makemessages over `root` (a project tree), for both domains."""
    languages = languages or shipped_languages()
    for domain in DOMAINS:
        args = [sys.executable, "manage.py", "makemessages", "-d", domain, "-e", EXTENSIONS[domain]]
        args += ["--no-obsolete", "--no-location", "-v", "0"]
        args += [f"--ignore={pattern}" for pattern in IGNORE]
        args += [f"--ignore={pattern}/*" for pattern in IGNORE]
        args += [arg for code in languages for arg in ("-l", code)]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lockersite.settings"}
        subprocess.run(args, cwd=root, env=env, check=True)


def po_path(language: str, domain: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def problems(language: str, domain: str, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """What keeps one catalog from shipping, one line each (empty when it is complete)."""
    import polib

    path = po_path(language, domain, locale_dir)
    if not path.exists():
        return [f"{path}: missing"]
    catalog = polib.pofile(str(path))
    plural_forms = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    if plural_forms is None:
        return [f"{path}: no nplurals in its Plural-Forms header"]
    nplurals = int(plural_forms.group(1))
    found = []
    for entry in catalog:
        if entry.obsolete:
            continue
        where = f"{path.relative_to(locale_dir.parent)}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where}: fuzzy")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if len(forms) != nplurals or not all(forms.values()):
                found.append(f"{where}: needs {nplurals} plural forms")
                continue
            expected = set(placeholders(entry.msgid_plural))
            for index, form in forms.items():
                got = set(placeholders(form))
                # A language may say "one" or "two" in words (Arabic does); it may not invent one.
                if not got <= expected or (index == max(forms) and got != expected):
                    found.append(f"{where}: plural form {index} has placeholders {sorted(got)}")
        elif not entry.msgstr:
            found.append(f"{where}: untranslated")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(f"{where}: placeholders {placeholders(entry.msgstr)} != {placeholders(entry.msgid)}")
    return found


def todo(languages: list[str] | None = None) -> list[str]:
    return [line for code in languages or shipped_languages() for d in DOMAINS for line in problems(code, d)]


def compile_stale(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """msgfmt (with format checks) every .po newer than its .mo; the compiled paths."""
    compiled = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
            compiled.append(mo)
    return compiled


def main(command: str) -> int:
    if command == "messages":
        makemessages()
        command = "todo"
    if command == "compile":
        for mo in compile_stale():
            print(f"compiled {mo.relative_to(BASE_DIR)}")
        return 0
    if command == "todo":
        left = todo()
        print("\n".join(left) or "Every catalog is complete.")
        return 1 if left else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
