from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_connect_redirect_url(self, request: HttpRequest, socialaccount) -> str:
        return reverse("locker:locker")

    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        # Customers sign up with email + password; 7digital is only ever *linked*.
        return False
