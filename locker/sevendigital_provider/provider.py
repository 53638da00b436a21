"""The django-allauth OAuth 1.0a provider for 7digital (used as a *connect* flow)."""

from __future__ import annotations

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth.provider import OAuthProvider
from django.conf import settings
from django.http import HttpRequest

from locker.sevendigital_provider.views import SevenDigitalOAuthAdapter


class SevenDigitalAccount(ProviderAccount):
    def to_str(self) -> str:
        return self.account.extra_data.get("email") or f"7digital user {self.account.uid}"


class SevenDigitalProvider(OAuthProvider):
    id = "sevendigital"
    name = "7digital"
    account_class = SevenDigitalAccount
    oauth_adapter_class = SevenDigitalOAuthAdapter

    def get_auth_url(self, request: HttpRequest, action) -> str:
        # 7digital puts the consumer key in the path of its authorise page.
        return f"{settings.SEVENDIGITAL_ACCOUNT_URL}/{self.app.client_id}/oauth/authorise"

    def extract_uid(self, data: dict) -> str:
        return str(data["id"])

    def extract_common_fields(self, data: dict) -> dict:
        return {"email": data.get("email") or None}


provider_classes = [SevenDigitalProvider]
