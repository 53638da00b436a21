"""What support staff did (the audit log) and which purchases we have seen in customers' lockers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class AuditEntry(models.Model):
    """One lookup or action by a staff member. Written by code only; never edited or deleted in the admin."""

    class Action(models.TextChoices):
        LOOKUP = "lookup", gettext_lazy("Looked at the locker")
        SEARCH = "search", gettext_lazy("Searched customers")
        REFRESH = "refresh", gettext_lazy("Refreshed the cached locker")
        RELINK = "relink", gettext_lazy("Marked the link for relinking")
        UNLINK = "unlink", gettext_lazy("Unlinked 7digital")
        RECORD = "record", gettext_lazy("Opened a customer record")

    # SET_NULL plus the name snapshots: deleting an account must not erase what was done to it.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="support_audit_entries"
    )
    staff_username = models.CharField("staff member", max_length=150)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_email = models.CharField("customer", max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField("when", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("support audit entry")
        verbose_name_plural = gettext_lazy("support audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self) -> str:
        who = self.customer_email or "-"
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.staff_username} {self.action} {who}"


class SeenPurchase(models.Model):
    """A track we have seen in a customer's locker, so support can find the customer by purchase id.

    7digital only tells us purchase ids inside locker answers, so we note them whenever a locker
    page arrives from 7digital (customer page or support lookup). One row per (customer, track).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seen_purchases"
    )
    release_id = models.BigIntegerField()
    track_id = models.BigIntegerField(db_index=True)
    purchase_id = models.BigIntegerField(null=True, blank=True, db_index=True)  # None for legacy (0)
    purchase_date = models.DateTimeField(null=True, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("purchase seen in a locker")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "release_id", "track_id"], name="support_seen_purchase_unique"
            )
        ]
        indexes = [models.Index(fields=["release_id"])]

    def __str__(self) -> str:
        return f"{self.user_id}: purchase {self.purchase_id} ({self.release_id}/{self.track_id})"
