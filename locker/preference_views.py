"""Choosing a language (Django's `set_language`, then saved on the account), a time zone and the
Download button's format."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from locker import locker_cache, preferences
from locker.library import sync


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's own view (cookie, safe `next` redirect), and for a signed-in customer the choice
    is saved on the account so that it follows them to their other devices."""
    response = django_set_language(request)
    language = preferences.offered_language(request.POST.get("language"))
    if language and request.user.is_authenticated:
        preferences.save(request, language=language)
    return response


@require_POST
def set_time_zone(request: HttpRequest) -> HttpResponse:
    """The Account page's choice, or the browser's own zone (`source=browser`, sent by locker.js
    once, when nothing is saved yet: it never overrides what the customer picked)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    zone = preferences.valid_time_zone(request.POST.get("time_zone"))
    from_browser = request.POST.get("source") == "browser"
    if from_browser:
        if zone and not preferences.saved(request)[1]:
            preferences.save(request, time_zone=zone)
        return HttpResponse(status=204)
    if zone:
        preferences.save(request, time_zone=zone)
        messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": zone.replace("_", " ")})
    else:
        messages.error(request, _("Please choose a time zone from the list."))
    return redirect("locker:account")


@require_POST
def set_download_format(request: HttpRequest) -> HttpResponse:
    """The Account page's choice of the format every row's Download button uses where offered."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    user_id = request.user.pk
    name = str(request.POST.get("download_format", "")).strip()
    if name not in preferences.download_formats(user_id):
        messages.error(request, _("Please choose a format from the list."))
        return redirect("locker:account")
    preferences.save(request, download_format=name)
    sync.touch(user_id)  # every cached page shows the Download buttons in the old format
    locker_cache.invalidate(user_id)
    messages.success(
        request, _("Download buttons now use %(format)s where a track offers it.") % {"format": name}
    )
    return redirect("locker:account")
