from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from locker import linking
from locker.loader import load_locker
from locker.pages import last_page_query, present_result
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
    if last := last_page_query(query, result):
        return redirect(f"{reverse('locker:locker')}?{last.querystring()}")
    context = {
        "link": link,
        "query": query,
        "result": result,
        "view": present_result(link, result),
        "sort_labels": SORT_LABELS,
        "page_sizes": PAGE_SIZES,
    }
    template = "locker/locker.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#locker-body"
    failed = result.page is None and result.error and not result.relink
    return render(request, template, context, status=503 if failed else 200)


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
