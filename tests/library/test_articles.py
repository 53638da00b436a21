"""Leading articles of every shipped language are ignored when sorting (issue 14)."""

from __future__ import annotations

import pytest

from locker.library.articles import ARTICLES, ignored_articles, sort_key


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("The Beatles", "beatles"),
        ("Die Ärzte", "arzte"),
        ("Das Ich", "ich"),
        ("Les Négresses Vertes", "negresses vertes"),
        ("L'Impératrice", "imperatrice"),
        ("L’Arc en Ciel", "arc en ciel"),  # a typographic apostrophe too
        ("El Último de la Fila", "ultimo de la fila"),
        ("Los Lobos", "lobos"),
        ("Il Volo", "volo"),
        ("Gli Ultimi", "ultimi"),
        ("Lo Stato Sociale", "stato sociale"),
        ("De Dijk", "dijk"),
        ("Het Goede Doel", "goede doel"),
        ("'t Hof van Commerce", "hof van commerce"),
        ("Ett Lyckligt Slut", "lyckligt slut"),
        ("Ei Gammel Sang", "gammel sang"),
        ("الحب", "حب"),  # Arabic's article is joined to its word
        ("Les", "les"),  # never an empty key
        ("Lesbian Lullaby", "lesbian lullaby"),  # a word, not an article
    ],
)
def test_every_shipped_language_s_articles_are_ignored(title, key):
    assert sort_key(title) == key


def test_the_articles_follow_the_offered_languages(settings):
    assert set(ARTICLES) == {code for code, _ in settings.LANGUAGES}
    settings.LANGUAGES = [("en", "English"), ("fi", "Suomi")]
    assert set(ignored_articles()) == {"The", "A", "An"}
    assert sort_key("Die Toten Hosen") == "die toten hosen"
    settings.LOCKER_IGNORED_ARTICLES = ["Die"]  # the setting, when given, decides alone
    assert sort_key("Die Toten Hosen") == "toten hosen" and sort_key("The Cure") == "the cure"
