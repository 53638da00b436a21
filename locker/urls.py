from django.urls import path

from locker import download_views, preference_views, views
from locker.library import views as library_views

app_name = "locker"

urlpatterns = [
    path("locker/", views.locker_page, name="locker"),
    path("locker/index/progress/", views.index_progress, name="index_progress"),
    path("locker/account/", views.account, name="account"),
    path("locker/unlink/", views.unlink, name="unlink"),
    path("locker/account/time-zone/", preference_views.set_time_zone, name="time_zone"),
    path(
        "locker/account/download-format/",
        preference_views.set_download_format,
        name="download_format",
    ),
    path("locker/download/", download_views.download, name="download"),
    path(
        "locker/download/<int:event_id>/refused/",
        download_views.download_refused,
        name="download_refused",
    ),
    path(
        "locker/releases/<int:release_id>/download-all/",
        download_views.download_all,
        name="download_all",
    ),
    path("locker/stream/", download_views.stream, name="stream"),
    path("locker/history/", download_views.history, name="history"),
    path("locker/track/<int:release_id>/<int:track_id>/", download_views.track_row, name="track"),
    path("locker/artists/", library_views.artists, name="artists"),
    path("locker/releases/<int:release_id>/hide/", library_views.hide, name="hide"),
    path("locker/releases/<int:release_id>/unhide/", library_views.unhide, name="unhide"),
]
