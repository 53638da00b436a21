from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from locker import metrics, page_views, preference_views
from locker.account_views import password_reset, signup
from lockersite import health


def not_routed(request, *args, **kwargs):
    raise Http404


# Staff sign in through the site's sign-in (allauth: rate limits, verified email); the admin's own
# login form, which has no limits, redirects there with next=.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # wrapping the bound view on purpose

urlpatterns = [
    path("", page_views.home, name="home"),
    path("", include("locker.urls")),
    # 7digital is a connected account only, never a way to sign up: allauth's social sign-up is not routed.
    path("accounts/3rdparty/signup/", not_routed),
    path("accounts/social/signup/", not_routed),
    # Sign-up and password reset save nothing when their mail cannot be sent (locker/account_views.py).
    path("accounts/signup/", signup, name="account_signup"),
    path("accounts/password/reset/", password_reset, name="account_reset_password"),
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
