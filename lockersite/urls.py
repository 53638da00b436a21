from django.contrib import admin
from django.urls import include, path

from locker import views as locker_views

urlpatterns = [
    path("", locker_views.home, name="home"),
    path("", include("locker.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
