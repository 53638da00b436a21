from django.apps import AppConfig


class SevenDigitalProviderConfig(AppConfig):
    name = "locker.sevendigital_provider"
    label = "sevendigital_provider"
    verbose_name = "7digital account linking"

    def ready(self) -> None:
        from locker.sevendigital_provider import receivers  # noqa: F401
