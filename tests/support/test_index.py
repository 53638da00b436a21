"""The support Locker view reads the customer's locker index once synced; Refresh queues a sync."""

from __future__ import annotations

from http import HTTPStatus

from locker.library import sync
from locker.library.models import SyncState
from tests.support.helpers import action_url, locker_url


def upstream_calls(sandbox) -> int:
    return len(sandbox.log("/1.2/user/locker"))


def test_the_support_view_reads_the_index_without_calling_7digital(
    support_client, linked_customer, sandboxed
):
    assert sync.run(linked_customer.pk, full=True) == "synced"
    sandboxed.clear_log()
    html = support_client.get(locker_url(linked_customer)).content.decode()
    assert html.count("<article") == 4 and "This page comes from the index" in html
    assert upstream_calls(sandboxed) == 0


def test_refresh_queues_a_full_sync_of_the_index(support_client, linked_customer, sandboxed):
    from django_tasks_db.models import DBTaskResult

    assert sync.run(linked_customer.pk, full=True) == "synced"
    queued = DBTaskResult.objects.filter(task_path="locker.library.tasks.sync_locker")
    before = queued.count()
    response = support_client.post(action_url(linked_customer, "refresh"))
    assert response.status_code == HTTPStatus.FOUND
    assert queued.count() == before + 1
    assert queued.order_by("-enqueued_at").first().args_kwargs["kwargs"] == {"full": True}
    assert SyncState.objects.get(user=linked_customer).status == SyncState.Status.PENDING
