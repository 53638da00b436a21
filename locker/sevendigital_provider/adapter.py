from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from locker.sevendigital_provider import connect_only


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_connect_redirect_url(self, request: HttpRequest, socialaccount) -> str:
        return reverse("locker:locker")

    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        # Customers sign up with email + password; 7digital is only ever *linked*.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        # Runs for every completed flow, whatever started it: only a signed-in connect goes on.
        if not connect_only.allowed(request, sociallogin.state.get("process")):
            raise ImmediateHttpResponse(connect_only.refusal(request))
