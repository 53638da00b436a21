"""A search's cards are made from the stored cards (locker/search_cards.py): the highlighting is the
template's own, and a release found through some of its tracks lists those first."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from locker.library.models import IndexedRelease
from locker.library.read import locker_releases
from locker.library.search import Terms
from locker.presenters import present_release
from locker.release_cards import card_extra, render_cards
from locker.search_cards import search_card
from tests.markup import attribute, element, elements, text

from .test_locker_search_page import demo  # noqa: F401 (the fixture)

WORDS = [
    "northern",
    "paper lant",
    "zoe",
    "script",
    "東京",
    "الصحراء",
    "песни",
    "the a",
    "radio edit",
    "&amp;",
]
# Hostile texts with words in them (the others parse to no search at all; test_search.py has them all).
HOSTILE_WORDS = [
    "<script>",
    '"hero',
    "NEAR(hero",
    "hero OR monster",
    "' OR 1=1 --",
    "é" * 50,
    "a" * 500,
    "%_%",
]


@pytest.fixture
def views(demo):  # noqa: F811 (the fixture imported above)
    rows = list(IndexedRelease.objects.filter(user=demo).order_by("upstream_position"))
    now = timezone.now()
    return [present_release(item, now=now, preferred_format="") for item in locker_releases(rows)]


def test_highlighting_is_the_templates_own(views):
    # One test for every search: the demo locker is synced once (each sync is ~1 s over HTTP).
    plain = render_cards([(view, card_extra(False)) for view in views])
    for q in WORDS + HOSTILE_WORDS:
        terms = Terms.parse(q)
        marked = render_cards([(view, {**card_extra(False), "terms": terms}) for view in views])
        for view, card, expected in zip(views, plain, marked, strict=True):
            assert search_card(card, terms, None) == expected, (q, view.title)


@pytest.mark.parametrize("discs", [True, False], ids=["discs", "one-list"])
def test_a_release_found_through_some_tracks_lists_them_first(views, discs):
    release = next(v for v in views if len(v.tracks) >= 4 and not v.folded and v.multi_disc == discs)
    chosen = frozenset({release.tracks[1].id, release.tracks[-1].id})
    terms = Terms.parse(release.tracks[1].title.split()[0])
    [card] = render_cards([(release, card_extra(False))])
    html = search_card(card, terms, chosen).decode()
    article = element(html, "article", id=release.dom_id)

    def row_ids(within) -> list[int]:
        return [int(attribute(li, "id").rsplit("-", 1)[1]) for li in elements(within, "li", class_="track")]

    first = element(article, "ol", class_="tracks matched")
    rest = element(element(article, "details", class_="more-tracks"), "ol", class_="tracks")
    every = [t.id for t in release.tracks]
    assert row_ids(first) == [t for t in every if t in chosen]  # in the release's order
    assert row_ids(rest) == [t for t in every if t not in chosen]
    assert (
        attribute(first, "data-track-url")
        == attribute(rest, "data-track-url")
        == reverse("locker:track", args=[0, 0])
    )
    assert text(element(article, "p", class_="match-note")) == "2 matching tracks"
    summary = element(element(article, "details", class_="more-tracks"), "summary")
    assert str(summary).strip() == f"{len(every) - 2} more tracks on this release"
    assert elements(first, "mark") and not elements(article, "h3", class_="disc")
    forms = lambda html: [attribute(f, "id") for f in elements(html, "form")]  # noqa: E731
    assert forms(html) == forms(card.decode())  # the head is kept


def test_a_withdrawn_release_keeps_its_tracks_folded(views):
    withdrawn = next(v for v in views if v.folded)
    [card] = render_cards([(withdrawn, card_extra(False))])
    html = search_card(card, Terms.parse("zzz"), frozenset({withdrawn.tracks[0].id})).decode()
    assert html == card.decode() and "matching track" not in html
