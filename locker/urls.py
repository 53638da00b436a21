from django.urls import path

from locker import page_views, preference_views, track_views
from locker.library import views as library_views

app_name = "locker"

urlpatterns = [
    path("locker/", page_views.locker_page, name="locker"),
    path("locker/index/progress/", page_views.index_progress, name="index_progress"),
    path("locker/account/", page_views.account, name="account"),
    path("locker/unlink/", page_views.unlink, name="unlink"),
    path("locker/account/time-zone/", preference_views.set_time_zone, name="time_zone"),
    path(
        "locker/account/download-format/",
        preference_views.set_download_format,
        name="download_format",
    ),
    path("locker/download/", track_views.download, name="download"),
    path(
        "locker/download/<int:event_id>/refused/",
        track_views.download_refused,
        name="download_refused",
    ),
    path(
        "locker/releases/<int:release_id>/download-all/",
        track_views.download_all,
        name="download_all",
    ),
    path("locker/releases/<int:release_id>/formats/", track_views.release_formats, name="release_formats"),
    path("locker/stream/", track_views.stream, name="stream"),
    path("locker/history/", page_views.history, name="history"),
    path("locker/track/<int:release_id>/<int:track_id>/", track_views.track_row, name="track"),
    path("locker/artists/", library_views.artists, name="artists"),
    path("locker/releases/<int:release_id>/hide/", library_views.hide, name="hide"),
    path("locker/releases/<int:release_id>/unhide/", library_views.unhide, name="unhide"),
]
