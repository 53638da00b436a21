"""Sort keys that ignore leading articles ("The Beatles" sorts under B), like Navidrome's
IgnoredArticles. The words come from settings.LOCKER_IGNORED_ARTICLES; when it is empty (the
default), from ARTICLES for every language Locker offers (settings.LANGUAGES).

The union is one list for every customer, since a locker mixes languages: with Italian offered,
"I Will Survive" sorts under W and with German "Die Another Day" under A. A store that minds sets
LOCKER_IGNORED_ARTICLES itself.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from django.conf import settings

# The leading articles of each shipped language. A word ending in an apostrophe (an elided article:
# "L'amour", "'t Hof") or Arabic's "ال" is written joined to the next word.
ARTICLES = {
    "en": ("The", "A", "An"),
    "de": ("Der", "Die", "Das", "Ein", "Eine"),
    "fr": ("Le", "La", "Les", "L'", "Un", "Une"),
    "es": ("El", "La", "Los", "Las", "Un", "Una"),
    "it": ("Il", "Lo", "La", "I", "Gli", "Le", "L'", "Un", "Uno", "Una", "Un'"),
    "nl": ("De", "Het", "Een", "'t"),
    "sv": ("En", "Ett"),
    "fi": (),  # Finnish has no articles
    "nb": ("En", "Ei", "Et"),
    "ar": ("ال",),
}
JOINED = ("'", "ال")  # articles ending like this take no space before their word


def sort_key(text: str, articles: list[str] | None = None) -> str:
    """`text` casefolded, accents dropped, without one leading article (never leaving it empty)."""
    folded = " ".join(_fold(text or "").split())
    words = articles if articles is not None else ignored_articles()
    for article in words:
        word = _fold(article)
        prefix = word if word.endswith(JOINED) else word + " "
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return folded[len(prefix) :].lstrip()
    return folded


def ignored_articles() -> tuple[str, ...]:
    return _ignored(tuple(settings.LOCKER_IGNORED_ARTICLES), tuple(code for code, _ in settings.LANGUAGES))


@lru_cache(maxsize=8)
def _ignored(configured: tuple[str, ...], languages: tuple[str, ...]) -> tuple[str, ...]:
    words = configured or tuple(word for code in languages for word in ARTICLES.get(code, ()))
    # Longest first, so that "Les" wins over "Le" and "L'" is tried before nothing.
    return tuple(sorted(dict.fromkeys(words), key=lambda w: -len(w)))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
