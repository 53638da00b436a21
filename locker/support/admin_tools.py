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


class AuditedLookupMixin:
    """Searching customers and opening a customer's record are lookups: both land in the audit log."""

    def changelist_view(self, request, extra_context=None):
        term = request.GET.get("q", "").strip()
        if term and request.method == "GET":
            audit.record(request, AuditEntry.Action.SEARCH, query=term[:200], model=self.opts.label_lower)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        record = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and response.status_code == 200 and record is not None:
            audit.record(
                request,
                AuditEntry.Action.RECORD,
                self.customer_of(record),
                model=self.opts.label_lower,
                id=str(record.pk),
            )
        return response

    def customer_of(self, record):
        return record.user


class LockerColumnMixin:
    """Adds the "Locker" column for staff who may open it."""

    locker_column = "locker"

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if can_look_up(request.user):
            columns.append(self.locker_column)
        return columns


class IndexSearchMixin:
    """The admin's search also finds customers through their locker index: a purchased release or
    track title, artist, label (full-text, every word) or a track's ISRC."""

    index_user_field = "pk"  # the field of this admin's model that holds the customer's id

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return results, may_have_duplicates
        from locker.library.search import find_customers

        customers = find_customers(search_term)
        if customers:
            results = results | queryset.filter(**{f"{self.index_user_field}__in": sorted(customers)})
        return results, may_have_duplicates
