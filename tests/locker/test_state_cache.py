"""The "state" cache (locker.state.cache): shared by every worker through the database, with
`add` and `incr` atomic under concurrency, expiry honoured, and allauth's rate limits kept in it."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches
from django.db import connection

from locker.state.models import StateEntry


@pytest.fixture
def state():
    store = caches["state"]
    store.clear()
    yield store
    store.clear()


@pytest.mark.django_db
def test_get_set_add_incr_touch_delete(state):
    assert state.get("k") is None
    state.set("k", {"a": [1, 2]}, 60)
    assert state.get("k") == {"a": [1, 2]}
    assert state.get_many(["k", "missing"]) == {"k": {"a": [1, 2]}}
    assert state.add("k", "other", 60) is False
    assert state.add("n", 1, 60) is True
    assert state.incr("n") == 2
    assert state.incr("n", 5) == 7
    with pytest.raises(ValueError):
        state.incr("never-set")
    assert state.touch("n", 120) is True
    assert state.touch("never-set", 120) is False
    assert state.has_key("n")
    assert state.delete("n") is True
    assert not state.has_key("n")


@pytest.mark.django_db
def test_expired_entries_are_gone_and_can_be_added_again(state):
    state.set("old", 1, 60)
    StateEntry.objects.filter(key__endswith="old").update(expires="2000-01-01T00:00:00Z")
    assert state.get("old") is None
    assert not state.has_key("old")
    assert state.add("old", 2, 60) is True
    assert state.get("old") == 2


def race(times: int, call) -> list:
    """`call` from `times` threads released at once (each with its own DB connection)."""
    from django.db import connections

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The in-memory test database is one shared-cache connection pool: concurrent writers get
        # "table is locked" at once instead of waiting. Files (what gunicorn workers share) wait:
        # tests/production/test_shared_state.py races real workers on a SQLite file.
        pytest.skip("concurrent writers need a database file or PostgreSQL")

    barrier = threading.Barrier(times)
    results: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(10)
            value = call()
        except Exception as exc:  # noqa: BLE001 (reported in the assertion)
            value = exc
        finally:
            connections.close_all()
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_an_expired_key_let_exactly_one_in(state):
    """Django's DatabaseCache UPDATEs an expired row for every concurrent `add`: two claims."""
    for attempt in range(3):
        state.set(f"claim{attempt}", "old", 60)
        StateEntry.objects.filter(key__endswith=f"claim{attempt}").update(expires="2000-01-01T00:00:00Z")
        results = race(8, lambda a=attempt: state.add(f"claim{a}", "new", 60))
        assert results.count(True) == 1, results


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_all_counted(state):
    state.add("count", 0, 60)
    results = race(8, lambda: [state.incr("count") for _ in range(5)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert state.get("count") == 40


@pytest.mark.django_db
def test_allauths_rate_limits_live_in_the_shared_state(client, customer, state):
    """allauth stores its limits in the default cache (per worker without Redis): not here."""
    client.post("/accounts/login/", {"login": customer.email, "password": "wrong-password"})
    keys = list(StateEntry.objects.values_list("key", flat=True))
    assert any(":allauth:rl:allauth.account:login_failed:" in key for key in keys), keys


@pytest.mark.django_db
def test_the_table_is_created_by_migrate():
    assert StateEntry._meta.db_table in connection.introspection.table_names()


@pytest.mark.django_db
def test_expired_rows_are_culled(state, monkeypatch):
    from locker.state import cache as module

    state.set("stale", 1, 60)
    StateEntry.objects.filter(key__endswith="stale").update(expires="2000-01-01T00:00:00Z")
    monkeypatch.setattr(module, "CULL_PROBABILITY", 1.0)
    state.set("fresh", 1, 60)
    assert list(StateEntry.objects.values_list("key", flat=True)) == [state.make_key("fresh")]
