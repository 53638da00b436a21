"""Re-encrypt partners' widget signing secrets with the first key of TOKEN_ENCRYPTION_KEYS.

Run it next to rotate_token_keys when rotating keys, before dropping the old key.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand

from locker import crypto
from locker.widget.models import Partner


class Command(BaseCommand):
    help = "Re-encrypt all partner widget secrets with the newest key in TOKEN_ENCRYPTION_KEYS."

    def handle(self, *args, **options) -> None:
        done, failed = 0, []
        for partner in Partner.objects.all():
            try:
                partner.secret_ciphertext = (
                    crypto.fernet().rotate(partner.secret_ciphertext.encode()).decode()
                )
            except InvalidToken:
                failed.append(partner.slug)
                continue
            partner.save(update_fields=["secret_ciphertext"])
            done += 1
        self.stdout.write(f"Re-encrypted {done} partner secret(s).")
        if failed:
            self.stderr.write(f"Could not decrypt (generate new secrets in the admin): {', '.join(failed)}")
