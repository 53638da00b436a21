from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for TOKEN_ENCRYPTION_KEYS (put it first to encrypt with it)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(Fernet.generate_key().decode())
