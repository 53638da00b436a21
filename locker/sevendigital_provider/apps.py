from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SevenDigitalProviderConfig(AppConfig):
    name = "locker.sevendigital_provider"
    label = "sevendigital_provider"
    verbose_name = gettext_lazy("7digital account linking")

    def ready(self) -> None:
        from locker.sevendigital_provider import receivers  # noqa: F401
