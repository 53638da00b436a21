"""The locker page's search, filters, hiding and artists, on a customer synced from the sandbox
over HTTP (the demo account: 68 releases, every edge case)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from locker.library import sync
from locker.library.models import HiddenRelease, IndexedRelease
from sandbox.demo import demo_catalogue
from tests.helpers import link_to_sandbox
from tests.markup import attribute, element, elements, text

from .test_search import HOSTILE


@pytest.fixture
def demo(customer_factory, sandboxed):
    """Ada, linked to the demo account and indexed (one full sync over HTTP)."""
    ada = customer_factory("ada@example.com")
    link_to_sandbox(ada, sandboxed, "demo@sandbox.test")
    assert (
        sync.run(ada.pk, full=True) in ("synced", "ok", "done")
        or IndexedRelease.objects.filter(user=ada).exists()
    )
    return ada


@pytest.fixture
def ada_client(demo):
    client = Client()
    client.force_login(demo)
    return client


def release_titles(html: str) -> list[str]:
    return [
        text(h2)
        for h2 in elements(html, "h2")
        if re.fullmatch(r"release-\d+-title", attribute(h2, "id") or "")
    ]


def count_line(html: str) -> str:
    found = elements(html, "p", class_="count", role="status")
    return text(found[0]) if found else ""


def test_the_search_form_follows_the_markup_contract(ada_client):
    html = ada_client.get("/locker/").content.decode()
    form = element(html, "form", role="search")
    assert attribute(form, "method") == "get"
    assert elements(form, "input", type="search", id="locker-q", name="q")
    assert text(element(form, "label", for_="locker-q")) == "Search my music"
    names = {attribute(field, "name") for tag in ("input", "select") for field in elements(form, tag)}
    assert {"state", "format", "type", "year", "full"} <= names, names
    assert attribute(form, "hx-push-url") == "true" and "delay:300ms" in (attribute(form, "hx-trigger") or "")


def test_words_prefixes_accents_and_scripts(ada_client):
    def found(q: str) -> list[str]:
        return release_titles(ada_client.get("/locker/", {"q": q, "pageSize": 50}).content.decode())

    assert "Northern Lights" in found("northern paper")  # title and artist, one word each
    assert "Northern Lights" not in found("northern zzz")
    assert "Northern Lights" in found("PAPER lant")  # case and prefixes
    assert "An Extraordinarily Long Releas" in [t[:30] for t in found("beatrix suilleabh")]  # Ó Súilleabháin
    assert found("東京") == ["東京の夜明け"]
    assert found("الصحراء") == ["أغاني الصحراء"]
    assert found("песни") == ["Песни о главном"]


def test_matches_are_highlighted_and_escaped(ada_client):
    html = ada_client.get("/locker/", {"q": "script"}).content.decode()
    assert "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;" in html
    assert '<script>alert("x")' not in html


def test_matching_tracks_first_the_others_one_click_away(ada_client):
    catalogue = demo_catalogue()
    release = catalogue.releases[catalogue.by_key["northern-lights"]]
    track = catalogue.tracks[release.id][0]
    html = ada_client.get("/locker/", {"q": f"{track.title} {release.artist.name}"}).content.decode()
    article = element(html, "article", id=f"release-{release.id}")
    assert "matching track" in text(article)
    summary = text(element(element(article, "details", class_="more-tracks"), "summary"))
    assert re.fullmatch(r"\d+ more tracks? on this release", summary), summary


def test_no_match_is_said_in_words(ada_client):
    html = ada_client.get("/locker/", {"q": "zzzzqqqq"}).content.decode()
    assert "Nothing matches" in html and "No releases match “zzzzqqqq”" in html
    assert "Clear all" in html or "clear all" in html
    clear = element(element(html, "div", class_="empty"), "a")
    assert text(clear) == "clear all"
    assert (attribute(clear, "href") or "").startswith("/locker/?") and "zzzz" not in attribute(clear, "href")


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_text_on_the_page(ada_client, q):
    response = ada_client.get("/locker/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_filters_and_counts_on_the_page(ada_client):
    html = ada_client.get("/locker/").content.decode()
    label = text(element(html, "option", value="exhausted"))
    exhausted = int(re.fullmatch(r"No downloads left \((\d+)\)", label).group(1))
    page = ada_client.get("/locker/", {"state": "exhausted", "pageSize": 50}).content.decode()
    assert count_line(page).endswith(f"of {exhausted} release{'s' if exhausted != 1 else ''}")
    assert "selected" in element(page, "option", value="exhausted").attributes
    assert "Clear all" in page
    withdrawn = ada_client.get("/locker/", {"state": "unavailable", "pageSize": 50}).content.decode()
    assert "Withdrawn Sessions" in withdrawn and "Northern Lights" not in withdrawn
    combined = ada_client.get("/locker/", {"state": "unavailable", "q": "taken"}).content.decode()
    assert release_titles(combined) == ["Taken Down (Radio Edit)"]


def test_search_and_filters_keep_to_paging_and_sorting(ada_client):
    html = ada_client.get(
        "/locker/", {"type": "Album", "sort": "releaseTitle asc", "pageSize": 10}
    ).content.decode()
    assert "type=Album" in (attribute(element(html, "a", rel="next"), "href") or "")
    assert elements(
        html, "input", type="hidden", name="type", value="Album"
    )  # the sort/page-size form keeps it


def test_no_upstream_call_for_search_filter_sort_or_page_once_indexed(ada_client, sandboxed):
    sandboxed.clear_log()
    for params in (
        {"q": "lights"},
        {"q": "lig", "sort": "artistName asc"},
        {"state": "exhausted", "page": 2},
        {"format": "55", "type": "Album"},
        {"year": "2010", "full": "1"},
        {"hidden": "1"},
    ):
        assert ada_client.get("/locker/", params).status_code == 200
    assert ada_client.get("/locker/artists/").status_code == 200
    assert sandboxed.log("/1.2/user/locker") == []


def test_hide_and_undo_without_javascript(ada_client, demo):
    release_id = demo_catalogue().by_key["harbour"]
    response = ada_client.post(
        f"/locker/releases/{release_id}/hide/", {}, HTTP_REFERER="http://testserver/locker/?q=harbour"
    )
    assert response.status_code == 200
    assert (
        "is hidden" in response.content.decode() and 'value="/locker/?q=harbour"' in response.content.decode()
    )
    assert "Harbour Lights" not in release_titles(ada_client.get("/locker/?pageSize=50").content.decode())
    shown = ada_client.get("/locker/?hidden=1").content.decode()
    assert release_titles(shown) == ["Harbour Lights"]
    assert "Show hidden (1)" in ada_client.get("/locker/").content.decode()
    back = ada_client.post(f"/locker/releases/{release_id}/unhide/", {"next": "/locker/?q=harbour"})
    assert back.status_code == 302 and back["Location"] == "/locker/?q=harbour"
    assert not HiddenRelease.objects.filter(user=demo).exists()


def test_a_hide_button_posts_the_pages_one_form_to_its_release(demo):
    """Without JavaScript: the card's Hide button submits the page's one "release-actions" form
    (its CSRF token) to the release's own URL."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo)
    release_id = demo_catalogue().by_key["harbour"]
    page = strict.get("/locker/", {"release": release_id}).content.decode()
    card = element(page, "article", id=f"release-{release_id}")
    [hide] = [b for b in elements(card, "button") if text(b).startswith("Hide")]
    assert attribute(hide, "form") == "release-actions"
    assert attribute(hide, "formaction") == f"/locker/releases/{release_id}/hide/"
    form = element(page, "form", id="release-actions")
    assert attribute(form, "method") == "post"
    token = attribute(element(form, "input", name="csrfmiddlewaretoken"), "value")
    hidden = strict.post(attribute(hide, "formaction"), {"csrfmiddlewaretoken": token})
    assert hidden.status_code == 200 and "is hidden" in hidden.content.decode()
    assert HiddenRelease.objects.filter(user=demo, release_id=release_id).exists()


