from django.urls import path

from locker.widget import views

app_name = "widget"

urlpatterns = [
    path("", views.embed, name="embed"),
    path("embed.js", views.embed_script, name="embed_script"),
    path("locker/", views.locker, name="locker"),
    path("download/", views.download, name="download"),
    path("download/<int:event_id>/refused/", views.download_refused, name="download_refused"),
    path("stream/", views.stream, name="stream"),
    path("track/<int:release_id>/<int:track_id>/", views.track_row, name="track"),
]
