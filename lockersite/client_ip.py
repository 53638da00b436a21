"""The client's address as our outermost proxy saw it: one rule for sign-in limits and the audit log."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many reverse proxies of ours append to
    X-Forwarded-For: then the entry that many places from the right. Entries further left are the
    client's own claims and never trusted; a request carrying fewer entries did not come through
    all our proxies, so its direct peer is used. None when no valid address is left."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
