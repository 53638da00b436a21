from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from locker.widget.models import Partner, WidgetSession

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _show_secrets(request, partners_and_secrets, title: StrOrPromise) -> TemplateResponse:
    """The only place a signing secret is ever displayed; the response is not cached or stored."""
    response = TemplateResponse(
        request,
        "widget/admin/partner_secret.html",
        {**admin.site.each_context(request), "title": title, "rows": partners_and_secrets},
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "origin_list", "secret_created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "allowed_origins")
    readonly_fields = ("secret_fingerprint", "secret_created_at", "created_at")
    fields = ("name", "slug", "is_active", "allowed_origins", "notes", *readonly_fields)
    actions = ["rotate_secret"]

    @admin.display(description=gettext_lazy("allowed origins"))
    def origin_list(self, partner: Partner) -> str:
        return ", ".join(partner.origins) or "—"

    def save_model(self, request, obj: Partner, form, change) -> None:
        if not change:
            request._new_partner_secret = obj.set_new_secret()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj: Partner, post_url_continue=None):
        secret = getattr(request, "_new_partner_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_secrets(
            request, [(obj, secret)], gettext_lazy("Partner created: copy its signing secret")
        )

    @admin.action(description=gettext_lazy("Generate a new signing secret (old tokens stop working)"))
    def rotate_secret(self, request, queryset):
        rows = []
        for partner in queryset:
            secret = partner.set_new_secret()
            partner.save(update_fields=["secret_ciphertext", "secret_created_at"])
            rows.append((partner, secret))
        return _show_secrets(request, rows, gettext_lazy("New signing secrets"))


@admin.register(WidgetSession)
class WidgetSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "partner", "created_at", "expires_at", "live")
    list_filter = ("partner",)
    search_fields = ("user__email", "partner__slug")
    fields = ("user", "partner", "created_at", "expires_at")
    readonly_fields = fields
    actions = ["end_sessions"]

    @admin.display(boolean=True)
    def live(self, session: WidgetSession) -> bool:
        return session.expires_at > timezone.now()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("End the selected widget sessions"), permissions=["delete"])
    def end_sessions(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(
            request,
            ngettext("Ended %(count)d widget session.", "Ended %(count)d widget sessions.", count)
            % {"count": count},
        )
