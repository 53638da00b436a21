"""Sort keys that ignore leading articles ("The Beatles" sorts under B), like Navidrome's
IgnoredArticles; the words come from settings.LOCKER_IGNORED_ARTICLES."""

from __future__ import annotations

import unicodedata

from django.conf import settings


def sort_key(text: str, articles: list[str] | None = None) -> str:
    """`text` casefolded, accents dropped, without one leading article (never leaving it empty)."""
    folded = " ".join(_fold(text or "").split())
    words = articles if articles is not None else settings.LOCKER_IGNORED_ARTICLES
    for article in words:
        prefix = _fold(article) + " "
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return folded[len(prefix) :]
    return folded


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
