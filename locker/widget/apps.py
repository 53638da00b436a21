from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "locker.widget"
    label = "widget"
    verbose_name = "Embeddable widget"

    def ready(self) -> None:
        from locker.widget import checks  # noqa: F401  (registers the system check)
