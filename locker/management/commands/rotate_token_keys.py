"""Re-encrypt every stored 7digital token (and partner widget secret) with the first key of
TOKEN_ENCRYPTION_KEYS.

Rotation: put a new key first in TOKEN_ENCRYPTION_KEYS (keep the old ones after it), run this
command, then drop the old keys.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from locker import crypto
from locker.models import SevenDigitalLink


class Command(BaseCommand):
    help = "Re-encrypt all stored 7digital tokens with the newest key in TOKEN_ENCRYPTION_KEYS."

    def handle(self, *args, **options) -> None:
        rotated = failed = 0
        for pk in SevenDigitalLink.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                link = SevenDigitalLink.objects.select_for_update().get(pk=pk)
                try:
                    link.token_ciphertext = crypto.rotate(link.token_ciphertext)
                except crypto.TokenDecryptionError:
                    failed += 1
                    link.needs_relink = True
                    link.relink_reason = "token could not be decrypted with the configured keys"
                link.save(update_fields=["token_ciphertext", "needs_relink", "relink_reason", "updated_at"])
                rotated += 1
        self.stdout.write(
            f"Re-encrypted {rotated - failed} token(s); {failed} could not be decrypted (marked for relinking)."
        )
        call_command("reencrypt_widget_secrets", stdout=self.stdout)  # same keys: rotate both
