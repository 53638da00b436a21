"""Linking and unlinking a customer's 7digital account; the only code that writes tokens."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from locker.models import SevenDigitalLink
from locker.sevendigital.types import AccessToken

PROVIDER_ID = "sevendigital"


@transaction.atomic
def save_link(user: User, token: AccessToken, *, user_id: str, email: str = "") -> SevenDigitalLink:
    from locker.library import sync

    link, created = SevenDigitalLink.objects.select_for_update().get_or_create(
        user=user, defaults={"sevendigital_user_id": user_id}
    )
    if created or link.sevendigital_user_id != user_id:
        sync.forget(user.pk)  # another account's index (and any sync of it) goes
    link.sevendigital_user_id = user_id
    link.sevendigital_email = email or ""
    link.set_token(token)
    link.save()
    sync.request_sync(user.pk, full=True, force=True)
    return link


@transaction.atomic
def unlink(user: User) -> bool:
    """Delete the tokens and allauth's account rows. True if there was a link."""
    from allauth.socialaccount.models import SocialAccount

    from locker.library import sync

    sync.forget(user.pk)  # first: a sync committing now then finds its lease gone
    deleted, _ = SevenDigitalLink.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).delete()
    return bool(deleted)


def link_with_token(user: User, token: AccessToken) -> SevenDigitalLink:
    """Link from a known token pair (support, demos, tests), the way the OAuth flow does.

    7digital is asked who the token belongs to; raises SevenDigitalError if it refuses.
    """
    from allauth.socialaccount.models import SocialAccount

    from locker.sevendigital import client as sevendigital

    details = sevendigital.default_client().get_user_details(token)
    SocialAccount.objects.update_or_create(
        provider=PROVIDER_ID,
        uid=details.id,
        defaults={"user": user, "extra_data": {"id": details.id, "email": details.email}},
    )
    return save_link(user, token, user_id=details.id, email=details.email)


def forget_session_tokens(session) -> None:
    """allauth parks OAuth tokens in the session during the flow; none may stay there."""
    for key in [k for k in list(session.keys()) if k.startswith("oauth_") and k.endswith("_token")]:
        del session[key]


def get_link(user: User) -> SevenDigitalLink | None:
    if not user.is_authenticated:
        return None
    return SevenDigitalLink.objects.filter(user=user).first()
