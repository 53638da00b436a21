from __future__ import annotations

from django import template
from django.conf import settings

from locker.query import LockerQuery

register = template.Library()


@register.filter
def query_for_page(query: LockerQuery, page: int) -> str:
    return query.with_(page=int(page)).querystring()


@register.simple_tag
def site_name() -> str:
    """SITE_NAME where no request context is (allauth renders its emails without one)."""
    return settings.SITE_NAME
