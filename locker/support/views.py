"""The support Locker view and the support actions, served inside the admin (see admin.py's get_urls).

Staff see the customer's locker through the same loader and presenter as the customer, plus the
facts only staff see. Nothing here can start a download or a stream: the staff template has no
such controls, and every call to 7digital is the same read the customer's own page makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy

from locker import linking, locker_cache, page_content, preferences
from locker.layouts import SUPPORT
from locker.library import filters, sync
from locker.loader import LockerResult
from locker.models import DownloadEvent, SevenDigitalLink
from locker.presenters import DEFAULT_DOWNLOAD_FORMAT
from locker.query import PAGE_SIZES, SORT_LABELS, LockerQuery
from locker.support import audit
from locker.support.admin_tools import can_look_up, locker_url
from locker.support.models import AuditEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class SupportAction:
    slug: str
    audit_action: str
    title: StrOrPromise
    explanation: StrOrPromise
    button: StrOrPromise
    needs_link: bool = True


ACTIONS = {
    a.slug: a
    for a in (
        SupportAction(
            "refresh",
            AuditEntry.Action.REFRESH,
            gettext_lazy("Refresh the cached locker"),
            gettext_lazy(
                "Drops every cached page of this customer's locker and queues a full sync of their locker "
                "index from 7digital; pages show the new index once the sync has finished. The last good "
                "copy is kept for outages."
            ),
            gettext_lazy("Yes, refresh"),
            needs_link=False,
        ),
        SupportAction(
            "relink",
            AuditEntry.Action.RELINK,
            gettext_lazy("Mark the link for relinking"),
            gettext_lazy(
                "The customer will be asked to link their 7digital account again. Until they do, their "
                "locker shows the last good copy with downloads paused. Their purchases are not affected."
            ),
            gettext_lazy("Yes, ask them to relink"),
        ),
        SupportAction(
            "unlink",
            AuditEntry.Action.UNLINK,
            gettext_lazy("Unlink 7digital"),
            gettext_lazy(
                "Deletes the stored 7digital access keys of this customer. They must link their account "
                "again to see their locker. Their purchases at 7digital are not affected."
            ),
            gettext_lazy("Yes, unlink"),
        ),
    )
}


def _customer(request: HttpRequest, user_id: int):
    if not can_look_up(request.user):
        raise PermissionDenied("Looking up a customer's locker needs the support permission.")
    return get_object_or_404(get_user_model(), pk=user_id)


def locker(request: HttpRequest, model_admin, user_id: int) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    customer = _customer(request, user_id)
    link = SevenDigitalLink.objects.filter(user=customer).first()
    query = LockerQuery.from_params(request.GET)
    found = page_content.get_locker(link, query) if link else None
    if found and found.last_page:
        return redirect(f"{locker_url(customer.pk)}?{found.last_page.querystring()}")
    result, view = (found.result, found.view) if found else (None, None)
    history = Paginator(DownloadEvent.objects.filter(user=customer), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("history")
    )
    audit.record(
        request,
        AuditEntry.Action.LOOKUP,
        customer,
        page=query.page,
        page_size=query.page_size,
        sort=query.sort,
        **({"search": query.filter_params()} if query.filtered else {}),
        linked=link is not None,
        outcome=_outcome(result),
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Locker of %(customer)s") % {"customer": customer.email or customer.get_username()},
        "customer": customer,
        "link": link,
        "result": result,
        "view": view,
        "query": query,
        "sort_labels": SORT_LABELS,
        "page_sizes": PAGE_SIZES,
        "history": history,
        "index": sync.state(customer.pk),
        "preferred_format": preferences.download_format(customer.pk),
        "default_format": DEFAULT_DOWNLOAD_FORMAT,
        "indexed": bool(found and found.indexed),
        "actions": [a for a in ACTIONS.values() if link or not a.needs_link],
        "layout": SUPPORT,
        **_search_context(found),
    }
    return TemplateResponse(request, "admin/support/locker.html", context)


def _search_context(found: page_content.LockerContent | None) -> dict:
    """The customer's own search and filters, over their index (live pages have none)."""
    if found is None or found.narrowed is None:
        return {}
    facets = filters.facets(found.link.user_id, found.query, matches=found.narrowed.matches)
    return {
        "facets": facets,
        "facet_fields": [
            ("state", gettext("Track state"), facets.states, gettext("Any state")),
            ("format", gettext("Format"), facets.formats, gettext("Any format")),
            ("type", gettext("Type"), facets.types, gettext("Any type")),
            ("full", gettext("Bought as"), facets.full, gettext("Albums and tracks")),
            ("year", gettext("Bought in"), facets.years, gettext("Any year")),
        ],
    }


def _outcome(result: LockerResult | None) -> str:
    if result is None:
        return "not linked"
    if result.relink:
        return "needs relinking"
    if result.error:
        return "stale copy" if result.page is not None else "upstream error, no copy"
    return "ok"


def action(request: HttpRequest, model_admin, user_id: int, action: str) -> HttpResponse:
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404("No such support action")
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    customer = _customer(request, user_id)
    link = SevenDigitalLink.objects.filter(user=customer).first()
    if request.method == "GET":
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": chosen.title,
            "customer": customer,
            "link": link,
            "action": chosen,
            "possible": link is not None or not chosen.needs_link,
        }
        return TemplateResponse(request, "admin/support/confirm.html", context)
    done, message = _perform(request, chosen, customer, link)
    audit.record(request, chosen.audit_action, customer, done=done)
    (messages.success if done else messages.warning)(request, message)
    return redirect(locker_url(customer.pk))


def _perform(request: HttpRequest, chosen: SupportAction, customer, link) -> tuple[bool, str]:
    who = customer.email or customer.get_username()
    if chosen.slug == "refresh":
        locker_cache.invalidate(customer.pk)
        if link is not None and link.needs_relink:
            # Its token is refused (models.SevenDigitalLink.get_token): 7digital is not asked.
            return True, gettext(
                "The cached locker of %(who)s was dropped, but their 7digital link needs relinking: "
                "this page shows the last good copy until they link again."
            ) % {"who": who}
        if link is not None:
            sync.request_sync(customer.pk, full=True, force=True)
            return True, gettext(
                "The cached locker of %(who)s was dropped and a full sync of their index was queued."
            ) % {"who": who}
        return True, gettext(
            "The cached locker of %(who)s was dropped; this page now shows 7digital's answer."
        ) % {"who": who}
    if link is None:
        return False, gettext("%(who)s has no linked 7digital account, so nothing was changed.") % {
            "who": who
        }
    if chosen.slug == "relink":
        link.mark_needs_relink(f"Marked for relinking by support ({request.user.get_username()})")
        return True, gettext("%(who)s will be asked to link their 7digital account again.") % {"who": who}
    linking.unlink(customer)
    return True, gettext("The 7digital account of %(who)s was unlinked and its access keys deleted.") % {
        "who": who
    }
