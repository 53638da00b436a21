"""Hide and show again (POST, CSRF-checked; htmx swaps the card, without JavaScript a page says
what happened and offers the undo), and browse by artist."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseLocation

from locker.library import filters, sync
from locker.library.models import HiddenRelease, IndexedRelease, SyncState
from locker.typed_requests import HtmxHttpRequest, signed_in_user


def _release(request: HttpRequest, release_id: int) -> IndexedRelease:
    release = IndexedRelease.objects.filter(user=signed_in_user(request), release_id=release_id).first()
    if release is None:
        raise Http404("No such release in your locker")
    return release


def _back(request: HttpRequest) -> str:
    """Where the customer was: a locker page of this site (the undo form's `next`, else htmx's
    current URL or the Referer), as a path; anything else gives the locker's first page."""
    locker = reverse("locker:locker")
    for candidate in (
        request.POST.get("next"),
        request.headers.get("HX-Current-URL"),
        request.headers.get("Referer"),
    ):
        if not candidate or not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            continue
        parts = urlsplit(candidate)
        if parts.path == locker:
            return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return locker


def _changed(user_id: int) -> None:
    """Hiding changes what pages show: a new generation drops every cached page of the customer."""
    sync.touch(user_id)


@login_required
@require_POST
def hide(request: HtmxHttpRequest, release_id: int) -> HttpResponse:
    user = signed_in_user(request)
    release = _release(request, release_id)
    try:
        with transaction.atomic():
            HiddenRelease.objects.get_or_create(user=user, release_id=release_id)
    except IntegrityError:  # a double click racing itself: already hidden
        pass
    _changed(user.pk)
    context = {"release": release, "next": _back(request)}
    if request.htmx:
        return render(request, "locker/_release_hidden.html", context)
    return render(request, "locker/hidden_done.html", context)


@login_required
@require_POST
def unhide(request: HtmxHttpRequest, release_id: int) -> HttpResponse:
    user = signed_in_user(request)
    HiddenRelease.objects.filter(user=user, release_id=release_id).delete()
    _changed(user.pk)
    back = _back(request)
    if request.htmx:
        # The page again, as it now is (the release back in its place).
        return HttpResponseLocation(back, target="#locker-body", swap="outerHTML")
    return redirect(back)


@login_required
@require_GET
def artists(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    state = SyncState.objects.filter(user=user).first()
    rows = filters.artists(user.pk) if state and state.indexed else None
    return render(request, "locker/artists.html", {"artists": rows, "sync": state})
