"""Hostile claims in a correctly signed widget token: refused for a reason, never a 500, never logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locker.widget import auth
from locker.widget.tokens import InvalidWidgetToken, WidgetClaims, b64url, verify
from tests.widget.test_tokens import resign

pytestmark = pytest.mark.django_db

NOT_DATES = [float("nan"), float("inf"), float("-inf"), 1e400, 10**30, -1, True, "1700000000", None, [1]]


@pytest.mark.parametrize("claim", ["iat", "exp", "nbf"])
@pytest.mark.parametrize("value", NOT_DATES, ids=repr)
def test_a_claim_that_is_no_date_is_refused(partner, mint, claim, value):
    token = resign(mint(), partner.secret, claims={claim: value})
    with pytest.raises(InvalidWidgetToken) as info:
        verify(token)
    assert info.value.reason == f"missing-{claim}"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e300], ids=repr)
def test_the_widget_page_refuses_it_without_a_500_or_logging_the_token(
    client, partner, mint, customer, caplog, value
):
    token = resign(mint(customer.email), partner.secret, claims={"exp": value, "iat": value})
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"/widget/locker/?token={token}")
    assert response.status_code == 401
    assert token not in caplog.text
    assert token.split(".")[2] not in caplog.text


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


class FromNow(int):
    """Seconds from the moment the example runs (the suite may run long after collection)."""


def from_now(low: int, high: int) -> st.SearchStrategy[FromNow]:
    return st.integers(low, high).map(FromNow)


plausible = {
    "iat": from_now(-700, 700) | json_values,
    "exp": from_now(-700, 1400) | json_values,
    "nbf": from_now(-700, 700) | json_values,
    "aud": st.sampled_from(["locker-widget", ["x", "locker-widget"], "other"]) | json_values,
    "iss": st.sampled_from(["record-shop", "other-shop"]) | json_values,
    "sub": st.sampled_from(["ada@example.com", " ", "x" * 300]) | json_values,
    "jti": st.sampled_from(["abcdefgh1234", "short", "has spaces ok"]) | json_values,
}
claims_strategy = st.fixed_dictionaries({}, optional=plausible)


def signed(secret: str, header: dict, claims: dict) -> str:
    """A token of exactly these claims (NaN and Infinity written as Python's json writes them)."""
    head = {"alg": "HS256", "typ": "JWT", "kid": "record-shop"} | header
    signing_input = f"{b64url(json.dumps(head).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    claims=claims_strategy,
    header=st.dictionaries(st.sampled_from(["typ", "cty", "x5u", "jku"]), json_values),
)
def test_any_signed_claims_are_accepted_or_refused_never_an_error(partner, customer, claims, header):
    now = int(time.time())
    claims = {k: now + int(v) if isinstance(v, FromNow) else v for k, v in claims.items()}
    base = {"iss": partner.slug, "aud": "locker-widget", "sub": customer.email, "jti": "abcdefgh1234"}
    token = signed(partner.secret, header, base | {"iat": now, "exp": now + 300} | claims)
    try:
        result = verify(token)
    except InvalidWidgetToken as refusal:
        assert refusal.reason
        return
    assert isinstance(result, WidgetClaims)
    assert result.expires_at - now <= 600 + 700
    try:  # and the session it opens can be created
        session, _ = auth.exchange({"token": token})
    except InvalidWidgetToken:
        return
    session.delete()
