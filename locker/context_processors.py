from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SUPPORT_URL": settings.SUPPORT_URL,
        "DOWNLOAD_URL": reverse("locker:download"),  # once per page, not once per track row
    }
