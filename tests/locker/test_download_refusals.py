"""A signed URL is a download *started*; a refusal by the media host that the page learns of is
recorded as such, and the customer reads what happened on a page of ours.

The browser fetches the file from the media host itself. What the sandbox's media host answers
when it refuses (as 7digital's does): an XML error page, never a file. locker.js and widget.js run
the download in a hidden frame, see that page load there (a file never loads a document), and
report it to the download's refusal URL.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import requests
from django.test import Client
from django.utils import timezone

from locker.models import DownloadEvent
from tests.locker.test_downloads import EMAIL, post_download, small_locker
from tests.markup import element, text

Outcome = DownloadEvent.Outcome
HTMX = {"HX-Request": "true"}


def _use_up(sandbox, row) -> None:
    """Someone (another tab, 7digital's own app) takes the last download after our re-check."""
    account = sandbox.store.account_by_email(EMAIL)
    while sandbox.store.use_download(account.id, row["release"], row["track"]):
        pass


@pytest.fixture
def started(customer_client, sandboxed):
    """A download of the last copy, started through htmx: (row, response)."""
    row = small_locker(customer_client)["last_download"]
    response = post_download(customer_client, row, **HTMX)
    assert response.status_code == HTTPStatus.OK and response["HX-Redirect"]
    return row, response


def test_the_media_host_refuses_with_an_xml_page_not_a_file(started, sandboxed):
    row, response = started
    _use_up(sandboxed, row)
    answer = requests.get(response["HX-Redirect"], timeout=5)
    assert answer.status_code >= 400
    assert "xml" in answer.headers["Content-Type"] and "Content-Disposition" not in answer.headers
    assert "Download limit reached" in answer.text


def test_a_reported_refusal_is_recorded_and_the_row_says_what_happened(customer_client, started, sandboxed):
    row, response = started
    _use_up(sandboxed, row)
    requests.get(response["HX-Redirect"], timeout=5)  # what the hidden frame loads
    refused = customer_client.post(response["X-Download-Refused-Url"], headers=HTMX)
    assert refused.status_code == HTTPStatus.OK
    html = refused.content.decode()
    assert html.startswith(f'<li class="track state-exhausted" id="track-{row["release"]}-{row["track"]}"')
    assert "download server refused that download" in html
    assert "Download started" not in html  # the only download started was refused
    event = DownloadEvent.objects.get()
    assert event.outcome == Outcome.REFUSED_UPSTREAM and not event.succeeded
    history = customer_client.get("/locker/history/").content.decode()
    assert "Refused by 7digital&#x27;s download server" in history and "Download started" not in history


def test_a_download_that_arrived_still_reads_download_started(customer_client, started, sandboxed):
    row, response = started
    assert requests.get(response["HX-Redirect"], timeout=5).status_code == HTTPStatus.OK
    assert DownloadEvent.objects.get().outcome == Outcome.REDIRECTED
    page = customer_client.get("/locker/").content.decode()
    assert "Download started" in page and "Downloaded on" not in page
    assert "Download started" in customer_client.get("/locker/history/").content.decode()


def test_only_the_customers_own_recent_started_downloads_can_be_reported(
    customer_client, started, sandboxed, customer_factory
):
    _, response = started
    url = response["X-Download-Refused-Url"]
    other = Client()
    other.force_login(customer_factory("mallory@example.com"))
    assert other.post(url, headers=HTMX).status_code == HTTPStatus.NO_CONTENT
    event = DownloadEvent.objects.get()
    DownloadEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert customer_client.post(url, headers=HTMX).status_code == HTTPStatus.NO_CONTENT
    assert DownloadEvent.objects.get().outcome == Outcome.REDIRECTED
    assert customer_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_refusals_of_ours_are_not_reported_twice(customer_client, sandboxed):
    row = small_locker(customer_client)["exhausted"]
    response = post_download(customer_client, row, **HTMX)
    assert response.status_code == HTTPStatus.CONFLICT and "X-Download-Refused-Url" not in response
    assert DownloadEvent.objects.get().outcome == Outcome.EXHAUSTED


def test_the_widget_reports_refusals_too(linked_customer, sandboxed, open_widget):  # noqa: F811
    from tests.widget.test_widget_views import rows

    page, key = open_widget(linked_customer.email)
    row = rows(page.content.decode())["last_download"]
    widget = Client()
    headers = {"X-Widget-Session": key, "HX-Request": "true", "Origin": "http://testserver"}
    data = {"release": row["release"], "track": row["track"], "format": row["formats"][0]}
    response = widget.post("/widget/download/", data, headers=headers)
    url = response["X-Download-Refused-Url"]
    assert url.startswith("/widget/download/")
    answer = widget.post(url, headers=headers)
    # The locker's own answer: the row's fresh state, in the widget's layout, saying what happened.
    html = answer.content.decode()
    assert answer.status_code == HTTPStatus.OK and html.startswith('<li class="track state-')
    assert "refused that download" in text(element(html, "p", class_="track-flash", role="alert"))
    assert "csrfmiddlewaretoken" not in html and "Set-Cookie" not in answer
    assert DownloadEvent.objects.get().outcome == Outcome.REFUSED_UPSTREAM
