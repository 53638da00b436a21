"""The live server the browser tests drive: parallel requests on SQLite's shared in-memory test
database, and no request of one test still running when the next begins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.helpers import PASSWORD
from tests.live_server import InFlight


def test_parallel_requests_all_succeed(live_server, linked_customer, client):
    client.login(username=linked_customer.username, password=PASSWORD)
    cookies = {"sessionid": client.cookies["sessionid"].value}

    def fetch(path: str) -> int:
        return requests.get(live_server.url + path, cookies=cookies, timeout=30).status_code

    paths = ["/locker/", "/locker/history/", "/widget/", "/locker/account/"] * 10
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(fetch, paths))
    assert statuses == [200] * len(paths)


def test_a_request_still_being_answered_is_waited_for():

    release = threading.Event()

    def slow_app(environ, start_response):
        release.wait(5)
        return [b"done"]

    app = InFlight(slow_app, one_at_a_time=True)
    answering = threading.Thread(target=lambda: app({}, None).close())
    answering.start()
    assert not app.wait_idle(0.2)  # the request is still being answered
    release.set()
    assert app.wait_idle(5)
    answering.join()
