"""The site's URLs plus `/bench/trivial/`: the smallest login-required Django view, for comparison."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from lockersite.urls import urlpatterns as site_urlpatterns


@login_required
@require_GET
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}\n", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
