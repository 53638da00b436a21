"""Why the widget did not open: the reason the partner's page is told and the words the customer reads.

Partners get a coarse, stable reason in the `error` message (docs/widget.md); the detailed one
(`bad-signature`, `wrong-audience` ...) is only logged, since it is the partner's own bug to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from locker.widget.models import Partner

REASONS = ("expired", "replayed", "unknown-customer", "unverified-email")
INVALID = "invalid"  # every other refusal: the partner's token is wrong


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str  # one of REASONS or INVALID
    message: str
    link: str = ""  # where the customer can put it right (opens in a new tab)
    link_label: str = ""


def refusal_for(reason: str, partner: Partner | None) -> Refusal:
    site = settings.SITE_NAME
    if reason == "expired":
        return Refusal(
            reason,
            gettext(
                "This music widget could not sign you in: its sign-in link has expired. "
                "Reload the page to get a new one."
            ),
        )
    if reason == "replayed":
        if partner is not None:
            again = gettext("Go back to %(partner)s and open this page from there.") % {
                "partner": partner.name
            }
        else:
            again = gettext("Go back and open this page from its link.")
        used = gettext(
            "This music widget could not sign you in: its sign-in link has already been used, "
            "so reloading won't help."
        )
        return Refusal(reason, f"{used} {again}")
    if reason == "unknown-customer":
        return Refusal(
            reason,
            gettext(
                "This music widget could not sign you in: there is no %(site)s account with your "
                "email address. Sign up at %(site)s with the address you use here."
            )
            % {"site": site},
            reverse("account_signup"),
            gettext("Sign up at %(site)s") % {"site": site},
        )
    if reason == "unverified-email":
        return Refusal(
            reason,
            gettext(
                "This music widget could not sign you in: your email address at %(site)s isn't "
                "confirmed yet. Use the link in the email we sent you, then reload this page."
            )
            % {"site": site},
            reverse("account_email"),
            gettext("Your email addresses at %(site)s") % {"site": site},
        )
    return Refusal(
        INVALID,
        gettext(
            "This music widget could not sign you in: the site showing it sent a sign-in link we "
            "can't accept. Please let them know."
        ),
    )
