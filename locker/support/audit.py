"""Writing the support audit log. Every support lookup and action goes through `record()`."""

from __future__ import annotations

from django.http import HttpRequest

from locker.support.models import AuditEntry
from locker.typed_requests import signed_in_user
from lockersite.client_ip import client_ip


def record(request: HttpRequest, action: str, customer=None, **details) -> AuditEntry:
    staff = signed_in_user(request)  # support views are staff-only
    return AuditEntry.objects.create(
        staff=staff,
        staff_username=staff.get_username(),
        customer=customer,
        customer_email=(customer.email or customer.get_username()) if customer is not None else "",
        action=action,
        details=details,
        ip_address=client_ip(request),
    )
