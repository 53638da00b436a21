from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "locker.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from locker.support import purchases

        purchases.connect()
