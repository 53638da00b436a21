from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from locker import preferences, site_urls


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SUPPORT_URL": settings.SUPPORT_URL,
        "DOWNLOAD_URL": site_urls.download_url(),
        "TRACK_URL": site_urls.track_url(),
        # locker.js then sends the browser's own time zone, once (the Account page changes it).
        "NEEDS_TIME_ZONE": preferences.signed_in(request) and not preferences.saved(request)[1],
    }
