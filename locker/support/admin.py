"""The customer (user) admin with its Locker view, and the read-only support audit log."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from locker.support import views
from locker.support.admin_tools import AuditedLookupMixin, IndexSearchMixin, LockerColumnMixin, locker_link
from locker.support.models import AuditEntry

User = get_user_model()
# The admin is the support desk: named for the site, with room for the customers list.
admin.site.site_header = format_lazy(gettext_lazy("{site} support"), site=settings.SITE_NAME)
admin.site.site_title = format_lazy(gettext_lazy("{site} support"), site=settings.SITE_NAME)
admin.site.index_title = gettext_lazy("Support desk")
admin.site.enable_nav_sidebar = False
FULL_TIME = "j M Y, H:i:s T"  # seconds and the zone: entries are compared across staff and logs


class LinkStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("7digital link")
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [
            ("healthy", gettext_lazy("Linked, healthy")),
            ("relink", gettext_lazy("Needs relinking")),
            ("none", gettext_lazy("Not linked")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "healthy":
                return queryset.filter(sevendigital_link__needs_relink=False)
            case "relink":
                return queryset.filter(sevendigital_link__needs_relink=True)
            case "none":
                return queryset.filter(sevendigital_link__isnull=True)
        return queryset


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class CustomerAdmin(IndexSearchMixin, AuditedLookupMixin, LockerColumnMixin, UserAdmin):
    list_display = ("email", "username", "link_status", "last_login", "date_joined", "is_staff")
    list_filter = (LinkStatusFilter, "is_staff", "is_superuser", "is_active", "groups")
    # Purchase, track and release ids come from the purchases seen in the customer's locker and
    # from their download events; `__exact` on a number skips terms that aren't numbers.
    search_fields = (
        "email",
        "username",
        "first_name",
        "last_name",
        "=sevendigital_link__sevendigital_user_id",
        "sevendigital_link__sevendigital_email",
        "seen_purchases__purchase_id__exact",
        "seen_purchases__track_id__exact",
        "seen_purchases__release_id__exact",
        "download_events__track_id__exact",
        "download_events__release_id__exact",
    )
    list_select_related = ("sevendigital_link",)

    class Media:
        css = {"all": ["support/support.css"]}

    change_form_template = "admin/support/customer_change_form.html"

    @admin.display(description=gettext_lazy("7digital link"), ordering="sevendigital_link__needs_relink")
    def link_status(self, user) -> str:
        link = getattr(user, "sevendigital_link", None)
        if link is None:
            return "-"
        return "needs relinking" if link.needs_relink else "healthy"

    @admin.display(description=gettext_lazy("locker"))
    def locker(self, user) -> str:
        return locker_link(user.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "customer_id": object_id}
        return super().change_view(request, object_id, form_url, extra_context)

    def customer_of(self, record):
        return record

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:user_id>/locker/", wrap(self.locker_view), name="support_locker"),
            path("<int:user_id>/locker/<slug:action>/", wrap(self.action_view), name="support_action"),
            *super().get_urls(),
        ]

    def locker_view(self, request, user_id: int):
        return views.locker(request, self, user_id)

    def action_view(self, request, user_id: int, action: str):
        return views.action(request, self, user_id, action)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone: entries are written by code and are never edited or deleted here."""

    list_display = ("when", "staff_username", "action", "customer_column", "ip_address", "details_list")
    list_filter = ("action", "created_at")
    search_fields = ("staff_username", "customer_email", "ip_address")
    date_hierarchy = "created_at"
    readonly_fields = (
        "when",
        "staff",
        "staff_username",
        "action",
        "customer",
        "customer_email",
        "details_json",
        "ip_address",
    )
    fields = readonly_fields
    actions = None

    class Media:
        css = {"all": ["support/support.css"]}

    @admin.display(description=gettext_lazy("when"), ordering="created_at")
    def when(self, entry: AuditEntry) -> str:
        local = timezone.localtime(entry.created_at)
        return format_html('<time datetime="{}">{}</time>', local.isoformat(), date_format(local, FULL_TIME))

    @admin.display(description=gettext_lazy("details"))
    def details_list(self, entry: AuditEntry) -> str:
        if not entry.details:
            return "-"
        rows = format_html_join("", "<dt>{}</dt><dd>{}</dd>", _flat(entry.details))
        return format_html('<dl class="audit-details">{}</dl>', rows)

    @admin.display(description=gettext_lazy("details"))
    def details_json(self, entry: AuditEntry) -> str:
        text = json.dumps(entry.details, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html('<pre class="audit-json">{}</pre>', text)

    @admin.display(description=gettext_lazy("customer"), ordering="customer_email")
    def customer_column(self, entry: AuditEntry) -> str:
        if entry.customer_id is None:
            return entry.customer_email or "-"
        url = reverse("admin:support_locker", args=[entry.customer_id])
        return format_html('<a href="{}">{}</a>', url, entry.customer_email)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _flat(details: dict, prefix: str = "") -> list[tuple[str, str]]:
    """("search.q", "tide") pairs, in the order they were recorded; lists joined by commas."""
    pairs: list[tuple[str, str]] = []
    for key, value in details.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            pairs += _flat(value, f"{name}.")
        elif isinstance(value, list):
            pairs.append((name, ", ".join(str(v) for v in value)))
        elif isinstance(value, bool):
            pairs.append((name, gettext("Yes") if value else gettext("No")))
        else:
            pairs.append((name, "-" if value is None else str(value)))
    return pairs
