from __future__ import annotations

import contextlib
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from locker import crypto
from locker.widget.origins import parse_origins, validate_origins


class PartnerSecretError(Exception):
    """The stored signing secret cannot be decrypted with TOKEN_ENCRYPTION_KEYS."""


class Partner(models.Model):
    """A site that embeds the widget and mints widget tokens on its own server.

    The signing secret is generated here, shown once, and stored only encrypted (MultiFernet with
    TOKEN_ENCRYPTION_KEYS, like the 7digital tokens): HMAC verification needs the secret itself.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(
        "partner id",
        max_length=50,
        unique=True,
        help_text="Public identifier: the partner puts it in the token's “kid” header and “iss” claim.",
    )
    allowed_origins = models.TextField(
        blank=True,
        validators=[validate_origins],
        help_text=(
            "Origins that may frame the widget for this partner, one per line "
            "(e.g. https://shop.example), in addition to WIDGET_FRAME_ANCESTORS. No paths or wildcards."
        ),
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive partners' tokens are refused and their widget sessions end."
    )
    notes = models.TextField(blank=True)
    secret_ciphertext = models.TextField(editable=False)
    secret_created_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("partner")
        verbose_name_plural = gettext_lazy("partners")

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    def clean(self) -> None:
        with contextlib.suppress(ValidationError):  # the field's validator reports it
            self.allowed_origins = "\n".join(parse_origins(self.allowed_origins))

    @property
    def origins(self) -> list[str]:
        return parse_origins(self.allowed_origins)

    def set_new_secret(self) -> str:
        """Generate, encrypt and return a new signing secret (the caller shows it once)."""
        secret = secrets.token_urlsafe(32)
        self.secret_ciphertext = crypto.fernet().encrypt(secret.encode()).decode()
        self.secret_created_at = timezone.now()
        return secret

    def get_secret(self) -> bytes:
        try:
            return crypto.fernet().decrypt(self.secret_ciphertext.encode())
        except Exception as exc:  # InvalidToken, or no secret yet
            raise PartnerSecretError(f"signing secret of partner {self.slug} cannot be decrypted") from exc

    @property
    def secret_fingerprint(self) -> str:
        """First 12 hex digits of SHA-256(secret): lets a partner confirm which secret they hold."""
        try:
            return hashlib.sha256(self.get_secret()).hexdigest()[:12]
        except PartnerSecretError:
            return "unreadable"


class WidgetSession(models.Model):
    """A short-lived login inside one widget iframe, created by exchanging a widget token.

    The browser holds the session id (in the widget page, never in a cookie or a URL) and sends it
    in the X-Widget-Session header or a `widget_session` form field; only its SHA-256 is stored.
    """

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_id = models.CharField(
        max_length=200, unique=True, editable=False, help_text="partner id and jti: a token works once"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="widget_sessions"
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="Empty for previews opened from the embed page.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = gettext_lazy("widget session")
        verbose_name_plural = gettext_lazy("widget sessions")

    def __str__(self) -> str:
        return f"{self.user} via {self.partner.slug if self.partner else 'preview'}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_live(self) -> bool:
        return (
            self.expires_at > timezone.now()
            and self.user.is_active
            and (self.partner is None or self.partner.is_active)
        )