def test_hide_with_htmx_swaps_the_card_and_undo_brings_the_page_back(ada_client, demo):
    release_id = demo_catalogue().by_key["harbour"]
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/locker/?q=harbour"}
    card = ada_client.post(f"/locker/releases/{release_id}/hide/", {}, **hx).content.decode()
    assert card.strip().startswith(f'<article class="release is-hidden-now" id="release-{release_id}"')
    assert "Undo" in card
    undo = ada_client.post(f"/locker/releases/{release_id}/unhide/", {}, **hx)
    assert (
        '"path": "/locker/?q=harbour"' in undo["HX-Location"]
        and '"target": "#locker-body"' in undo["HX-Location"]
    )
    assert "Harbour Lights" in release_titles(
        ada_client.get("/locker/?q=neon+harbour+lights&pageSize=50").content.decode()
    )


def test_hiding_survives_a_sync(ada_client, demo):
    release_id = demo_catalogue().by_key["harbour"]
    ada_client.post(f"/locker/releases/{release_id}/hide/")
    sync.run(demo.pk, full=True)
    assert HiddenRelease.objects.filter(user=demo, release_id=release_id).exists()
    assert release_titles(ada_client.get("/locker/?hidden=1").content.decode()) == ["Harbour Lights"]


def test_hiding_needs_post_csrf_and_ones_own_release(demo, customer_factory):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo)
    release_id = demo_catalogue().by_key["harbour"]
    assert strict.post(f"/locker/releases/{release_id}/hide/").status_code == 403
    assert strict.get(f"/locker/releases/{release_id}/hide/").status_code == 405
    other = Client()
    other.force_login(customer_factory("bo@example.com"))
    assert other.post(f"/locker/releases/{release_id}/hide/").status_code == 404
    assert not HiddenRelease.objects.exists()


