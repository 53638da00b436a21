"""OAuth 1.0a (HMAC-SHA1) verification with oauthlib, answering 7digital's 401 messages."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature

from .store import Store, Token
from .web import OAuthError, Request

TIMESTAMP_WINDOW = 300
INVALID_SIGNATURE = "Invalid signature"
DENIED = "Access to resource denied"


@dataclass(frozen=True)
class Verified:
    consumer_key: str
    token: Token | None
    oauth_params: dict[str, str]  # every oauth_* parameter, e.g. oauth_callback


def verify(
    store: Store,
    req: Request,
    origins: list[str],
    token_kind: Literal["access", "request"] = "access",
    token_required: bool = True,
    replay_for: float = 0,
) -> Verified:
    """Check a signed request wherever it carries its OAuth parameters (header, query, form body).

    `origins` are the scheme://host values the client may have signed for (the one it addressed,
    and the sandbox's public base URL). Raises OAuthError; records the nonce only on success.
    """
    params = _collect(req)
    oauth = dict(p for p in params if p[0].startswith("oauth_"))
    if not oauth:
        raise OAuthError(
            "Resource requires access token" if token_required else "Invalid consumer key"
        )
    if any(n > 1 for k, n in Counter(k for k, _ in params).items() if k.startswith("oauth_")):
        raise OAuthError(INVALID_SIGNATURE)
    consumer_key = oauth.get("oauth_consumer_key", "")
    consumer_secret = store.consumer_secret(consumer_key)
    if consumer_secret is None:
        raise OAuthError("Invalid consumer key")
    token = _token(store, consumer_key, oauth.get("oauth_token"), token_kind, token_required)
    if oauth.get("oauth_signature_method") != "HMAC-SHA1":
        raise OAuthError(INVALID_SIGNATURE)
    unsigned = [p for p in params if p[0] != "oauth_signature"]
    token_secret = token.secret if token else ""
    sig = oauth.get("oauth_signature", "")
    if not any(
        _signature_ok(req, o, unsigned, sig, consumer_secret, token_secret) for o in origins
    ):
        raise OAuthError(INVALID_SIGNATURE)
    _check_timestamp(oauth.get("oauth_timestamp", ""))
    nonce = oauth.get("oauth_nonce", "")
    if not nonce or not store.use_nonce(consumer_key, nonce, sig, replay_for):
        raise OAuthError("Nonce already used")
    return Verified(consumer_key, token, oauth)


def _collect(req: Request) -> list[tuple[str, str]]:
    authorization = req.headers.get("authorization", "")
    headers = {"Authorization": authorization} if authorization[:6].lower() == "oauth " else {}
    body = req.body.decode("utf-8", "replace") if req.is_form else None
    try:
        return signature.collect_parameters(
            uri_query=req.query, body=body, headers=headers, exclude_oauth_signature=False
        )
    except ValueError:  # a malformed header or query string cannot have been signed properly
        raise OAuthError(INVALID_SIGNATURE) from None


def _token(
    store: Store, consumer_key: str, key: str | None, kind: str, required: bool
) -> Token | None:
    if not key:
        if required:
            raise OAuthError("Resource requires access token")
        return None
    token = store.access_token(key) if kind == "access" else store.request_token(key)
    if token is None or token.status == "revoked" or token.consumer_key != consumer_key:
        raise OAuthError(DENIED)
    return token


def _signature_ok(
    req: Request,
    origin: str,
    params: list[tuple[str, str]],
    sig: str,
    consumer_secret: str,
    token_secret: str,
) -> bool:
    uri = origin + req.raw_path + (f"?{req.query}" if req.query else "")
    body = req.body.decode("utf-8", "replace") if req.is_form else None
    request = OAuthRequest(uri, req.method, body, {})
    request.params = params
    request.signature = sig
    return signature.verify_hmac_sha1(request, consumer_secret, token_secret)


def _check_timestamp(value: str) -> None:
    if (
        not (value.isascii() and value.isdigit())
        or abs(int(value) - time.time()) > TIMESTAMP_WINDOW
    ):
        raise OAuthError("Timestamp out of range")
