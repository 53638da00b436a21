"""7digital's OAuth flow, adapted from allauth's textbook OAuth 1.0a client.

Differences (docs/7digital.md, "OAuth flow"): token answers may be URL-encoded or XML, and the
callback carries `status=Authorised` (or "Authorized") and no `oauth_verifier`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth.client import OAuthClient, OAuthError, get_token_prefix
from allauth.socialaccount.providers.oauth.views import (
    OAuthAdapter,
    OAuthCallbackView,
    OAuthLoginView,
)
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from locker.sevendigital import client as sevendigital
from locker.sevendigital.errors import MalformedResponse, SevenDigitalError, UpstreamUnavailable
from locker.sevendigital.types import AccessToken
from locker.sevendigital_provider import connect_only

logger = logging.getLogger(__name__)

AUTHORISED = {"authorised", "authorized"}


def _token_request(request: Callable[[], AccessToken]) -> dict[str, str]:
    """A token request through the 7digital client (its deadline, breaker and metrics), with
    its failures in the words allauth shows the customer."""
    try:
        token = request()
    except UpstreamUnavailable as exc:
        logger.warning("7digital token request failed: %s", exc.message)
        raise OAuthError("7digital could not be reached. Please try again in a moment.") from exc
    except MalformedResponse as exc:
        logger.warning("7digital token request failed: %s", exc.message)
        raise OAuthError("7digital sent an answer we could not read. Please try again.") from exc
    except SevenDigitalError as exc:
        logger.warning("7digital token request failed with HTTP %s", exc.status)
        raise OAuthError("7digital did not accept the link request. Please try again.") from exc
    return {"oauth_token": token.key, "oauth_token_secret": token.secret}


class SevenDigitalOAuthClient(OAuthClient):
    request_token: dict[str, str] | None
    access_token: dict[str, str] | None

    def _session_key(self, kind: str) -> str:
        return f"oauth_{get_token_prefix(self.request_token_url)}_{kind}"

    def _get_request_token(self) -> dict[str, str]:
        if self.request_token is None:
            callback = build_absolute_uri(self.request, self.callback_url)
            client = sevendigital.default_client()
            self.request_token = _token_request(lambda: client.get_request_token(callback))
            self.request.session[self._session_key("request_token")] = self.request_token
        return self.request_token

    def get_access_token(self) -> dict[str, str]:
        if self.access_token is None:
            status = self.request.GET.get("status", "").strip().lower()
            if status not in AUTHORISED:
                raise OAuthError(_("The link to 7digital was not authorised."))
            request_token = self._get_rt_from_session()
            if self.request.GET.get("oauth_token") != request_token["oauth_token"]:
                raise OAuthError(_("This 7digital answer does not belong to your link request."))
            pair = AccessToken(request_token["oauth_token"], request_token["oauth_token_secret"])
            client = sevendigital.default_client()
            self.access_token = _token_request(lambda: client.get_access_token(pair))
            # Unlike allauth's client, never park the access token in the session.
            self.request.session.pop(self._session_key("request_token"), None)
        return self.access_token


class SevenDigitalOAuthAdapter(OAuthAdapter):
    provider_id = "sevendigital"
    client_class = SevenDigitalOAuthClient

    @property
    def request_token_url(self) -> str:  # read at call time so settings overrides apply
        return f"{settings.SEVENDIGITAL_API_URL}/oauth/requesttoken"

    @property
    def access_token_url(self) -> str:
        return f"{settings.SEVENDIGITAL_API_URL}/oauth/accesstoken"

    @property
    def authorize_url(self) -> str:
        return f"{settings.SEVENDIGITAL_ACCOUNT_URL}/{settings.SEVENDIGITAL_CONSUMER_KEY}/oauth/authorise"

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        access = AccessToken(key=token.token, secret=token.token_secret)
        try:
            details = sevendigital.default_client().get_user_details(access)
        except SevenDigitalError as exc:
            raise OAuthError("7digital did not confirm your account. Please try again.") from exc
        extra_data = {"id": details.id, "email": details.email}
        return self.get_provider().sociallogin_from_response(request, extra_data)


class SevenDigitalCallbackView(OAuthCallbackView):
    def dispatch(self, request: HttpRequest):
        status = request.GET.get("status", "").strip().lower()
        if "denied" in request.GET or (status and status not in AUTHORISED):
            provider = self.adapter.get_provider()
            return render_authentication_error(request, provider, error=AuthError.CANCELLED)
        return super().dispatch(request)


oauth_login = connect_only.start_view(OAuthLoginView.adapter_view(SevenDigitalOAuthAdapter))
oauth_callback = connect_only.callback_view(SevenDigitalCallbackView.adapter_view(SevenDigitalOAuthAdapter))
