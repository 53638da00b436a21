from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WidgetConfig(AppConfig):
    name = "locker.widget"
    label = "widget"
    verbose_name = gettext_lazy("Embeddable widget")

    def ready(self) -> None:
        from locker.widget import checks  # noqa: F401  (registers the system check)
