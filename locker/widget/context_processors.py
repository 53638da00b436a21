from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from locker.layouts import CardLayout
from locker.widget.options import WidgetOptions


def widget(request: HttpRequest) -> dict:
    """Inside the widget (a request with a widget session), the locker's partials take the widget's
    layout and post to the widget's own routes: whichever view renders them (the widget page, or
    the locker's download and row views wrapped by the widget's authentication)."""
    if getattr(request, "widget_session", None) is None:
        return {}
    return {
        "layout": CardLayout(WidgetOptions.from_params(request.GET).layout),
        "DOWNLOAD_URL": reverse("widget:download"),
        "TRACK_URL": reverse("widget:track", args=[0, 0]),
    }
