from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LockerConfig(AppConfig):
    name = "locker"
    verbose_name = gettext_lazy("Locker")
