"""7digital is a connected account only: it never signs anyone in to Locker.

Whoever can authorise a 7digital account on 7digital's page must not become the Locker customer
(or staff member) who linked it. The flow is refused at every step where allauth would sign in:
starting it with any process but "connect" or without a session, coming back to the callback
without a session, and (the root check, `SocialAccountAdapter.pre_social_login`) completing a
flow whose stashed state is not a connect by a signed-in user.
"""

from __future__ import annotations

from functools import wraps

from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.utils import get_request_param
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def refusal(request: HttpRequest) -> HttpResponse:
    response = TemplateResponse(request, "sevendigital_provider/connect_only.html", status=403)
    return response.render()


def is_connect(request: HttpRequest) -> bool:
    return get_request_param(request, "process") == AuthProcess.CONNECT


def allowed(request: HttpRequest, process: str | None) -> bool:
    return request.user.is_authenticated and process == AuthProcess.CONNECT


def start_view(view):
    """Wrap allauth's login view: only a signed-in customer may start linking."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_connect(request):
            return refusal(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


def callback_view(view):
    """Wrap the callback: without a session there is nothing to link to, so 7digital isn't asked."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return refusal(request)
        return view(request, *args, **kwargs)

    return guarded
