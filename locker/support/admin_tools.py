"""Small pieces shared by the customer-facing model admins: audited searches and the Locker link."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html

from locker.support import audit
from locker.support.models import AuditEntry

PERMISSION = "locker.view_customer_locker"


def can_look_up(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(PERMISSION)


def locker_url(user_id: int) -> str:
    return reverse("admin:support_locker", args=[user_id])


def locker_link(user_id: int | None) -> str:
    if user_id is None:
        return "-"
    return format_html('<a class="support-locker-link" href="{}">Locker</a>', locker_url(user_id))


class AuditedSearchMixin:
    """Searching customers is itself a lookup: each search term lands in the audit log."""

    def changelist_view(self, request, extra_context=None):
        term = request.GET.get("q", "").strip()
        if term and request.method == "GET":
            audit.record(request, AuditEntry.Action.SEARCH, query=term[:200], model=self.opts.label_lower)
        return super().changelist_view(request, extra_context)


class LockerColumnMixin:
    """Adds the "Locker" column for staff who may open it."""

    locker_column = "locker"

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if can_look_up(request.user):
            columns.append(self.locker_column)
        return columns
