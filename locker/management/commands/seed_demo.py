"""Create the demo customer and link it to the sandbox's full demo locker (used by `make run`)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from locker import linking
from locker.sevendigital.errors import SevenDigitalError
from locker.sevendigital.types import AccessToken

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "locker-demo"
SANDBOX_TOKEN = AccessToken("demo-token", "demo-secret+/=")  # sandbox/catalogue.py's demo account


class Command(BaseCommand):
    help = "Create demo@example.com (password locker-demo), linked to the sandbox's demo account."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(username="demo", defaults={"email": DEMO_EMAIL})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
        try:
            linking.link_with_token(user, SANDBOX_TOKEN)
        except SevenDigitalError as exc:
            raise CommandError(
                f"The 7digital sandbox did not answer ({type(exc).__name__}); is it running?"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Demo customer {DEMO_EMAIL} / {DEMO_PASSWORD} linked to the sandbox")
        )
