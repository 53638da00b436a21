"""Support actions: confirmed on a page of their own, done only by POST with a CSRF token, audited."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from locker.models import SevenDigitalLink
from locker.support.models import AuditEntry
from tests.support.helpers import action_url, locker_url


def upstream_calls(sandbox) -> int:
    return len(sandbox.log("/1.2/user/locker"))


@pytest.mark.parametrize("action", ["refresh", "relink", "unlink"])
def test_get_only_asks_for_confirmation(support_client, linked_customer, sandboxed, action):
    response = support_client.get(action_url(linked_customer, action))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<form method="post"' in html and "csrfmiddlewaretoken" in html
    assert linked_customer.email in html
    link = SevenDigitalLink.objects.get(user=linked_customer)
    assert not link.needs_relink
    assert not AuditEntry.objects.filter(action=action).exists()


@pytest.mark.parametrize("action", ["refresh", "relink", "unlink"])
def test_a_post_without_the_csrf_token_is_refused(support_user, linked_customer, sandboxed, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(support_user)
    response = client.post(action_url(linked_customer, action))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert SevenDigitalLink.objects.filter(user=linked_customer, needs_relink=False).exists()
    assert not AuditEntry.objects.filter(action=action).exists()


def test_a_post_with_the_csrf_token_from_the_confirmation_page_works(
    support_user, linked_customer, sandboxed
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(support_user)
    confirm = client.get(action_url(linked_customer, "relink"))
    token = confirm.context["csrf_token"]
    response = client.post(action_url(linked_customer, "relink"), {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == HTTPStatus.FOUND
    assert SevenDigitalLink.objects.get(user=linked_customer).needs_relink


def test_refresh_drops_the_cached_locker(support_client, linked_customer, sandboxed):
    support_client.get(locker_url(linked_customer))
    before = upstream_calls(sandboxed)
    support_client.get(locker_url(linked_customer))
    assert upstream_calls(sandboxed) == before  # served from the customer's cache

    response = support_client.post(action_url(linked_customer, "refresh"))
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == locker_url(linked_customer)
    support_client.get(locker_url(linked_customer))
    assert upstream_calls(sandboxed) == before + 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REFRESH)
    assert (entry.customer, entry.details) == (linked_customer, {"done": True})


def test_relink_marks_the_link_and_the_customer_is_asked_to_link_again(
    support_client, linked_customer, sandboxed
):
    support_client.post(action_url(linked_customer, "relink"))
    link = SevenDigitalLink.objects.get(user=linked_customer)
    assert link.needs_relink and "support" in link.relink_reason
    customer = Client()
    customer.force_login(linked_customer)
    assert "Link your 7digital account again" in customer.get("/locker/").content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RELINK, customer=linked_customer).count() == 1


def test_unlink_deletes_the_tokens_and_the_account_row(support_client, linked_customer, sandboxed):
    response = support_client.post(action_url(linked_customer, "unlink"), follow=True)
    assert not SevenDigitalLink.objects.filter(user=linked_customer).exists()
    assert not SocialAccount.objects.filter(user=linked_customer).exists()
    assert "was unlinked" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNLINK, customer=linked_customer).count() == 1


def test_acting_on_a_customer_without_a_link_changes_nothing_and_is_still_audited(
    support_client, customer, sandboxed
):
    response = support_client.post(action_url(customer, "unlink"), follow=True)
    assert "nothing was changed" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLINK)
    assert entry.details == {"done": False}


def test_support_views_never_download_or_stream(support_client, linked_customer, sandboxed):
    sandboxed.clear_log()
    support_client.get(locker_url(linked_customer))
    for action in ("refresh", "relink", "unlink"):
        support_client.post(action_url(linked_customer, action))
    assert sandboxed.log("/1.2/user/locker")  # the same read the customer's page makes
    assert not sandboxed.log("/media/") and not sandboxed.log("/stream/")
