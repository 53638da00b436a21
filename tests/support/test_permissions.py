"""Who may open the support views: anonymous, customer, staff without the permission, support, superuser."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from locker.models import SevenDigitalLink
from locker.support.models import AuditEntry
from tests.support.helpers import action_url, ensure_support_group, locker_url

PAGES = ["locker", "refresh", "relink", "unlink"]


def page_url(user, page: str) -> str:
    return locker_url(user) if page == "locker" else action_url(user, page)


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, linked_customer, page):
    response = client.get(page_url(linked_customer, page))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("page", PAGES)
def test_customers_get_no_admin(client, linked_customer, page):
    client.force_login(linked_customer)
    response = client.get(page_url(linked_customer, page))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


@pytest.mark.parametrize("page", PAGES)
def test_staff_without_the_permission_get_403(client, staff_user, linked_customer, page):
    client.force_login(staff_user)
    assert client.get(page_url(linked_customer, page)).status_code == HTTPStatus.FORBIDDEN
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOOKUP).exists()


@pytest.mark.parametrize("page", ["relink", "unlink"])
def test_staff_without_the_permission_cannot_act(client, staff_user, linked_customer, page):
    client.force_login(staff_user)
    assert client.post(page_url(linked_customer, page)).status_code == HTTPStatus.FORBIDDEN
    link = SevenDigitalLink.objects.get(user=linked_customer)
    assert not link.needs_relink


@pytest.mark.parametrize("page", PAGES)
def test_support_members_may_open_every_page(support_client, linked_customer, page):
    assert support_client.get(page_url(linked_customer, page)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("page", PAGES)
def test_superusers_may_open_every_page(client, superuser, linked_customer, page):
    client.force_login(superuser)
    assert client.get(page_url(linked_customer, page)).status_code == HTTPStatus.OK


def test_an_unknown_customer_or_action_is_404(support_client, linked_customer):
    assert support_client.get("/admin/auth/user/999999/locker/").status_code == HTTPStatus.NOT_FOUND
    assert (
        support_client.get(action_url(linked_customer, "delete-everything")).status_code
        == HTTPStatus.NOT_FOUND
    )


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_creates_the_support_group_and_undoes_it():
    call_command("migrate", "support", "0001", verbosity=0)
    assert not Group.objects.filter(name="Support").exists()
    call_command("migrate", "support", verbosity=0)
    group = Group.objects.get(name="Support")
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == {
        "locker.view_customer_locker",
        "locker.view_sevendigitallink",
        "locker.view_downloadevent",
        "auth.view_user",
        "support.view_auditentry",
    }


def test_support_members_see_the_admin_index_with_their_models(support_client):
    html = support_client.get("/admin/").content.decode()
    for model in (
        "/admin/auth/user/",
        "/admin/locker/sevendigitallink/",
        "/admin/locker/downloadevent/",
        "/admin/support/auditentry/",
    ):
        assert model in html
    assert "/admin/auth/group/" not in html


def test_the_locker_column_and_button_show_only_with_the_permission(
    client, staff_user, support_client, linked_customer
):
    assert f'href="{locker_url(linked_customer)}"' in support_client.get("/admin/auth/user/").content.decode()
    assert (
        f'href="{locker_url(linked_customer)}"'
        in support_client.get("/admin/locker/sevendigitallink/").content.decode()
    )
    change = support_client.get(f"/admin/auth/user/{linked_customer.pk}/change/").content.decode()
    assert f'href="{locker_url(linked_customer)}"' in change
    link = SevenDigitalLink.objects.get(user=linked_customer)
    link_change = support_client.get(f"/admin/locker/sevendigitallink/{link.pk}/change/").content.decode()
    assert f'href="{locker_url(linked_customer)}"' in link_change

    staff_user.user_permissions.add(
        *ensure_support_group().permissions.exclude(codename="view_customer_locker")
    )
    client.force_login(staff_user)
    assert locker_url(linked_customer) not in client.get("/admin/auth/user/").content.decode()
    assert (
        locker_url(linked_customer)
        not in client.get(f"/admin/auth/user/{linked_customer.pk}/change/").content.decode()
    )
