"""Widget settings with their defaults (lockersite/settings.py reads them from the environment)."""

from __future__ import annotations

from django.conf import settings

LEEWAY_SECONDS = 30  # clock skew tolerated between a partner's server and ours


def audience() -> str:
    return getattr(settings, "WIDGET_TOKEN_AUDIENCE", "locker-widget")


def token_max_age() -> int:
    return int(getattr(settings, "WIDGET_TOKEN_MAX_AGE", 600))


def session_seconds() -> int:
    return int(getattr(settings, "WIDGET_SESSION_SECONDS", 3600))


def frame_ancestors() -> list[str]:
    return list(getattr(settings, "WIDGET_FRAME_ANCESTORS", []))
