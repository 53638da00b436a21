"""The 7digital token (key, secret, ciphertext) appears on no admin page, for any staff member."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from locker.models import DownloadEvent, SevenDigitalLink
from locker.support.models import AuditEntry
from tests.markup import attribute, element, elements
from tests.support.helpers import action_url, locker_url


def admin_pages(customer) -> list[str]:
    link = SevenDigitalLink.objects.get(user=customer)
    entry = AuditEntry.objects.first()
    event = DownloadEvent.objects.first()
    return [
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/?q={customer.email}",
        f"/admin/auth/user/{customer.pk}/change/",
        "/admin/locker/sevendigitallink/",
        f"/admin/locker/sevendigitallink/?q={link.sevendigital_user_id}",
        f"/admin/locker/sevendigitallink/{link.pk}/change/",
        f"/admin/locker/sevendigitallink/{link.pk}/history/",
        "/admin/locker/downloadevent/",
        f"/admin/locker/downloadevent/{event.pk}/change/",
        "/admin/support/auditentry/",
        f"/admin/support/auditentry/{entry.pk}/change/",
        locker_url(customer),
        action_url(customer, "refresh"),
        action_url(customer, "relink"),
        action_url(customer, "unlink"),
    ]


@pytest.mark.parametrize("who", ["support", "superuser"])
def test_no_admin_page_shows_the_token(client, support_user, superuser, linked_customer, sandboxed, who):
    client.force_login(support_user if who == "support" else superuser)
    DownloadEvent.objects.create(
        user=linked_customer, release_id=1, track_id=2, format_id=17, outcome="redirected"
    )
    client.get(locker_url(linked_customer))  # makes an audit entry
    link = SevenDigitalLink.objects.get(user=linked_customer)
    token = link.get_token()
    secrets = [token.key, token.secret, link.token_ciphertext, link.token_ciphertext[:24]]
    assert token.key and token.secret
    for path in admin_pages(linked_customer):
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        html = response.content.decode()
        for secret in secrets:
            assert secret not in html, path
        assert "token_ciphertext" not in html and "ciphertext" not in html.lower(), path


def test_the_link_cannot_be_changed_or_added_in_the_admin(client, superuser, linked_customer, sandboxed):
    client.force_login(superuser)
    link = SevenDigitalLink.objects.get(user=linked_customer)
    before = link.token_ciphertext
    assert client.get("/admin/locker/sevendigitallink/add/").status_code == HTTPStatus.FORBIDDEN
    client.post(
        f"/admin/locker/sevendigitallink/{link.pk}/change/", {"token_ciphertext": "x", "needs_relink": "on"}
    )
    link.refresh_from_db()
    assert link.token_ciphertext == before and not link.needs_relink
    html = client.get(f"/admin/locker/sevendigitallink/{link.pk}/change/").content.decode()
    form = elements(element(html, "div", id="content-main"), "form")[0]
    fields = [f for tag in ("input", "textarea", "select") for f in elements(form, tag)]
    assert [attribute(f, "name") for f in fields if attribute(f, "name") != "csrfmiddlewaretoken"] == []


def test_there_are_no_bulk_actions_to_export_with(client, superuser, linked_customer, sandboxed):
    client.force_login(superuser)
    for path in (
        "/admin/locker/sevendigitallink/",
        "/admin/locker/downloadevent/",
        "/admin/support/auditentry/",
    ):
        assert 'name="action"' not in client.get(path).content.decode(), path
