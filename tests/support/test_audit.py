"""Every lookup and action lands in the audit log, which nobody can change or delete in the admin."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from locker.models import DownloadEvent
from locker.support.models import AuditEntry
from tests.support.helpers import action_url, locker_url


def test_a_lookup_records_who_whom_what_when_and_where(
    support_client, support_user, linked_customer, sandboxed
):
    support_client.get(locker_url(linked_customer), {"page": 1, "sort": "artistName asc"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOOKUP)
    assert entry.staff == support_user and entry.staff_username == support_user.username
    assert entry.customer == linked_customer and entry.customer_email == linked_customer.email
    assert entry.ip_address == "127.0.0.1"
    assert entry.details["sort"] == "artistName asc" and entry.details["outcome"] == "ok"
    assert entry.created_at is not None


def test_every_lookup_is_recorded(support_client, linked_customer, sandboxed):
    # Cached or not, each view is a lookup.
    for sort in ("purchaseDate desc", "purchaseDate desc", "artistName asc"):
        support_client.get(locker_url(linked_customer), {"sort": sort})
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOOKUP).count() == 3


@pytest.mark.parametrize("action", ["refresh", "relink", "unlink"])
def test_every_action_is_recorded(support_client, support_user, linked_customer, sandboxed, action):
    support_client.post(action_url(linked_customer, action), REMOTE_ADDR="203.0.113.9")
    entry = AuditEntry.objects.get(action=action)
    assert (entry.staff, entry.customer, entry.ip_address) == (support_user, linked_customer, "203.0.113.9")


@pytest.mark.parametrize(
    "path", ["/admin/auth/user/", "/admin/locker/sevendigitallink/", "/admin/locker/downloadevent/"]
)
def test_searching_customers_is_recorded(support_client, path):
    support_client.get(path, {"q": "ada@example.com"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SEARCH)
    assert entry.details["query"] == "ada@example.com" and entry.customer is None


@pytest.mark.parametrize("model", ["auth.user", "locker.sevendigitallink", "locker.downloadevent"])
def test_opening_a_customer_record_is_recorded(support_client, linked_customer, model):
    event = DownloadEvent.objects.create(
        user=linked_customer, release_id=1, track_id=2, format_id=17, outcome="redirected"
    )
    record = {
        "auth.user": linked_customer,
        "locker.sevendigitallink": linked_customer.sevendigital_link,
        "locker.downloadevent": event,
    }[model]
    path = f"/admin/{model.replace('.', '/')}/{record.pk}/change/"
    assert support_client.get(path).status_code == HTTPStatus.OK
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECORD)
    assert entry.customer == linked_customer and entry.details == {"model": model, "id": str(record.pk)}
    support_client.get(f"/admin/{model.replace('.', '/')}/999999/change/")  # no such record
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RECORD).count() == 1


def test_x_forwarded_for_is_ignored_unless_a_setting_trusts_a_proxy(
    support_client, linked_customer, sandboxed, settings
):
    headers = {"X-Forwarded-For": "198.51.100.7, 192.0.2.1"}
    support_client.get(locker_url(linked_customer), headers=headers, REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 1
    support_client.get(locker_url(linked_customer), headers=headers, REMOTE_ADDR="10.0.0.2")
    first, second = AuditEntry.objects.order_by("id")
    assert first.ip_address == "10.0.0.2"
    assert second.ip_address == "192.0.2.1"  # the address our one proxy saw, not what the client claimed


def test_the_entry_survives_the_customer_being_deleted(support_client, linked_customer, sandboxed):
    support_client.get(locker_url(linked_customer))
    email = linked_customer.email
    linked_customer.delete()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOOKUP)
    assert entry.customer is None and entry.customer_email == email


def test_support_can_read_the_audit_log(support_client, linked_customer, sandboxed):
    support_client.get(locker_url(linked_customer))
    entry = AuditEntry.objects.get()
    listing = support_client.get("/admin/support/auditentry/")
    assert listing.status_code == HTTPStatus.OK and linked_customer.email in listing.content.decode()
    detail = support_client.get(f"/admin/support/auditentry/{entry.pk}/change/")
    assert detail.status_code == HTTPStatus.OK
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[1].split("<footer")[0]


@pytest.mark.parametrize("who", ["support", "superuser"])
def test_nobody_can_add_change_or_delete_entries_in_the_admin(
    client, support_user, superuser, linked_customer, sandboxed, who
):
    client.force_login(support_user if who == "support" else superuser)
    client.get(locker_url(linked_customer))
    entry = AuditEntry.objects.get()
    assert client.get("/admin/support/auditentry/add/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"/admin/support/auditentry/{entry.pk}/delete/").status_code == HTTPStatus.FORBIDDEN
    assert (
        client.post(f"/admin/support/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == HTTPStatus.FORBIDDEN
    )
    client.post(f"/admin/support/auditentry/{entry.pk}/change/", {"action": "search", "staff_username": "x"})
    client.post("/admin/support/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.action == AuditEntry.Action.LOOKUP
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOOKUP).count() == 1
