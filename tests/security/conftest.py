import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth keeps rate-limit counters and mail cooldowns in a cache: each test starts afresh
    (a cache in the database would be rolled back after each test anyway)."""
    cache.clear()
    yield
    cache.clear()
