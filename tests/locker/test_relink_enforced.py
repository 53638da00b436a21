"""A link marked "needs relinking" (by support, or after 7digital rejected its token) signs nothing.

Support's confirmation page promises "downloads paused": every use of the token (downloads,
streams, fresh rows, the widget's twins of each) is refused without calling 7digital, the customer
reads why, and the refusal is in their history.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from locker.models import DownloadEvent, SevenDigitalLink
from locker.sevendigital.errors import RelinkNeeded
from tests.locker.test_downloads import EMAIL, small_locker
from tests.support.helpers import action_url, locker_url, make_support_user

PAUSED = "needs to be linked again"


@pytest.fixture
def row(customer_client, sandboxed):
    """A downloadable row, read while the link was healthy."""
    return small_locker(customer_client)["downloadable"]


@pytest.fixture(params=["support", "7digital"])
def marked(request, linked_customer, sandboxed, customer_factory, row):
    """The link marked for relinking, the way support does it or the way a rejected token does it."""
    if request.param == "support":
        staff = Client()
        staff.force_login(make_support_user(customer_factory))
        assert staff.post(action_url(linked_customer, "relink")).status_code == HTTPStatus.FOUND
    else:
        sandboxed.revoke(email=EMAIL)
        customer = Client()
        customer.force_login(linked_customer)
        customer.get("/locker/?page=1&pageSize=20")  # 7digital refuses the token: the link is marked
        sandboxed.reset()  # ... and the old token would work again, were it ever sent
    link = SevenDigitalLink.objects.get(user=linked_customer)
    assert link.needs_relink
    sandboxed.clear_log()
    return link


def _data(row) -> dict:
    return {"release": row["release"], "track": row["track"], "format": row["formats"][0]}


def test_the_token_itself_is_refused(marked):
    with pytest.raises(RelinkNeeded):
        marked.get_token()


def test_a_download_is_refused_without_asking_7digital(customer_client, marked, sandboxed, row):
    before = sandboxed.remaining(EMAIL, row["release"], row["track"])
    response = customer_client.post("/locker/download/", _data(row))
    assert response.status_code == HTTPStatus.CONFLICT
    assert "Location" not in response
    html = response.content.decode()
    assert PAUSED in html and 'href="/locker/account/"' in html
    assert sandboxed.log() == []
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == before
    event = DownloadEvent.objects.get()
    assert event.outcome == DownloadEvent.Outcome.RELINK


def test_an_htmx_download_says_why_in_the_flash(customer_client, marked, sandboxed, row):
    response = customer_client.post("/locker/download/", _data(row), headers={"HX-Request": "true"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "HX-Redirect" not in response and response["HX-Retarget"] == "#flash"
    assert PAUSED in response.content.decode()
    assert sandboxed.log() == []


def test_a_stream_is_refused(customer_client, marked, sandboxed, row):
    response = customer_client.post("/locker/stream/", {"release": row["release"], "track": row["track"]})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "url" not in response.json() and PAUSED in response.json()["error"]
    assert sandboxed.log() == []


def test_a_fresh_row_is_refused(customer_client, marked, sandboxed, row):
    response = customer_client.get(
        f"/locker/track/{row['release']}/{row['track']}/", headers={"HX-Request": "true"}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert PAUSED in response.content.decode() and "Download" not in response.content.decode()
    assert sandboxed.log() == []


def test_the_locker_page_pauses_downloads(customer_client, marked, sandboxed):
    html = customer_client.get("/locker/").content.decode()
    assert PAUSED in html and "Link your 7digital account again" in html
    assert sandboxed.log() == []


def test_the_widget_refuses_downloads_streams_and_rows(marked, sandboxed, row, open_widget, linked_customer):  # noqa: F811
    _, key = open_widget(linked_customer.email)
    widget = Client()
    headers = {"X-Widget-Session": key, "HX-Request": "true", "Origin": "http://testserver"}
    download = widget.post("/widget/download/", _data(row), headers=headers)
    assert download.status_code == HTTPStatus.CONFLICT and "HX-Redirect" not in download
    plain = widget.post("/widget/download/", {**_data(row), "widget_session": key})
    assert plain.status_code == HTTPStatus.CONFLICT and "Location" not in plain
    assert PAUSED in plain.content.decode()
    stream = widget.post(
        "/widget/stream/", {"release": row["release"], "track": row["track"]}, headers=headers
    )
    assert stream.status_code == HTTPStatus.CONFLICT and "url" not in stream.json()
    fresh = widget.get(f"/widget/track/{row['release']}/{row['track']}/", headers=headers)
    assert fresh.status_code == HTTPStatus.CONFLICT and PAUSED in fresh.content.decode()
    assert fresh["HX-Retarget"] == "#flash"  # the widget's notice area, as on the locker page
    assert sandboxed.log() == []


def test_support_refresh_says_the_link_needs_relinking(marked, sandboxed, customer_factory):
    staff = Client()
    staff.force_login(make_support_user(customer_factory, "sam@support.example"))
    response = staff.post(action_url(marked.user, "refresh"), follow=True)
    html = response.content.decode()
    assert "needs relinking" in html and "now shows 7digital's answer" not in html
    assert response.redirect_chain[-1][0] == locker_url(marked.user)
    assert sandboxed.log() == []


def test_the_first_reason_is_kept(marked):
    reason = marked.relink_reason
    marked.mark_needs_relink("something else")
    marked.refresh_from_db()
    assert marked.relink_reason == reason


def test_linking_again_resumes_downloads(customer_client, marked, sandboxed, row, linked_customer):
    from tests.helpers import link_to_sandbox

    link_to_sandbox(linked_customer, sandboxed, EMAIL)
    response = customer_client.post("/locker/download/", _data(row))
    assert response.status_code == HTTPStatus.FOUND
