"""Helpers the support tests import: the "Support" group, its members, admin URLs and row readers."""

from __future__ import annotations

import importlib
import re

from django.apps import apps
from django.contrib.auth.models import Group

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


def locker_url(user) -> str:
    return f"/admin/auth/user/{user.pk}/locker/"


def action_url(user, action: str) -> str:
    return f"/admin/auth/user/{user.pk}/locker/{action}/"


def staff_rows(html: str) -> dict[str, dict]:
    """Track rows of the staff locker view by dom id: state, raw remaining count and purchase id."""
    rows = {}
    for dom_id, state, body in re.findall(
        r'<tr class="support-track state-(?:\w+)" id="(track-\d+-\d+)">.*?support-state state-(\w+)(.*?)</tr>',
        html,
        re.S,
    ):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        remaining = re.search(r'<td class="support-remaining">([^<]*)</td>', body).group(1).strip()
        rows[dom_id] = {"state": state, "remaining": remaining, "cells": [c.strip() for c in cells]}
    return rows


def customer_rows(html: str) -> dict[str, str]:
    """Track rows of the customer's own locker page: dom id -> state."""
    return {
        dom_id: state
        for state, dom_id in re.findall(r'<li class="track state-(\w+)" id="(track-\d+-\d+)"', html)
    }
