from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy

from locker import crypto, locker_cache
from locker.sevendigital.errors import RelinkNeeded
from locker.sevendigital.types import AccessToken


class SevenDigitalLink(models.Model):
    """A customer's linked 7digital account. The token pair is only ever stored encrypted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sevendigital_link"
    )
    sevendigital_user_id = models.CharField(gettext_lazy("7digital user id"), max_length=255, db_index=True)
    sevendigital_email = models.CharField(gettext_lazy("7digital email"), max_length=254, blank=True)
    token_ciphertext = models.TextField(editable=False)
    linked_at = models.DateTimeField(default=timezone.now, db_index=True)
    needs_relink = models.BooleanField(default=False, db_index=True)
    relink_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("linked 7digital account")
        permissions = [("view_customer_locker", "Can look up a customer's locker (support)")]

    def __str__(self) -> str:
        return f"{self.user} ↔ 7digital {self.sevendigital_user_id}"

    def set_token(self, token: AccessToken) -> None:
        self.token_ciphertext = crypto.encrypt_token(token)
        self.needs_relink = False
        self.relink_reason = ""

    def get_token(self) -> AccessToken:
        """The decrypted token. Refused (RelinkNeeded) once the link is marked for relinking, by
        support or after 7digital rejected it: nothing may be signed with it any more."""
        if self.needs_relink:
            raise RelinkNeeded("the link is marked for relinking")
        return crypto.decrypt_token(self.token_ciphertext)

    def mark_needs_relink(self, reason: str) -> None:
        """Mark the link (keeping the first reason when it is marked already)."""
        if self.needs_relink:
            return
        self.needs_relink = True
        self.relink_reason = reason[:200]
        self.save(update_fields=["needs_relink", "relink_reason", "updated_at"])


@receiver([post_save, post_delete], sender=SevenDigitalLink)
def _drop_cached_pages(sender, instance: SevenDigitalLink, **kwargs) -> None:
    """Cached pages are served without reading the link: any change to it (relink, unlink,
    needs relinking) drops them, now and again once the change is committed
    (a page rendered from the old row in between would otherwise look current)."""
    locker_cache.invalidate(instance.user_id)
    transaction.on_commit(lambda: locker_cache.invalidate(instance.user_id))


class DownloadEvent(models.Model):
    """One click on a download button and what came of it (our own history, not 7digital's).

    The browser fetches the file from 7digital's media host itself, so a signed URL is only a
    download *started* (REDIRECTED); when the media host answers with a refusal instead of a file
    and the page learns of it, the event becomes REFUSED_UPSTREAM. Every other outcome is a
    refusal of ours, before anything was signed.
    """

    class Outcome(models.TextChoices):
        REDIRECTED = "redirected", gettext_lazy("Download started")
        REFUSED_UPSTREAM = "refused_upstream", gettext_lazy("Refused by 7digital's download server")
        EXHAUSTED = "exhausted", gettext_lazy("No downloads left")
        UNAVAILABLE = "unavailable", gettext_lazy("Release withdrawn")
        PREORDER = "preorder", gettext_lazy("Not yet released")
        NOT_FOUND = "not_found", gettext_lazy("Not in locker")
        RELINK = "relink", gettext_lazy("Link needs renewing")
        UPSTREAM_ERROR = "upstream_error", gettext_lazy("7digital unavailable")
        REFUSED_HOST = "refused_host", gettext_lazy("Media host not allowed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="download_events"
    )
    release_id = models.BigIntegerField(db_index=True)
    track_id = models.BigIntegerField(db_index=True)
    format_id = models.IntegerField()
    format_description = models.CharField(max_length=50, blank=True)
    track_title = models.CharField(max_length=300, blank=True)
    release_title = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = gettext_lazy("download event")
        verbose_name_plural = gettext_lazy("download events")
        indexes = [models.Index(fields=["user", "track_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.track_id}/{self.format_id} {self.outcome}"

    @property
    def succeeded(self) -> bool:
        """Started, and not refused by the media host as far as we know."""
        return self.outcome == self.Outcome.REDIRECTED


class AccountSettings(models.Model):
    """A customer's own choices, kept on the account so they follow them to every device."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="locker_settings"
    )
    language = models.CharField(max_length=12, blank=True)  # "" until they pick one
    time_zone = models.CharField(max_length=64, blank=True)  # an IANA name; "" until known
    # The Download button's format, by the name customers see ("FLAC", "MP3 320"): the same
    # format has other ids on other releases. "" until they choose one (presenters' default).
    download_format = models.CharField(gettext_lazy("preferred download format"), max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("account settings")
        verbose_name_plural = gettext_lazy("account settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'} {self.time_zone or '-'}"
