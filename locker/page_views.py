"""The pages' views: home, the locker page and its indexing progress, the downloads history, the
Account page and unlinking. What a page holds comes from `page_content`, its HTML from `page_html`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from locker import linking, page_content, page_html, preferences, wording
from locker.history import history_rows
from locker.models import DownloadEvent
from locker.presenters import DEFAULT_DOWNLOAD_FORMAT
from locker.query import LockerQuery
from locker.typed_requests import HtmxHttpRequest, signed_in_user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("locker:locker")
    return render(request, "locker/home.html")


@login_required
@require_GET
# The body alone, or the whole page (boosted navigation, Back).
@vary_on_headers("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
def locker_page(request: HtmxHttpRequest) -> HttpResponse:
    body = page_html.locker_body(request, LockerQuery.from_params(request.GET))
    if body is None:
        return render(request, "locker/not_linked.html")
    if body.last_page:
        return redirect(f"{reverse('locker:locker')}?{body.last_page.querystring()}")
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return body.response()
    context = {"progress": body.progress} if body.progress else None
    return page_html.page_with_body(request, "locker/locker.html", body, context)


@login_required
@require_GET
@never_cache
def index_progress(request: HttpRequest) -> HttpResponse:
    """The indexing notice alone, polled by htmx until the first sync is committed; then the
    page's body is fetched again (`locker-indexed`), now from the index."""
    link, state = page_content.link_and_state(signed_in_user(request))
    if link is None:
        return HttpResponse(status=204)
    progress = page_content.progress(state)
    response = render(request, "locker/_index_progress.html", {"progress": progress})
    if progress.state == "done":
        response["HX-Trigger"] = "locker-indexed"
    return response


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "link": linking.get_link(user),
        "relink_message": wording.RELINK,
        "download_formats": preferences.download_formats(user.pk),
        "download_format": preferences.download_format(user.pk) or DEFAULT_DOWNLOAD_FORMAT,
        "time_zones": preferences.offered_time_zones(),
        "current_time_zone": timezone.get_current_timezone_name(),
        "now_local": timezone.now(),
    }
    return render(request, "locker/account.html", context)


@login_required
@require_POST
def unlink(request: HttpRequest) -> HttpResponse:
    if linking.unlink(signed_in_user(request)):
        messages.success(request, _("Your 7digital account is no longer linked. We deleted its access keys."))
    else:
        messages.info(request, _("No 7digital account was linked."))
    return redirect("locker:account")


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    events = DownloadEvent.objects.filter(user=user).order_by("-created_at")
    page = Paginator(events, 25).get_page(request.GET.get("page"))
    zone = timezone.get_current_timezone_name()
    return render(
        request,
        "locker/history.html",
        {"page": page, "rows": history_rows(user, page.object_list), "zone": zone.replace("_", " ")},
    )
