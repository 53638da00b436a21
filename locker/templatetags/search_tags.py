"""Search and filter helpers for templates: highlighted matches and links that change one filter."""

from __future__ import annotations

import re
from html import escape as _escape  # Django's escape without its lazy-text wrapper: called per word

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from locker.library.search import Terms, fold, tokens
from locker.query import LockerQuery

register = template.Library()
_WORD = re.compile(r"[^\W_]+")
_CJK_CHAR = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


@register.simple_tag
def highlight(text: str, terms: Terms | None = None) -> SafeString:
    """`text` escaped, with each word a search token starts (and each searched CJK character)
    wrapped in <mark>. Every piece of text is escaped on its own: marks never come from input."""
    text = str(text or "")
    wanted = set(terms.flat) if isinstance(terms, Terms) else set()
    if not wanted:
        return escape(text)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        out.append(_escape(text[last : match.start()]))
        out.append(_marked(match.group(), wanted))
        last = match.end()
    out.append(_escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every part escaped above)


def _marked(word: str, wanted: set[str]) -> str:
    if _CJK_CHAR.search(word):
        return "".join(
            f"<mark>{_escape(c)}</mark>" if _CJK_CHAR.match(c) and fold(c) in wanted else _escape(c)
            for c in word
        )
    folded = word.lower() if word.isascii() else "".join(tokens(word))  # ASCII folds to lower case
    if any(folded.startswith(t) for t in wanted if not _CJK_CHAR.match(t)):
        return f"<mark>{_escape(word)}</mark>"
    return _escape(word)


@register.filter
def query_without(query: LockerQuery, names: str) -> str:
    """The querystring without the comma-separated URL parameters (a chip's "remove" link)."""
    return query.without(*[n.strip() for n in names.split(",") if n.strip()]).querystring()


@register.simple_tag
def query_with(query: LockerQuery, **changes) -> str:
    """The querystring with fields changed, back on page 1 (e.g. a filter choice's link)."""
    return query.with_(page=1, **changes).querystring()
