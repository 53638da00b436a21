from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from locker import preferences


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SUPPORT_URL": settings.SUPPORT_URL,
        "DOWNLOAD_URL": reverse("locker:download"),  # once per page, not once per track row
        "TRACK_URL": reverse("locker:track", args=[0, 0]),  # a row, fresh: /0/0/ stands for its ids
        # locker.js then sends the browser's own time zone, once (the Account page changes it).
        "NEEDS_TIME_ZONE": preferences.signed_in(request) and not preferences.saved(request)[1],
    }
