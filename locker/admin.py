from __future__ import annotations

from django.contrib import admin

from locker.models import DownloadEvent, SevenDigitalLink


@admin.register(SevenDigitalLink)
class SevenDigitalLinkAdmin(admin.ModelAdmin):
    # The token never appears: not listed, not in the form, not exported.
    list_display = ("user", "sevendigital_email", "sevendigital_user_id", "linked_at", "healthy")
    list_filter = ("needs_relink", "linked_at")
    search_fields = ("user__email", "user__username", "sevendigital_email", "sevendigital_user_id")
    fields = ("user", "sevendigital_user_id", "sevendigital_email", "linked_at", "needs_relink", "relink_reason", "preferred_format_id")
    readonly_fields = fields
    actions = None

    @admin.display(boolean=True, description="link healthy")
    def healthy(self, link: SevenDigitalLink) -> bool:
        return not link.needs_relink

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DownloadEvent)
class DownloadEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "track_title", "release_title", "format_description", "outcome")
    list_filter = ("outcome", "created_at")
    search_fields = ("user__email", "=track_id", "=release_id", "track_title", "release_title")
    readonly_fields = [f.name for f in DownloadEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
