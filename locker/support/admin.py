"""The customer (user) admin with its Locker view, and the read-only support audit log."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from locker.support import views
from locker.support.admin_tools import AuditedLookupMixin, IndexSearchMixin, LockerColumnMixin, locker_link
from locker.support.models import AuditEntry

User = get_user_model()


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
    list_display = ("username", "email", "date_joined", "last_login", "is_staff", "link_status")
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

    list_display = ("created_at", "staff_username", "action", "customer_column", "ip_address", "details")
    list_filter = ("action", "created_at")
    search_fields = ("staff_username", "customer_email", "ip_address")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "staff",
        "staff_username",
        "action",
        "customer",
        "customer_email",
        "details",
        "ip_address",
    )
    fields = readonly_fields
    actions = None

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
