"""Support fixtures: the cast of staff (support, staff without the permission, superuser)."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD
from tests.support.helpers import make_support_user


@pytest.fixture
def support_user(customer_factory):
    return make_support_user(customer_factory)


@pytest.fixture
def staff_user(customer_factory):
    user = customer_factory("sam@staff.example")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@staff.example", PASSWORD)


@pytest.fixture
def support_client(client, support_user):
    client.force_login(support_user)
    return client
