"""Link a Locker user to a 7digital (or sandbox) account from an access token pair.

The secret is read from the SEVENDIGITAL_TOKEN_SECRET environment variable or asked for, never
taken from the command line (where `ps` and shell history would show it).
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from locker import linking
from locker.sevendigital.errors import SevenDigitalError
from locker.sevendigital.types import AccessToken


class Command(BaseCommand):
    help = "Link a user to a 7digital account from an OAuth access token pair (support and demos)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="the Locker user's email address")
        parser.add_argument("--token", required=True, help="the 7digital access token (public half)")

    def handle(self, *args, email: str, token: str, **options) -> None:
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No Locker user with email {email}")
        secret = os.environ.get("SEVENDIGITAL_TOKEN_SECRET") or getpass.getpass("Token secret: ")
        try:
            link = linking.link_with_token(user, AccessToken(key=token, secret=secret))
        except SevenDigitalError as exc:
            raise CommandError(
                f"7digital did not accept that token: {type(exc).__name__}: {exc.message}"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Linked {email} to 7digital user {link.sevendigital_user_id}"))
