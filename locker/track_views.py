"""A track's views: download, its refusal, the row read afresh, "Download all"'s panel and stream.
The decisions live in `downloads.py`; these only speak HTTP."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from locker import linking, throttle, wording
from locker.downloads import (
    TrackRefused,
    authorise_download,
    find_track,
    record_upstream_refusal,
    track_view,
)
from locker.forms import DownloadForm, TrackForm
from locker.models import DownloadEvent
from locker.page_content import fresh_release, fresh_row
from locker.presenters import ReleaseView, present_release
from locker.sevendigital import client as sevendigital
from locker.typed_requests import HtmxHttpRequest, signed_in_user

DOWNLOADS_PER_MINUTE = 20
PLAYS_PER_MINUTE = 60
DOUBLE_CLICK_SECONDS = 5
# Where the page reports that the media host refused a download it started (see locker.js).
REFUSED_HEADER = "X-Download-Refused-Url"
UPSTREAM_REFUSAL = wording.MEDIA_HOST_REFUSED


@login_required
@require_POST
@never_cache
def download(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DownloadForm(request.POST)
    if not form.is_valid():
        return _refuse(request, TrackRefused(_("That download request was not valid."), status=400))
    release_id, track_id, format_id = (form.cleaned_data[k] for k in ("release", "track", "format"))
    link = linking.get_link(user)
    if link is None:
        return _refuse(request, TrackRefused(_("Link your 7digital account first."), status=409))
    if not throttle.allow("download", user.pk, limit=DOWNLOADS_PER_MINUTE, per_seconds=60):
        return _refuse(
            request,
            TrackRefused(
                _("That's a lot of downloads in a short time. Please wait a minute and try again."),
                status=429,
            ),
        )
    once = f"download:{user.pk}:{track_id}:{format_id}"
    try:
        claimed = throttle.claim_once(once, DOUBLE_CLICK_SECONDS)
    except throttle.StateUnavailable:
        message = _("Downloads are paused for a moment. Nothing was downloaded; please try again.")
        return _refuse(request, TrackRefused(message, status=503))
    if not claimed:
        return _refuse(request, TrackRefused(_("Your download is already starting."), status=409))
    try:
        started = authorise_download(link, release_id, track_id, format_id)
    except TrackRefused as refusal:
        throttle.release(once)  # nothing was signed: let the customer retry straight away
        return _refuse(request, refusal, track_id=track_id)
    response: HttpResponse
    if not request.htmx:
        response = HttpResponseRedirect(started.url)
    else:
        # locker.js and widget.js fetch the file in a hidden frame, so a refusal page from the media
        # host never replaces ours, and report such a refusal here.
        response = HttpResponseClientRedirect(started.url)
        response[REFUSED_HEADER] = reverse(_refused_route(request), args=[started.event.pk])
        trigger_client_event(response, "locker-downloaded", {"track": f"track-{release_id}-{track_id}"})
    response["Cache-Control"] = "no-store"
    return response


def _refused_route(request: HttpRequest) -> str:
    return (
        "widget:download_refused" if getattr(request, "widget_session", None) else "locker:download_refused"
    )


@login_required
@require_POST
@never_cache
def download_refused(request: HtmxHttpRequest, event_id: int) -> HttpResponse:
    """The media host answered a refusal page instead of the file: record it, show the fresh row."""
    user = signed_in_user(request)
    event = record_upstream_refusal(user, event_id)
    link = linking.get_link(user)
    if event is None or link is None:
        return HttpResponse(status=204)
    try:
        release, track = fresh_row(link, event.release_id, event.track_id)
    except TrackRefused as refusal:
        return _refuse(request, refusal)
    if track is None:
        return _refuse(request, TrackRefused(str(UPSTREAM_REFUSAL), status=200))
    context = {"track": track, "release": release, "flash": str(UPSTREAM_REFUSAL)}
    return render(request, "locker/_track.html", context)


def _refuse(request: HtmxHttpRequest, refusal: TrackRefused, *, track_id: int | None = None) -> HttpResponse:
    track = track_view(refusal.release, track_id) if refusal.release and track_id else None
    relink = refusal.outcome == DownloadEvent.Outcome.RELINK
    context: dict[str, object]
    if request.htmx and track is not None:
        # The row's fresh state, in place of the row (the request came from the release's form).
        context = {"track": track, "release": refusal.release, "flash": refusal.message}
        response = render(request, "locker/_track.html", context, status=refusal.status)
        response = reswap(retarget(response, f"#{track.dom_id}"), "outerHTML")
    elif request.htmx:
        context = {"message": refusal.message, "relink": relink}
        response = render(request, "locker/_flash.html", context, status=refusal.status)
        response = reswap(retarget(response, "#flash"), "innerHTML")
    else:
        context = {"message": refusal.message, "relink": relink}
        response = render(request, "locker/download_refused.html", context, status=refusal.status)
    response.refusal = refusal  # type: ignore[attr-defined]  # an extra attribute, read by the widget's own refusal page
    return response


@login_required
@require_GET
@never_cache
def track_row(request: HtmxHttpRequest, release_id: int, track_id: int) -> HttpResponse:
    """The fresh state of one row, fetched by htmx after a download; without htmx, the track's own
    page with a Download button per format (the row's format menu, for browsers without JavaScript)."""
    link = linking.get_link(signed_in_user(request))
    if link is None:
        return HttpResponse(status=404)
    try:
        release, track = fresh_row(link, release_id, track_id)
    except TrackRefused as refusal:
        return _refuse(request, refusal)
    if track is None:
        return HttpResponse(status=404)
    if request.htmx:
        return render(request, "locker/_track.html", {"track": track, "release": release})
    context = {
        "track": track,
        "release": release,
        "all_formats": True,
        "download_forms": release.all_download_forms,
    }
    return render(request, "locker/track.html", context)


@login_required
@require_GET
@never_cache
def download_all(request: HtmxHttpRequest, release_id: int) -> HttpResponse:
    """ "Download all"'s panel for one release, read afresh when the customer opens it."""
    release = _fresh_release(request, release_id)
    if isinstance(release, HttpResponse):
        return release
    context = {"release": release, "gap_ms": settings.LOCKER_DOWNLOAD_ALL_GAP_MS}
    return render(request, "locker/_download_all_panel.html", context)


@login_required
@require_GET
@never_cache
def release_formats(request: HtmxHttpRequest, release_id: int) -> HttpResponse:
    """Every track of a release with a Download button per format, read afresh: the rows' format
    menus for browsers without JavaScript (the release's "Other formats" link)."""
    release = _fresh_release(request, release_id)
    if isinstance(release, HttpResponse):
        return release
    context = {"release": release, "all_formats": True, "download_forms": release.all_download_forms}
    return render(request, "locker/release_formats.html", context)


def _fresh_release(request: HtmxHttpRequest, release_id: int) -> ReleaseView | HttpResponse:
    """The customer's release read afresh from 7digital, or the answer that refuses it."""
    link = linking.get_link(signed_in_user(request))
    if link is None:
        return HttpResponse(status=404)
    try:
        return fresh_release(link, release_id)
    except TrackRefused as refusal:
        return _refuse(request, refusal)


@login_required
@require_POST
@never_cache
def stream(request: HttpRequest) -> JsonResponse:
    """Sign a stream URL at the moment of playing (signed stream URLs may be single-use)."""
    form = TrackForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("That play request was not valid.")}, status=400)
    user = signed_in_user(request)
    link = linking.get_link(user)
    if link is None:
        return JsonResponse({"error": _("Link your 7digital account first.")}, status=409)
    if not throttle.allow("play", user.pk, limit=PLAYS_PER_MINUTE, per_seconds=60):
        return JsonResponse({"error": _("Too many plays in a short time. Please wait a minute.")}, status=429)
    try:
        found = find_track(link, form.cleaned_data["release"], form.cleaned_data["track"])
    except TrackRefused as refusal:
        return JsonResponse({"error": refusal.message}, status=refusal.status)
    release = present_release(found.item, now=timezone.now())
    track = track_view(release, found.locker_track.track.id)
    if track is None or not track.can_play:
        return JsonResponse({"error": _("This track can't be played.")}, status=409)
    url = sevendigital.signed_stream_url(track.id, settings.SEVENDIGITAL_STREAM_FORMAT_ID, link.get_token())
    response = JsonResponse({"url": url, "title": track.title, "artist": track.artist or release.artist})
    response["Cache-Control"] = "no-store"
    return response
