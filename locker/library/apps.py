from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "locker.library"
    label = "library"
    verbose_name = "the locker index"
    default_auto_field = "django.db.models.BigAutoField"
