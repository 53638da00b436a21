"""Admin for linked 7digital accounts and download events.

Tokens never appear: `token_ciphertext` is in no field list, no column, no search, and there are
no bulk actions (so nothing can be exported). Changes go through the support actions in
`locker.support`, which are confirmed and audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from locker import linking, preferences
from locker.models import DownloadEvent, SevenDigitalLink
from locker.support.admin_tools import AuditedLookupMixin, IndexSearchMixin, LockerColumnMixin, locker_link


@admin.register(SevenDigitalLink)
class SevenDigitalLinkAdmin(IndexSearchMixin, AuditedLookupMixin, LockerColumnMixin, admin.ModelAdmin):
    index_user_field = "user_id"
    list_display = (
        "user",
        "user_email",
        "sevendigital_user_id",
        "sevendigital_email",
        "linked_at",
        "healthy",
    )
    list_filter = ("needs_relink", "linked_at")
    list_select_related = ("user",)
    # Purchase, track and release ids come from the purchases seen in the customer's locker
    # (locker.support.SeenPurchase) and from their download events. `__exact` on a number makes the
    # admin skip terms that aren't numbers instead of failing on them.
    search_fields = (
        "user__email",
        "user__username",
        "=sevendigital_user_id",
        "sevendigital_email",
        "user__seen_purchases__purchase_id__exact",
        "user__seen_purchases__track_id__exact",
        "user__seen_purchases__release_id__exact",
        "user__download_events__track_id__exact",
        "user__download_events__release_id__exact",
    )
    date_hierarchy = "linked_at"
    fields = (
        "user",
        "sevendigital_user_id",
        "sevendigital_email",
        "linked_at",
        "healthy",
        "relink_reason",
        "preferred_format",
        "updated_at",
    )
    readonly_fields = fields
    actions = None
    change_form_template = "admin/support/customer_change_form.html"

    @admin.display(boolean=True, description=gettext_lazy("link healthy"), ordering="needs_relink")
    def healthy(self, link: SevenDigitalLink) -> bool:
        return not link.needs_relink

    @admin.display(description=gettext_lazy("preferred download format"))
    def preferred_format(self, link: SevenDigitalLink) -> str:
        return preferences.download_format(link.user_id) or "—"

    @admin.display(description=gettext_lazy("email"), ordering="user__email")
    def user_email(self, link: SevenDigitalLink) -> str:
        return link.user.email

    @admin.display(description=gettext_lazy("locker"))
    def locker(self, link: SevenDigitalLink) -> str:
        return locker_link(link.user_id)

    def has_add_permission(self, request) -> bool:
        return False  # links are made by the customer's OAuth flow only

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # relink and unlink are support actions, confirmed and audited

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only superusers, e.g. when deleting a whole account; support uses the audited unlink.
        return request.user.is_superuser

    def delete_model(self, request, obj: SevenDigitalLink) -> None:
        linking.unlink(obj.user)  # also drops allauth's account row and the cached pages

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "customer_id": link.user_id if link else None}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(DownloadEvent)
class DownloadEventAdmin(AuditedLookupMixin, LockerColumnMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "user_email",
        "track_title",
        "track_id",
        "release_title",
        "release_id",
        "format_description",
        "outcome",
    )
    list_filter = ("outcome", "created_at")
    list_select_related = ("user",)
    search_fields = (
        "user__email",
        "user__username",
        "track_id__exact",
        "release_id__exact",
        "track_title",
        "release_title",
    )
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in DownloadEvent._meta.fields]
    actions = None

    @admin.display(description=gettext_lazy("customer"), ordering="user__email")
    def user_email(self, event: DownloadEvent) -> str:
        return event.user.email or event.user.get_username()

    @admin.display(description=gettext_lazy("locker"))
    def locker(self, event: DownloadEvent) -> str:
        return locker_link(event.user_id)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # history is evidence; only whole-account deletion removes it
