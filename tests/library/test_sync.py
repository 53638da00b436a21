"""The locker index sync against the sandbox over HTTP: what it copies, when it stops early, and
what it does when 7digital, the worker or the customer get in the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from locker.library import sync
from locker.library.models import IndexedRelease, IndexedTrack, SyncState
from locker.models import SevenDigitalLink
from locker.sevendigital import client as sevendigital
from locker.sevendigital.types import AccessToken
from tests.helpers import link_to_sandbox

DEMO = "demo@sandbox.test"


def locker_calls(sandbox) -> int:
    return len(sandbox.log("/1.2/user/locker"))


def everything_from_7digital(sandbox, email: str) -> dict[int, set[int]]:
    token = AccessToken(*sandbox.token_for(email))
    releases: dict[int, set[int]] = {}
    page = 1
    while True:
        answer = sevendigital.get_locker(token, page=page, page_size=50)
        for item in answer.releases:
            releases[item.release.id] = {t.track.id for t in item.tracks}
        if page * 50 >= answer.total_items:
            return releases
        page += 1


def indexed(user) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for track in IndexedTrack.objects.filter(user=user).select_related("release"):
        out.setdefault(track.release.release_id, set()).add(track.track_id)
    for release in IndexedRelease.objects.filter(user=user):
        out.setdefault(release.release_id, set())
    return out


@pytest.fixture
def demo_customer(customer, sandboxed):
    link_to_sandbox(customer, sandboxed, DEMO)
    return customer


def test_linking_queues_a_full_sync_and_the_first_sync_copies_the_whole_locker(demo_customer, sandboxed):
    from django_tasks_db.models import DBTaskResult

    state = SyncState.objects.get(user=demo_customer)
    assert state.status == SyncState.Status.PENDING and not state.indexed
    queued = DBTaskResult.objects.filter(task_path="locker.library.tasks.sync_locker")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [demo_customer.pk]

    sandboxed.clear_log()
    assert sync.run(demo_customer.pk, full=True) == "synced"
    calls = locker_calls(sandboxed)
    expected = everything_from_7digital(sandboxed, DEMO)
    state.refresh_from_db()
    pages = -(-len(expected) // 50)
    assert pages > 1 and calls == pages  # pages of 50, one call each
    assert state.status == SyncState.Status.READY and state.indexed and state.generation == 1
    assert (state.pages_done, state.pages_total) == (pages, pages)
    assert state.lease_owner == "" and state.lease_until is None
    assert indexed(demo_customer) == expected
    # Newest purchases first.
    order = list(IndexedRelease.objects.filter(user=demo_customer).order_by("upstream_position"))
    dates = [r.purchase_date for r in order]
    assert dates == sorted(dates, reverse=True)


def test_a_refresh_with_nothing_new_stops_after_the_newest_page(demo_customer, sandboxed):
    sync.run(demo_customer.pk, full=True)
    sandboxed.clear_log()
    assert sync.run(demo_customer.pk) == "unchanged"
    assert locker_calls(sandboxed) == 1
    assert SyncState.objects.get(user=demo_customer).generation == 1  # nothing new to show


def test_a_changed_count_on_the_newest_page_is_picked_up(demo_customer, sandboxed):
    sync.run(demo_customer.pk, full=True)
    newest = IndexedRelease.objects.filter(user=demo_customer).order_by("upstream_position").first()
    track = newest.tracks.exclude(remaining_downloads=None).exclude(remaining_downloads=0).first()
    account = sandboxed.store.account_by_email(DEMO)
    assert sandboxed.store.use_download(account.id, newest.release_id, track.track_id)

    assert sync.run(demo_customer.pk) == "synced"
    track = IndexedTrack.objects.get(
        user=demo_customer, release__release_id=newest.release_id, track_id=track.track_id
    )
    assert track.remaining_downloads == sandboxed.remaining(DEMO, newest.release_id, track.track_id)
    assert SyncState.objects.get(user=demo_customer).generation == 2


def test_a_vanished_release_and_a_vanished_track_are_dropped(demo_customer, sandboxed):
    sync.run(demo_customer.pk, full=True)
    releases = list(IndexedRelease.objects.filter(user=demo_customer).order_by("upstream_position"))
    refunded = releases[-1]  # the oldest: the cheap check alone could not see it
    several = next(r for r in releases if r.tracks.count() > 1)
    removed_track = several.tracks.last()
    account = sandboxed.store.account_by_email(DEMO)
    sandboxed.store.remove_purchase(account.id, refunded.release_id)
    sandboxed.store.remove_purchase(account.id, several.release_id, removed_track.track_id)

    assert sync.run(demo_customer.pk, full=True) == "synced"
    now_indexed = indexed(demo_customer)
    assert refunded.release_id not in now_indexed
    assert removed_track.track_id not in now_indexed[several.release_id]
    assert now_indexed == everything_from_7digital(sandboxed, DEMO)


def test_a_changed_release_count_makes_a_refresh_read_everything(demo_customer, sandboxed):
    sync.run(demo_customer.pk, full=True)
    oldest = IndexedRelease.objects.filter(user=demo_customer).order_by("-upstream_position").first()
    account = sandboxed.store.account_by_email(DEMO)
    sandboxed.store.remove_purchase(account.id, oldest.release_id)
    sandboxed.clear_log()
    assert sync.run(demo_customer.pk) == "synced"
    assert locker_calls(sandboxed) > 1
    assert not IndexedRelease.objects.filter(user=demo_customer, release_id=oldest.release_id).exists()


def test_a_401_mid_sync_marks_the_link_for_relinking_and_keeps_the_old_index(demo_customer, sandboxed):
    sync.run(demo_customer.pk, full=True)
    before = indexed(demo_customer)
    account = sandboxed.store.account_by_email(DEMO)
    sandboxed.store.remove_purchase(account.id, next(iter(before)))  # so the refresh reads on
    real_fetch = sync._fetch

    def revoke_after_first_page(token, page):
        if page == 2:
            sandboxed.revoke(DEMO)
        return real_fetch(token, page)

    sync._fetch = revoke_after_first_page
    try:
        assert sync.run(demo_customer.pk) == "relink"
    finally:
        sync._fetch = real_fetch
    link = SevenDigitalLink.objects.get(user=demo_customer)
    state = SyncState.objects.get(user=demo_customer)
    assert link.needs_relink
    assert state.status == SyncState.Status.FAILED and state.lease_owner == ""
    assert indexed(demo_customer) == before  # nothing half-done became visible
    sandboxed.clear_log()
    assert sync.run(demo_customer.pk) == "relink"  # and it stops asking 7digital
    assert locker_calls(sandboxed) == 0


def test_a_killed_worker_leaves_a_lease_that_expires_and_the_next_sync_restarts(demo_customer, sandboxed):
    # A worker took the lease and died: its lease is still held, nobody else may sync...
    stale_start = timezone.now() - timedelta(seconds=sync.LEASE_SECONDS + 1)
    assert sync._acquire(demo_customer.pk, "dead-worker", timezone.now())
    assert sync.run(demo_customer.pk, full=True) == "busy"
    assert not sync.request_sync(demo_customer.pk, force=True)
    # ...until it expires; then a page visit queues a new sync, which runs from the start.
    SyncState.objects.filter(user=demo_customer).update(lease_until=stale_start)
    state = SyncState.objects.get(user=demo_customer)
    assert not sync.busy(state) and sync.stale(state)
    assert sync.request_sync(demo_customer.pk)
    assert sync.run(demo_customer.pk, full=True) == "synced"
    assert indexed(demo_customer) == everything_from_7digital(sandboxed, DEMO)


def test_a_double_enqueue_queues_once_and_a_second_worker_does_not_sync(demo_customer, sandboxed):
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="locker.library.tasks.sync_locker")
    assert queued.count() == 1  # on link
    assert not sync.request_sync(demo_customer.pk, force=True)  # already queued
    assert queued.count() == 1
    # Two tasks for one customer anyway (say, two workers and an old duplicate): while one holds
    # the lease the other does nothing at all.
    assert sync._acquire(demo_customer.pk, "first-worker", timezone.now())
    sandboxed.clear_log()
    assert sync.run(demo_customer.pk, full=True) == "busy"
    assert locker_calls(sandboxed) == 0
    # The first worker loses its lease (expired, taken over): its commit is refused.
    SyncState.objects.filter(user=demo_customer).update(lease_owner="someone-else")
    with pytest.raises(sync.Abandoned):
        sync._progress(demo_customer.pk, "first-worker", 1, 2)


def test_unlinking_mid_sync_deletes_the_index_and_the_sync_does_not_bring_it_back(demo_customer, sandboxed):
    from locker import linking

    sync.run(demo_customer.pk, full=True)
    account = sandboxed.store.account_by_email(DEMO)
    sandboxed.store.remove_purchase(
        account.id, IndexedRelease.objects.filter(user=demo_customer).first().release_id
    )
    real_fetch = sync._fetch

    def unlink_during_page_two(token, page):
        answer = real_fetch(token, page)
        if page == 2:
            linking.unlink(demo_customer)
        return answer

    sync._fetch = unlink_during_page_two
    try:
        assert sync.run(demo_customer.pk) == "abandoned"
    finally:
        sync._fetch = real_fetch
    assert not IndexedRelease.objects.filter(user=demo_customer).exists()
    assert not IndexedTrack.objects.filter(user=demo_customer).exists()
    assert not SyncState.objects.filter(user=demo_customer).exists()


def test_unlinking_just_before_the_commit_voids_it(demo_customer, sandboxed, monkeypatch):
    from locker import linking

    real_commit = sync._commit

    def unlink_then_commit(*args, **kwargs):
        linking.unlink(demo_customer)
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(sync, "_commit", unlink_then_commit)
    assert sync.run(demo_customer.pk, full=True) == "abandoned"
    assert not IndexedRelease.objects.filter(user=demo_customer).exists()


def test_upstream_errors_are_retried_later_with_backoff(demo_customer, sandboxed, settings):
    from django_tasks_db.models import DBTaskResult

    settings.SEVENDIGITAL_BREAKER_FAILURES = 0
    sandboxed.set_faults(mode="error500", paths=["/1.2/user/locker"])
    before = timezone.now()
    assert sync.run(demo_customer.pk, full=True) == "retrying"
    state = SyncState.objects.get(user=demo_customer)
    assert state.status == SyncState.Status.PENDING and state.attempts == 1 and state.lease_owner == ""
    retry = (
        DBTaskResult.objects.filter(task_path="locker.library.tasks.sync_locker")
        .order_by("-enqueued_at")
        .first()
    )
    assert retry.args_kwargs["kwargs"]["attempt"] == 1
    assert retry.run_after >= before + timedelta(seconds=sync.RETRY_BASE_SECONDS)
    # The last attempt gives up until a later visit asks again.
    assert sync.run(demo_customer.pk, full=True, attempt=sync.MAX_ATTEMPTS - 1) == "failed"
    assert SyncState.objects.get(user=demo_customer).status == SyncState.Status.FAILED
    sandboxed.clear_faults()


def test_an_open_circuit_breaker_holds_the_sync_back_for_at_least_its_pause(
    demo_customer, sandboxed, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.SEVENDIGITAL_BREAKER_FAILURES = 1
    settings.SEVENDIGITAL_BREAKER_SECONDS = 30
    sandboxed.set_faults(mode="error500", paths=["/1.2/user/locker"])
    before = timezone.now()
    assert sync.run(demo_customer.pk, full=True) == "retrying"  # this failure opens the breaker
    sandboxed.clear_faults()
    sandboxed.clear_log()
    SyncState.objects.filter(user=demo_customer).update(status=SyncState.Status.READY)
    assert sync.run(demo_customer.pk, full=True, attempt=1) == "retrying"
    assert locker_calls(sandboxed) == 0  # the open breaker: no call at all
    retry = (
        DBTaskResult.objects.filter(task_path="locker.library.tasks.sync_locker")
        .order_by("-enqueued_at")
        .first()
    )
    assert retry.run_after >= before + timedelta(seconds=30)
