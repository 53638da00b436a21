"""Support fixtures: the cast of staff (support, staff without the permission, superuser) and helpers."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.helpers import PASSWORD

support_group_migration = importlib.import_module("locker.support.migrations.0002_support_group")


def ensure_support_group() -> Group:
    """The "Support" group, as the data migration makes it.

    Tests with a live server flush every table afterwards, migration data included; running the
    migration's own (idempotent) function again brings the group back exactly as deployed.
    """
    support_group_migration.create_group(apps, None)
    return Group.objects.get(name=support_group_migration.GROUP)


def make_support_user(customer_factory, email: str = "helen@support.example"):
    """A member of the "Support" group and nothing more."""
    user = customer_factory(email)
    user.is_staff = True
    user.save()
    user.groups.add(ensure_support_group())
    return user


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


def locker_url(user) -> str:
    return f"/admin/auth/user/{user.pk}/locker/"


def action_url(user, action: str) -> str:
    return f"/admin/auth/user/{user.pk}/locker/{action}/"


def staff_rows(html: str) -> dict[str, dict]:
    """Track rows of the staff locker view (the customer's own rows, with the staff facts in place
    of their controls) by dom id: state, raw remaining count and the facts."""
    rows = {}
    for dom_id, body in re.findall(
        r'<li class="track state-\w+" id="(track-\d+-\d+)"[^>]*>(.*?)</li>', html, re.S
    ):
        facts = re.search(r'<dl class="support-track-facts">(.*?)</dl>', body, re.S).group(1)
        state = re.search(r"support-state state-(\w+)", facts).group(1)
        remaining = re.search(r'<dd class="support-remaining">([^<]*)</dd>', facts).group(1).strip()
        cells = re.findall(r"<dd[^>]*>(.*?)</dd>", facts, re.S)
        rows[dom_id] = {"state": state, "remaining": remaining, "cells": [c.strip() for c in cells]}
    return rows


def customer_rows(html: str) -> dict[str, str]:
    """Track rows of the customer's own locker page: dom id -> state."""
    return {
        dom_id: state
        for state, dom_id in re.findall(r'<li class="track state-(\w+)" id="(track-\d+-\d+)"', html)
    }
