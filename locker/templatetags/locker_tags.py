from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import number_format

from locker.query import LockerQuery

register = template.Library()


@register.filter
def query_for_page(query: LockerQuery, page: int) -> str:
    return query.with_(page=int(page)).querystring()


@register.simple_tag
def site_name() -> str:
    """SITE_NAME where no request context is (allauth renders its emails without one)."""
    return settings.SITE_NAME


@register.filter
def grouped(value) -> str:
    """A count with the active language's digit grouping ("2,000", "2.000", "2 000")."""
    return number_format(value, force_grouping=True)
