from django.apps import AppConfig


class StateConfig(AppConfig):
    name = "locker.state"
    label = "locker_state"
    verbose_name = "Shared state"

    def ready(self) -> None:
        # allauth keeps its rate limits in django.core.cache.cache (the page cache: per worker
        # without Redis, gone while Redis is down). Point that module at the shared state instead.
        from allauth.core.internal import ratelimit
        from django.core.cache import caches
        from django.utils.connection import ConnectionProxy

        ratelimit.cache = ConnectionProxy(caches, "state")
