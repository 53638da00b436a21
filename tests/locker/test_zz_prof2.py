import cProfile, pstats, io, time, statistics
from django.template.base import Template
from django.test.utils import _TestState
from tests.conftest import link_to_sandbox

def test_prof_warm(client, customer, sandboxed, monkeypatch):
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    for _ in range(3): client.get("/locker/?pageSize=50"); client.get("/locker/account/")
    t=[]; a=[]
    for _ in range(50):
        s=time.perf_counter(); client.get("/locker/?pageSize=50"); t.append(time.perf_counter()-s)
        s=time.perf_counter(); client.get("/healthz"); a.append(time.perf_counter()-s)
    print("warm", statistics.median(t)*1000, "healthz", statistics.median(a)*1000)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(20): client.get("/locker/?pageSize=50")
    pr.disable()
    out = io.StringIO(); pstats.Stats(pr, stream=out).sort_stats("tottime").print_stats(30); print(out.getvalue()[:8000])
    out = io.StringIO(); pstats.Stats(pr, stream=out).sort_stats("cumulative").print_stats(70); print(out.getvalue()[:14000])
