from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from locker import linking
from locker.downloads import last_downloads
from locker.loader import load_locker
from locker.presenters import present_page
from locker.query import PAGE_SIZES, SORT_LABELS, LockerQuery


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("locker:locker")
    return render(request, "locker/home.html")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def locker_page(request: HttpRequest) -> HttpResponse:
    link = linking.get_link(request.user)
    if link is None:
        return render(request, "locker/not_linked.html")
    query = LockerQuery.from_params(request.GET)
    result = load_locker(link, query)
    page = result.page
    if page is not None and page.total_items and not page.releases and query.page > 1:
        last = -(-page.total_items // query.page_size)
        return redirect(f"{reverse('locker:locker')}?{query.with_(page=last).querystring()}")
    context = {
        "link": link,
        "query": query,
        "result": result,
        "view": _present(request, link, result) if page else None,
        "sort_labels": SORT_LABELS,
        "page_sizes": PAGE_SIZES,
    }
    template = "locker/locker.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#locker-body"
    failed = page is None and result.error and not result.relink
    return render(request, template, context, status=503 if failed else 200)


def _present(request: HttpRequest, link, result):
    track_ids = [t.track.id for item in result.page.releases for t in item.tracks]
    return present_page(
        result.page,
        downloads_enabled=result.downloads_enabled,
        preferred_format=link.preferred_format_id,
        last_downloads=last_downloads(request.user, track_ids),
    )


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "locker/account.html", {"link": linking.get_link(request.user)})


@login_required
@require_POST
def unlink(request: HttpRequest) -> HttpResponse:
    if linking.unlink(request.user):
        messages.success(request, "Your 7digital account is no longer linked. We deleted its access keys.")
    else:
        messages.info(request, "No 7digital account was linked.")
    return redirect("locker:account")
