"""Move the token pair out of allauth's hands into our encrypted link as soon as a link is made."""

from __future__ import annotations

from allauth.socialaccount.signals import (
    social_account_added,
    social_account_removed,
    social_account_updated,
)
from django.dispatch import receiver

from locker import linking
from locker.sevendigital.types import AccessToken


@receiver(social_account_added)
@receiver(social_account_updated)
def store_encrypted_token(sender, request, sociallogin, **kwargs) -> None:
    if sociallogin.account.provider != "sevendigital" or sociallogin.token is None:
        return
    # `updated` is sent while allauth looks the 7digital account up, before it checks that the
    # account belongs to this customer: never hand another customer's link to the requester.
    if not request.user.is_authenticated or sociallogin.user != request.user:
        return
    token = AccessToken(key=sociallogin.token.token, secret=sociallogin.token.token_secret)
    linking.save_link(
        request.user,
        token,
        user_id=sociallogin.account.uid,
        email=sociallogin.account.extra_data.get("email", ""),
    )
    linking.forget_session_tokens(request.session)


@receiver(social_account_removed)
def delete_tokens_on_disconnect(sender, request, socialaccount, **kwargs) -> None:
    """Disconnecting on allauth's own connections page must delete our tokens too."""
    if socialaccount.provider == "sevendigital":
        linking.unlink(socialaccount.user)
