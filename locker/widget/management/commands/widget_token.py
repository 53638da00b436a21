"""Mint a widget token as a partner's backend would (for trying the widget out and for support)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from locker.widget import auth, tokens
from locker.widget.models import Partner, PartnerSecretError


class Command(BaseCommand):
    help = "Print a widget token (and widget URL) for a partner and a customer's email address."

    def add_arguments(self, parser) -> None:
        parser.add_argument("partner", help="partner id (slug)")
        parser.add_argument("email", help="the customer's verified email address at Locker")
        parser.add_argument("--lifetime", type=int, default=300, help="seconds (default 300)")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Locker's address for the URL"
        )

    def handle(self, *args, partner: str, email: str, lifetime: int, base_url: str, **options) -> None:
        found = Partner.objects.filter(slug=partner, is_active=True).first()
        if found is None:
            raise CommandError(f"no active partner {partner!r}")
        if not 0 < lifetime <= settings.WIDGET_TOKEN_MAX_AGE:
            raise CommandError(f"--lifetime must be between 1 and {settings.WIDGET_TOKEN_MAX_AGE} seconds")
        try:
            secret = found.get_secret()
        except PartnerSecretError as exc:
            raise CommandError(str(exc)) from None
        try:
            auth.customer_for(email)
        except tokens.InvalidWidgetToken as refusal:
            problem = {
                "unverified-email": f"{email} has not confirmed that address at Locker yet",
                "unknown-customer": f"no active Locker customer has the address {email}",
            }[refusal.reason]
            self.stderr.write(f"Warning: {problem}: the widget will refuse this token ({refusal.reason}).")
        token = tokens.mint(found.slug, secret, subject=email, lifetime=lifetime)
        self.stdout.write(token)
        self.stdout.write(f"{base_url.rstrip('/')}/widget/locker/?token={token}", self.style.SUCCESS)
