"""The site's URLs that pages and release cards embed, reversed once per process (the URLconf
does not change while it runs)."""

from __future__ import annotations

from functools import cache

from django.urls import reverse


@cache
def locker_url() -> str:
    """The locker page, where its search, filter and sort forms go."""
    return reverse("locker:locker")


@cache
def download_url() -> str:
    """Where every download form posts."""
    return reverse("locker:download")


@cache
def track_url() -> str:
    """A track row's refresh, for any row: /0/0/ stands for its release and track ids, which
    locker.js puts in."""
    return reverse("locker:track", args=[0, 0])
