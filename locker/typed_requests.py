"""Request types for views: what django-htmx and the widget add to a request, and its user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from locker.widget.models import WidgetSession


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class WidgetRequest(HtmxHttpRequest):
    widget_session: WidgetSession


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, in a view that only a signed-in customer reaches (login_required)."""
    user = request.user
    assert isinstance(user, User), "view reached without a signed-in user"
    return user