def test_back_never_leaves_the_locker(ada_client):
    release_id = demo_catalogue().by_key["harbour"]
    for evil in ("https://evil.example/locker/", "//evil.example/locker/", "/admin/", "javascript:alert(1)"):
        back = ada_client.post(f"/locker/releases/{release_id}/unhide/", {"next": evil})
        assert back["Location"] == "/locker/", evil


def artist_links(html: str) -> list[tuple[str, str, str]]:
    """(artist id, name, release count) of each artist of the artists page."""
    links = []
    for item in elements(html, "li"):
        anchors, hints = elements(item, "a"), elements(item, "span", class_="hint")
        href = attribute(anchors[0], "href") or "" if anchors else ""
        if href.startswith("/locker/?artist=") and hints:
            links.append((href.removeprefix("/locker/?artist="), text(anchors[0]), text(hints[0]).split()[0]))
    return links


def test_artists_page_links_to_the_filtered_locker(ada_client):
    html = ada_client.get("/locker/artists/").content.decode()
    links = artist_links(html)
    assert len(links) >= 10
    names = [name for _, name, _ in links]
    assert names.index("The Paper Lanterns") > names.index("Oskar Lindqvist Trio")  # "The" ignored: P after O
    artist_id, name, count = next(link for link in links if link[1] == "Mara Quill")
    page = ada_client.get("/locker/", {"artist": artist_id, "pageSize": 50}).content.decode()
    assert count_line(page).endswith(f"of {count} release{'s' if count != '1' else ''}")
    assert "Artist: Mara Quill" in page


def test_each_release_says_when_it_was_bought(ada_client):
    html = ada_client.get("/locker/").content.decode()
    bought = elements(html, "span", class_="bought")
    assert bought and all(re.fullmatch(r"Bought \d{1,2} \w{3} \d{4}", text(span)) for span in bought)
    dates = [attribute(element(span, "time"), "datetime") or "" for span in bought]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", iso) for iso in dates), dates
