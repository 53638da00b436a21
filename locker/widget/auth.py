"""Who is using a widget iframe, without cookies.

Third-party iframes get no (unpartitioned) cookies, so the widget never relies on Django's session:

1. The iframe URL carries a one-time token (a partner's signed token, or a preview token from
   our own embed page). `exchange()` verifies it and creates a WidgetSession.
2. The session id is written into the widget page and sent back by widget.js in the
   `X-Widget-Session` header (or the `widget_session` form field of a plain form post).
   It is never a cookie and never in a URL.

CSRF: the browser never attaches the session id by itself, and no other origin can read it (it
lives in our document inside the iframe), so a forged cross-site request arrives without
credentials. The id is the synchronizer token. As defence in depth, `widget_login_required` also
refuses state-changing requests whose Origin or Sec-Fetch-Site says they came from another origin.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from locker.typed_requests import WidgetRequest
from locker.widget.models import Partner, WidgetSession
from locker.widget.tokens import LEEWAY_SECONDS, InvalidWidgetToken, verify

logger = logging.getLogger(__name__)

SESSION_HEADER = "X-Widget-Session"
SESSION_FIELD = "widget_session"
PREVIEW_SALT = "locker.widget.preview"
SESSION_EXPIRED = gettext_lazy("This music widget has timed out. Reload the page to continue.")


def customer_for(email: str):
    """The active Locker user whose *verified* address this is (case-insensitive).

    Raises InvalidWidgetToken("unverified-email") when the address is theirs but not confirmed yet,
    "unknown-customer" when no active user has it.
    """
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(email__iexact=email, user__is_active=True).select_related("user")
    verified = [address for address in addresses if address.verified]
    if verified:
        return verified[0].user
    raise InvalidWidgetToken("unverified-email" if addresses else "unknown-customer")


def preview_token(user) -> str:
    """A one-time token for the live preview on /widget/ (signed with SECRET_KEY, never leaves us)."""
    return signing.dumps({"u": user.pk, "j": secrets.token_urlsafe(12)}, salt=PREVIEW_SALT)


def exchange(params) -> tuple[WidgetSession, str]:
    """Turn the `token` (partner) or `preview` query parameter into a new session: (session, id)."""
    token, preview = params.get("token", ""), params.get("preview", "")
    if token:
        claims = verify(token)
        try:
            user = customer_for(claims.subject)
        except InvalidWidgetToken as refusal:
            raise InvalidWidgetToken(refusal.reason, claims.partner) from None
        return _start(user, claims.partner, claims.token_id, claims.expires_at)
    if preview:
        try:
            data = signing.loads(preview, salt=PREVIEW_SALT, max_age=settings.WIDGET_TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            raise InvalidWidgetToken("expired") from None
        except signing.BadSignature:
            raise InvalidWidgetToken("bad-signature") from None
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
        if user is None:
            raise InvalidWidgetToken("unknown-customer")
        return _start(user, None, f"preview:{data.get('j')}", 0)
    raise InvalidWidgetToken("missing-token")


def _start(
    user, partner: Partner | None, token_id: str, token_expires_at: float
) -> tuple[WidgetSession, str]:
    now = timezone.now()
    # A session outlives its token, so a used token id is remembered until the token is dead anyway.
    expires = max(
        now + timedelta(seconds=settings.WIDGET_SESSION_SECONDS),
        datetime.fromtimestamp(token_expires_at + LEEWAY_SECONDS, tz=UTC),
    )
    key = secrets.token_urlsafe(32)
    WidgetSession.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            session = WidgetSession.objects.create(
                key_hash=WidgetSession.hash_key(key),
                token_id=token_id,
                user=user,
                partner=partner,
                expires_at=expires,
            )
    except IntegrityError:
        raise InvalidWidgetToken("replayed", partner) from None
    return session, key


def session_from(request: HttpRequest) -> WidgetSession | None:
    key = request.headers.get(SESSION_HEADER, "")
    if not key and request.method == "POST":
        key = request.POST.get(SESSION_FIELD, "")
    if not key or len(key) > 100:
        return None
    session = (
        WidgetSession.objects.select_related("user", "partner")
        .filter(key_hash=WidgetSession.hash_key(key))
        .first()
    )
    return session if session is not None and session.is_live else None


def cross_origin(request: HttpRequest) -> bool:
    """True when the browser says this request was made by a page of another origin."""
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
        if origin != own:
            return True
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


def widget_login_required(view):
    """Authenticate a request by its widget session (not a cookie) and act as that customer."""

    @csrf_exempt  # the session id itself is the CSRF token: see the module docstring
    @wraps(view)
    def wrapped(request: WidgetRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS") and cross_origin(request):
            return JsonResponse(
                {"error": _("Cross-origin request refused."), "code": "forbidden"}, status=403
            )
        session = session_from(request)
        if session is None:
            return JsonResponse({"error": str(SESSION_EXPIRED), "code": "session-expired"}, status=401)
        request.user = session.user
        request.widget_session = session
        return view(request, *args, **kwargs)

    return wrapped
