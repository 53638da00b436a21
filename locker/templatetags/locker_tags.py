from __future__ import annotations

from django import template

from locker.query import LockerQuery

register = template.Library()


@register.filter
def query_for_page(query: LockerQuery, page: int) -> str:
    return query.with_(page=int(page)).querystring()
