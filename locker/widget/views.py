"""The embeddable widget: the page, its body for htmx (paging, search), and the locker's views it reuses.

Downloads, plays and row refreshes go through locker.track_views, the very views of the locker
page, rendering the locker's own partials: the wrappers here only swap the cookie login for the
widget session (see auth.py), and locker/widget/context_processors.py gives those partials the
widget's layout and routes.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from locker import linking, page_content, track_views
from locker.query import LockerQuery
from locker.typed_requests import WidgetRequest
from locker.widget import auth
from locker.widget.framing import allowed_origins, framable, own_origin
from locker.widget.models import Partner
from locker.widget.options import LAYOUTS, THEMES, WidgetOptions
from locker.widget.refusals import refusal_for
from locker.widget.tokens import InvalidWidgetToken, claimed_partner

logger = logging.getLogger(__name__)

LABELS = {
    "compact": gettext_lazy("Compact"),
    "full": gettext_lazy("Full"),
    "auto": pgettext_lazy("theme", "Auto"),
    "light": pgettext_lazy("theme", "Light"),
    "dark": pgettext_lazy("theme", "Dark"),
}


@require_GET
@never_cache
def locker(request: HttpRequest) -> HttpResponse:
    """The widget page (first load, with a token) or its body (paging, with the session header)."""
    options = WidgetOptions.from_params(request.GET)
    query = LockerQuery.from_params(request.GET)
    if auth.SESSION_HEADER in request.headers:
        session = auth.session_from(request)
        if session is None:
            return JsonResponse({"error": str(auth.SESSION_EXPIRED), "code": "session-expired"}, status=401)
        request.widget_session = session  # type: ignore[attr-defined]  # read by the context processor
        context = {"options": options, **_body_context(session.user, query, options)}
        return framable(request, render(request, "widget/locker.html#body", context), session.partner)
    try:
        session, key = auth.exchange(request.GET)
    except InvalidWidgetToken as refusal:
        _scrub_token(request)
        partner = refusal.partner or claimed_partner(request.GET.get("token", ""))
        logger.info("widget token refused: %s (partner %s)", refusal.reason, partner.slug if partner else "-")
        context = {
            "options": options,
            "refusal": refusal_for(refusal.reason, partner),
            "config": _config(request, partner, ""),
        }
        response = render(request, "widget/error.html", context, status=401)
        response["Referrer-Policy"] = "no-referrer"
        return framable(request, response, partner)
    _scrub_token(request)
    request.widget_session = session  # type: ignore[attr-defined]  # read by the context processor
    context = {
        "options": options,
        "config": _config(request, session.partner, key),
        "hx_headers": json.dumps({auth.SESSION_HEADER: key, "Accept-Language": translation.get_language()}),
        **_body_context(session.user, query, options),
    }
    response = render(request, "widget/locker.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token is in this page's URL until widget.js drops it
    return framable(request, response, session.partner)


def _scrub_token(request: HttpRequest) -> None:
    """The access log (locker/request_middleware.py) records the query string after the view has run:
    keep the one-time token out of it."""
    params = request.GET.copy()
    for name in ("token", "preview"):
        if name in params:
            params[name] = "[redacted]"
    request.META["QUERY_STRING"] = params.urlencode(safe="[]")


def _config(request: HttpRequest, partner: Partner | None, key: str) -> dict:
    """What widget.js needs, handed over in a `json_script` block (no inline script)."""
    return {
        "session": key,
        "origins": [own_origin(request), *allowed_origins(partner)],
        "stream": reverse("widget:stream"),
        "lang": translation.get_language(),
    }


def _body_context(user, query: LockerQuery, options: WidgetOptions) -> dict:
    link = linking.get_link(user)
    if link is None:
        return {"link": None}
    found = page_content.get_locker_or_last(link, query)  # past the end: the last page
    view = found.view
    return {
        "link": link,
        "result": found.result,
        "view": view,
        "query": found.query,
        "nav": _nav(found.query, view, options),
        # The full layout searches the index (once there is one) like the locker page does.
        "searchable": found.indexed and options.layout == "full",
        "terms": found.narrowed.terms if found.narrowed else None,
    }


def _nav(query: LockerQuery, view, options: WidgetOptions) -> dict:
    if view is None or view.num_pages <= 1:
        return {}
    extra = options.querystring()

    def url(page: int) -> str:
        return f"?{query.with_(page=page).querystring()}" + (f"&{extra}" if extra else "")

    return {
        "prev": url(view.page - 1) if view.page > 1 else "",
        "next": url(view.page + 1) if view.page < view.num_pages else "",
    }


# The locker's own row view (the fresh state of one row after a download), signed in by the widget session.
track_row = auth.widget_login_required(track_views.track_row)


@auth.widget_login_required
@require_POST
def download(request: WidgetRequest) -> HttpResponse:
    """locker.track_views.download, signed in by the widget session.

    htmx posts it, so the answer is `HX-Redirect` to the signed media URL (run in a hidden frame by
    downloads.js) or the row's fresh state saying why not. A plain form post (no JavaScript) gets the 302 itself; a
    refusal then shows a small framable page instead of the locker's full-site one.
    """
    response = track_views.download(request)
    if request.htmx or isinstance(response, HttpResponseRedirect):
        return response
    session = request.widget_session
    refusal = getattr(response, "refusal", None)
    context = {
        "options": WidgetOptions(),
        "config": _config(request, session.partner, ""),
        "message": refusal.message if refusal else "",
    }
    refused = render(request, "widget/refused.html", context, status=response.status_code)
    return framable(request, refused, session.partner)


# The media host answered a refusal page instead of the file (see downloads.js): the locker's own
# view records it and answers the row's fresh state with what happened.
download_refused = auth.widget_login_required(track_views.download_refused)


@auth.widget_login_required
@require_POST
def stream(request: HttpRequest) -> HttpResponse:
    """locker.track_views.stream (a signed stream URL as JSON), signed in by the widget session."""
    return track_views.stream(request)


@require_GET
def embed(request: HttpRequest) -> HttpResponse:
    """For partners: the snippet to paste, and a live preview of the signed-in customer's locker."""
    options = WidgetOptions.from_params(request.GET)
    try:
        width = max(280, min(1200, int(request.GET.get("width", 360))))
    except ValueError:
        width = 360
    preview_url = ""
    linked = request.user.is_authenticated and linking.get_link(request.user) is not None
    if linked:
        params = {"preview": auth.preview_token(request.user), **options.params()}
        preview_url = f"{reverse('widget:locker')}?{urlencode(params)}"
    base = own_origin(request)
    context = {
        "options": options,
        "layouts": [(value, LABELS[value]) for value in LAYOUTS],
        "themes": [(value, LABELS[value]) for value in THEMES],
        "width": width,
        "linked": linked,
        "preview_url": preview_url,
        "widget_url": f"{base}{reverse('widget:locker')}",
        "embed_path": f"{reverse('widget:embed')}?{options.querystring()}",
        # Shown as HTML source in the snippet, so `&` is written `&amp;` there.
        "widget_params": options.querystring().replace("&", "&amp;"),
        "embed_script_url": f"{base}{reverse('widget:embed_script')}",
        "audience": settings.WIDGET_TOKEN_AUDIENCE,
        "max_age": settings.WIDGET_TOKEN_MAX_AGE,
        "bad_colour": any(
            request.GET.get(k) and not v for k, v in (("accent", options.accent), ("bg", options.background))
        ),
    }
    response = render(request, "widget/embed.html", context)
    response["Cache-Control"] = "no-store"  # the preview token is single-use
    return response


@require_GET
@cache_control(public=True, max_age=300)
def embed_script(request: HttpRequest) -> HttpResponse:
    """A stable address for the embed script; static file names change with each deployment."""
    return redirect(static("js/widget-embed.js"))
