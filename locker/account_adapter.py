"""Locker's django-allauth account adapter: how sign-in limits see the client."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from lockersite.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own reading of ALLAUTH_TRUSTED_PROXY_COUNT raises ImproperlyConfigured (a 500)
        # for a request that carries fewer X-Forwarded-For entries than proxies are trusted.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
