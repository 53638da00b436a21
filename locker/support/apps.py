from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SupportConfig(AppConfig):
    name = "locker.support"
    label = "support"
    verbose_name = gettext_lazy("Support")

    def ready(self) -> None:
        from locker.support import purchases

        purchases.connect()
