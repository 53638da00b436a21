"""Staff sign in through the site's rate-limited sign-in; /admin/login/ checks no password (item 7)."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def staff(customer_factory):
    user = customer_factory("staff@example.com")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_login_form_accepts_no_password_after_a_run_of_wrong_ones(client, staff):
    for _ in range(40):
        client.post("/admin/login/", {"username": staff.username, "password": "wrong-password"})
    client.post("/admin/login/?next=/admin/", {"username": staff.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_the_admin_login_sends_staff_to_the_sites_sign_in(client, staff):
    response = client.get("/admin/login/?next=/admin/locker/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Flocker%2F"
    signed_in = client.post(
        "/accounts/login/?next=/admin/locker/", {"login": staff.email, "password": PASSWORD}
    )
    assert signed_in.status_code == HTTPStatus.FOUND
    assert signed_in["Location"] == "/admin/locker/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_signed_in_customer_gets_no_admin_login_form(client, customer):
    client.force_login(customer)
    assert client.get("/admin/login/").status_code == HTTPStatus.FORBIDDEN
