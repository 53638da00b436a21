"""Honest catalogs: up to date with the code, complete in every shipped language, placeholders intact.

Regenerate with `make messages` (it lists what is left to translate).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from lockersite import catalogs

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = catalogs.shipped_languages()


def keys(path: Path) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural) for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> Path:
    """makemessages over a copy of the code (the real catalogs stay untouched)."""
    tree = tmp_path_factory.mktemp("project")
    for name in ("locker", "lockersite", "templates", "static"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tree)
    (tree / "locale").mkdir()
    catalogs.makemessages(tree, languages=["de"])
    return tree / "locale"


def test_shipped_languages_are_the_stores_and_arabic():
    assert set(LANGUAGES) == {"de", "fr", "es", "it", "nl", "sv", "fi", "nb", "ar"}


@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_every_catalog_has_every_message_of_the_code(fresh_catalogs, domain):
    wanted = keys(catalogs.po_path("de", domain, fresh_catalogs))
    assert len(wanted) > (200 if domain == "django" else 10)
    for language in LANGUAGES:
        have = keys(catalogs.po_path(language, domain))
        missing, stale = wanted - have, have - wanted
        assert not missing, f"{language}/{domain}.po lacks {sorted(missing)[:5]}: run `make messages`"
        assert not stale, f"{language}/{domain}.po has messages the code no longer uses: {sorted(stale)[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_catalog_is_complete(language):
    found = [line for domain in catalogs.DOMAINS for line in catalogs.problems(language, domain)]
    assert not found, "\n".join(found[:20])


def test_the_check_catches_fuzzy_untranslated_and_broken_placeholders(tmp_path):
    path = catalogs.po_path("xx", "django", tmp_path)
    path.parent.mkdir(parents=True)
    catalog = polib.POFile()
    catalog.metadata = {
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "Content-Type": "text/plain; charset=UTF-8",
    }
    catalog.append(polib.POEntry(msgid="Download %(format)s", msgstr="Herunterladen %(fromat)s"))
    catalog.append(polib.POEntry(msgid="Play", msgstr="Abspielen", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="Pause", msgstr=""))
    catalog.append(
        polib.POEntry(
            msgid="%(count)s track", msgid_plural="%(count)s tracks", msgstr_plural={0: "ein Titel", 1: ""}
        )
    )
    catalog.append(polib.POEntry(msgid="Disc %(number)s", msgstr="CD %(number)s"))
    catalog.save(str(path))
    found = "\n".join(catalogs.problems("xx", "django", tmp_path))
    assert "'Download %(format)s': placeholders" in found
    assert "'Play': fuzzy" in found and "'Pause': untranslated" in found
    assert "'%(count)s track': needs 2 plural forms" in found
    assert "Disc" not in found


def test_compiled_catalogs_are_build_output_not_committed():
    tracked = subprocess.run(["git", "ls-files", "locale"], cwd=ROOT, capture_output=True, text=True).stdout
    assert ".po" in tracked and ".mo" not in tracked
    assert "locale/*/LC_MESSAGES/*.mo" in (ROOT / ".gitignore").read_text()
    for language in LANGUAGES:
        for domain in catalogs.DOMAINS:
            po = catalogs.po_path(language, domain)
            mo = po.with_suffix(".mo")
            assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is stale"
