"""Every route of the URLconf with random path values, query strings and form fields, for an
anonymous visitor and a signed-in, linked customer: bad input never gets a 5xx.

The sandbox answers the 7digital calls over HTTP; the examples per run are bounded (Hypothesis
keeps the failures it finds in its database and tries them first next time);
`ROUTE_FUZZ_EXAMPLES=5000` hunts longer.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locker.models import SevenDigitalLink
from locker.widget import auth
from tests.conftest import link_to_sandbox

EXAMPLES = int(os.environ.get("ROUTE_FUZZ_EXAMPLES", "250"))  # more for a longer hunt
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
numbers = st.integers(min_value=-(10**25), max_value=10**25).map(str)
values = (
    st.sampled_from(["0", "1", "-1", "2", "50", "51", "9" * 20, "1e9", "NaN", "", " ", "%", "\x00"])
    | numbers
    | text
    | st.sampled_from(["purchaseDate desc", "artistName asc", "releaseTitle+asc", "x y z"])
    | st.sampled_from(["downloadable", "exhausted", "single", "17", "https://evil.example/", "//evil"])
)
# Parameter names the views read, and some they don't.
names = (
    st.sampled_from(
        [
            "page",
            "pageSize",
            "sort",
            "q",
            "state",
            "type",
            "format",
            "artist",
            "hidden",
            "next",
            "token",
            "preview",
            "layout",
            "theme",
            "accent",
            "bg",
            "width",
            "process",
            "release",
            "track",
            "widget_session",
            "action",
            "key",
            "email",
            "password",
            "login",
            "o",
            "p",
        ]
    )
    | text
)
pairs = st.lists(st.tuples(names, values), max_size=6)

CONVERTER_VALUES = {
    "int": st.integers(min_value=0, max_value=10**30).map(str),
    "slug": st.from_regex(r"[-a-zA-Z0-9_]{1,20}", fullmatch=True),
    "path": st.text(min_size=1, max_size=30).filter(lambda s: s.strip("/")),
    "str": st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s),
}


def _leaves(patterns, prefix=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _leaves(pattern.url_patterns, (*prefix, pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern.pattern)


def _part(pattern) -> st.SearchStrategy[str]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        pieces: list[st.SearchStrategy[str]] = []
        last = 0
        for match in _PARAM.finditer(route):
            pieces.append(st.just(route[last : match.start()]))
            pieces.append(CONVERTER_VALUES.get(match["converter"] or "str", CONVERTER_VALUES["str"]))
            last = match.end()
        pieces.append(st.just(route[last:]))
        return st.tuples(*pieces).map("".join)
    assert isinstance(pattern, RegexPattern)
    return st.from_regex(pattern.regex, fullmatch=True).map(lambda s: s.replace("\n", ""))


def _route(parts) -> st.SearchStrategy[str]:
    return st.tuples(*(_part(p) for p in parts)).map(lambda ps: "/" + quote("".join(ps), safe="/"))


ROUTES = st.sampled_from(list(_leaves(get_resolver().url_patterns))).flatmap(_route)
REQUESTS = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST"]),
        "path": ROUTES,
        "query": pairs,
        "form": pairs,
        "htmx": st.booleans(),
        "widget_session": st.none() | text,
    }
)


def _send(client, request: dict):
    query = urlencode(request["query"])
    url = request["path"] + (f"?{query}" if query else "")
    headers = {"HX-Request": "true"} if request["htmx"] else {}
    if request["widget_session"] is not None:
        headers["X-Widget-Session"] = request["widget_session"]
    if request["method"] == "GET":
        return client.get(url, headers=headers)
    body = urlencode(request["form"])
    return client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers)


def _check(response, request: dict) -> None:
    assert response.status_code < 500, f"{response.status_code} for {request}"


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db(transaction=False)
@FUZZ
@given(request=REQUESTS)
def test_no_route_answers_an_anonymous_visitor_with_a_5xx(client, sandboxed, request):
    client.logout()
    _check(_send(client, request), request)


@pytest.mark.django_db(transaction=False)
@FUZZ
@given(request=REQUESTS)
def test_no_route_answers_a_signed_in_customer_with_a_5xx(client, linked_customer, sandboxed, request):
    if not SevenDigitalLink.objects.filter(user=linked_customer).exists():  # a fuzzed unlink
        link_to_sandbox(linked_customer, sandboxed, "small@sandbox.test")
    client.force_login(linked_customer)  # also after a fuzzed sign-out
    _check(_send(client, request), request)


@pytest.mark.parametrize("prefix", ["/locker/track", "/widget/track"])
@pytest.mark.parametrize("ids", ["0/0", "0/1", "1/0", "99999999999999999999999/1"])
def test_track_ids_outside_the_range_are_not_found(customer_client, linked_customer, sandboxed, prefix, ids):
    headers = {}
    if prefix == "/widget/track":
        _, key = auth.exchange({"preview": auth.preview_token(linked_customer)})
        headers["X-Widget-Session"] = key
    response = customer_client.get(f"{prefix}/{ids}/", headers=headers)
    assert response.status_code == 404
