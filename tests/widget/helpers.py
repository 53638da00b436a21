"""Helpers the widget tests import: a partner with a known signing secret, and readers of the page."""

from __future__ import annotations

import json

from locker.widget.models import Partner
from tests.markup import attribute, element

SHOP = "https://shop.example"


def make_partner(slug: str = "record-shop", origins: str = SHOP, **fields) -> Partner:
    partner = Partner(name=slug.replace("-", " ").title(), slug=slug, allowed_origins=origins, **fields)
    partner.secret = partner.set_new_secret()  # the plain secret, as handed to the partner
    partner.save()
    return partner


def widget_config(response) -> dict:
    script = element(response.content.decode(), "script", id="widget-config", type="application/json")
    return json.loads("".join(c for c in script.children if isinstance(c, str)))


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def next_page_href(html: str) -> str:
    """The widget's Next link: a real URL that htmx fetches to swap the widget's body."""
    link = element(html, "a", rel="next")
    assert attribute(link, "hx-target") == "#widget-body" and attribute(link, "hx-swap") == "outerHTML"
    href = attribute(link, "href") or ""
    assert attribute(link, "hx-get") == href
    return href
