from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from locker import metrics, preference_views
from locker import views as locker_views
from lockersite import health

urlpatterns = [
    path("", locker_views.home, name="home"),
    path("", include("locker.urls")),
    path("accounts/", include("allauth.urls")),
    # Languages (issue 14): the switcher posts to set_language; scripts read their strings here.
    path("i18n/setlang/", preference_views.set_language, name="set_language"),
    # Pages ask for /jsi18n/?lang=xx, so a browser's cached copy is never another language's.
    path("jsi18n/", cache_control(max_age=3600)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("widget/", include("locker.widget.urls")),
    # Probes and metrics (issue 7). HealthCheckMiddleware answers the probes first in production.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
