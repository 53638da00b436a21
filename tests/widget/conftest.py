"""Widget fixtures: a partner with a known signing secret, and tokens minted as its backend would."""

from __future__ import annotations

import json
import re

import pytest

from locker.widget import tokens
from locker.widget.models import Partner

SHOP = "https://shop.example"


def make_partner(slug: str = "record-shop", origins: str = SHOP, **fields) -> Partner:
    partner = Partner(name=slug.replace("-", " ").title(), slug=slug, allowed_origins=origins, **fields)
    partner.secret = partner.set_new_secret()  # the plain secret, as handed to the partner
    partner.save()
    return partner


@pytest.fixture
def partner(db):
    return make_partner()


@pytest.fixture
def mint(partner):
    def make(subject: str = "ada@example.com", **kwargs) -> str:
        return tokens.mint(partner.slug, partner.secret, subject=subject, **kwargs)

    return make


def widget_config(response) -> dict:
    match = re.search(
        r'<script id="widget-config" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "the widget page carries its config in a json_script block"
    return json.loads(match.group(1))


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.fixture
def open_widget(client, mint):
    """Open the widget with a fresh token; returns (response, session id)."""

    def open_(subject: str = "ada@example.com", query: str = "", **headers):
        response = client.get(f"/widget/locker/?token={mint(subject)}{query}", headers=headers)
        return response, widget_config(response)["session"] if response.status_code == 200 else ""

    return open_
