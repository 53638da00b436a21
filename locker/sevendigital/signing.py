"""OAuth 1.0a HMAC-SHA1 signatures in the query string, for URLs handed to a browser or player.

oauthlib computes the signature (it percent-encodes secrets containing `=`, `+` or `/` before
using them as the HMAC key). We only assemble the URL: the existing query is kept (decoded and
re-encoded with `%20` for spaces) and the oauth_* parameters are appended after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from oauthlib.common import Request
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_QUERY, Client

from .types import AccessToken


def sign_url(
    url: str,
    *,
    consumer_key: str,
    consumer_secret: str,
    token: AccessToken | None,
    extra_params: Mapping[str, object] | None = None,
    method: str = "GET",
) -> str:
    """`url` plus `extra_params`, signed in the query string with a fresh nonce and timestamp.

    Any oauth_* parameters already in `url` (a pre-signed URL's stale signature) are dropped.
    """
    parts = urlsplit(url)
    params = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("oauth_")
    ]
    params.extend((k, str(v)) for k, v in (extra_params or {}).items())
    query = urlencode(params, quote_via=quote)
    unsigned = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    client = Client(
        consumer_key,
        client_secret=consumer_secret,
        resource_owner_key=token.key if token else None,
        resource_owner_secret=token.secret if token else None,
        signature_method=SIGNATURE_HMAC_SHA1,
        signature_type=SIGNATURE_TYPE_QUERY,
    )
    request = Request(unsigned, method)
    request.oauth_params = client.get_oauth_params(request)
    request.oauth_params.append(("oauth_signature", client.get_oauth_signature(request)))
    oauth_query = urlencode(request.oauth_params, quote_via=quote)
    return f"{unsigned}&{oauth_query}" if query else f"{unsigned}?{oauth_query}"
