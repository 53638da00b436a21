import cProfile
import io
import pstats
import statistics
import time

from django.core.cache import cache
from django.template.base import Template
from django.test.utils import _TestState

from locker import locker_cache
from locker.query import LockerQuery
from tests.conftest import link_to_sandbox


def test_cold(client, customer, sandboxed, monkeypatch):
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    client.get("/locker/?pageSize=50")
    html_miss, cold = [], []
    pr = cProfile.Profile()
    for _ in range(8):
        cache.delete(locker_cache.slot(customer.pk, LockerQuery(page_size=50).cache_key).html)
        s = time.perf_counter()
        client.get("/locker/?pageSize=50")
        html_miss.append(time.perf_counter() - s)
        locker_cache.invalidate(customer.pk)
        s = time.perf_counter()
        client.get("/locker/?pageSize=50")
        cold.append(time.perf_counter() - s)
    print("render only", statistics.median(html_miss) * 1000, "cold", statistics.median(cold) * 1000)

