"""The widget reads the customer's locker index once synced: no call to 7digital."""

from __future__ import annotations

from http import HTTPStatus

from locker.library import sync


def test_the_widget_reads_the_index(linked_customer, open_widget, sandboxed):
    assert sync.run(linked_customer.pk, full=True) == "synced"
    sandboxed.clear_log()
    response, key = open_widget(linked_customer.email)
    assert response.status_code == HTTPStatus.OK and key
    assert response.content.decode().count('<li class="track state-') >= 4
    assert len(sandboxed.log("/1.2/user/locker")) == 0
