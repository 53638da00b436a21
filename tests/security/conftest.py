import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth keeps rate-limit counters and mail cooldowns in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
