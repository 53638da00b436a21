import time, statistics
from django.template.base import Template
from django.test.utils import _TestState
from tests.conftest import link_to_sandbox

def med(client, url, n=60):
    t=[]
    for _ in range(n):
        s=time.perf_counter(); client.get(url); t.append(time.perf_counter()-s)
    return round(statistics.median(t)*1000, 2)

def test_times(client, customer, sandboxed, monkeypatch):
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    for u in ["/locker/?pageSize=50", "/locker/?pageSize=10", "/locker/account/"]: client.get(u)
    print("p50", med(client, "/locker/?pageSize=50"), "p10", med(client, "/locker/?pageSize=10"),
          "p50-htmx", med(client, "/locker/?pageSize=50&hx=1"), "account", med(client, "/locker/account/"), "healthz", med(client, "/healthz"))
