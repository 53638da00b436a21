"""Writing the support audit log. Every support lookup and action goes through `record()`."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from locker.support.models import AuditEntry


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    REMOTE_ADDR unless SUPPORT_AUDIT_TRUSTED_PROXIES says how many reverse proxies of ours append to
    X-Forwarded-For: then the entry that many places from the right (the one our outermost proxy
    saw). Anything a client could forge is never trusted by default.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "SUPPORT_AUDIT_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record(request: HttpRequest, action: str, customer=None, **details) -> AuditEntry:
    staff = request.user
    return AuditEntry.objects.create(
        staff=staff,
        staff_username=staff.get_username(),
        customer=customer,
        customer_email=(customer.email or customer.get_username()) if customer is not None else "",
        action=action,
        details=details,
        ip_address=client_ip(request),
    )
