"""Which origins may frame the widget, and the response headers that say so.

Only `/widget/locker/` is ever framable: by our own origin (the preview on /widget/), by the
origins in WIDGET_FRAME_ANCESTORS and by the allow-list of the partner whose token opened it.
Every other response keeps the site-wide `X-Frame-Options: DENY` and `frame-ancestors 'none'`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from locker.widget.models import Partner
from locker.widget.origins import normalise_origin

logger = logging.getLogger(__name__)


def own_origin(request: HttpRequest) -> str:
    return f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"


def allowed_origins(partner: Partner | None) -> list[str]:
    """Framing origins from the settings and the partner, canonical and without duplicates."""
    origins: dict[str, None] = {}
    for origin in settings.WIDGET_FRAME_ANCESTORS:
        try:
            origins.setdefault(normalise_origin(origin), None)
        except ValidationError:
            logger.error("ignoring invalid WIDGET_FRAME_ANCESTORS entry %r", origin)
    if partner is not None and partner.is_active:
        for origin in partner.origins:
            origins.setdefault(origin, None)
    return list(origins)


def widget_policy(partner: Partner | None) -> dict:
    """The full site policy with the widget's frame-ancestors (and nonce'd theme styles)."""
    style_src = settings.SECURE_CSP.get("style-src", [CSP.SELF])
    if isinstance(style_src, str):  # Django takes one source as a plain string too
        style_src = [style_src]
    return {
        **settings.SECURE_CSP,
        "style-src": [*style_src, CSP.NONCE],
        "frame-ancestors": [CSP.SELF, *allowed_origins(partner)],
    }


def framable(request: HttpRequest, response: HttpResponse, partner: Partner | None) -> HttpResponse:
    """Let the allowed origins frame this response: per-request `csp_override` + X-Frame-Options exempt."""

    @xframe_options_exempt
    @csp_override(widget_policy(partner))
    def respond(_request: HttpRequest) -> HttpResponse:
        return response

    return respond(request)
