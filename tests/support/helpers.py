"""Helpers the support tests import: the "Support" group, its members, admin URLs and row readers."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.models import Group

from tests.markup import attribute, element, elements, text

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
    """Track rows of the staff locker view (the customer's own rows, with the staff facts in place
    of their controls) by dom id: state, raw remaining count and the facts' texts."""
    rows = {}
    for row in elements(html, "li", class_="track"):
        facts = element(row, "dl", class_="support-track-facts")
        rows[attribute(row, "id")] = {
            "state": state_of(element(facts, "span", class_="support-state")),
            "remaining": text(element(facts, "dd", class_="support-remaining")),
            "cells": [text(dd) for dd in elements(facts, "dd")],
        }
    return rows


def customer_rows(html: str) -> dict[str, str]:
    """Track rows of the customer's own locker page: dom id -> state."""
    return {attribute(row, "id"): state_of(row) for row in elements(html, "li", class_="track")}


def state_of(node) -> str:
    """The track state an element's `state-...` class names."""
    return next(
        c.removeprefix("state-") for c in (attribute(node, "class") or "").split() if c.startswith("state-")
    )
