"""Widget token verification: every way a token can be wrong is refused, for the right reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from unittest import mock

import jwt
import pytest

from locker.widget import auth, tokens
from locker.widget.tokens import InvalidWidgetToken, b64url, verify
from tests.widget.helpers import make_partner

pytestmark = pytest.mark.django_db


def refused(token: str, **kwargs) -> str:
    with pytest.raises(InvalidWidgetToken) as info:
        verify(token, **kwargs)
    return info.value.reason


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def resign(token: str, secret: str, *, header: dict | None = None, claims: dict | None = None) -> str:
    """Re-encode a token with changed parts and a valid signature under `secret`."""
    h, c, _ = token.split(".")
    head = json.loads(unb64url(h)) | (header or {})
    body = json.loads(unb64url(c)) | (claims or {})
    signing_input = f"{b64url(json.dumps(head).encode())}.{b64url(json.dumps(body).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def test_it_accepts_a_good_token(partner, mint):
    claims = verify(mint("Ada@Example.com"))
    assert claims.partner == partner
    assert claims.subject == "Ada@Example.com"
    assert claims.token_id.startswith("record-shop:")


def test_it_accepts_a_token_minted_with_pyjwt(partner):
    now = int(time.time())
    token = jwt.encode(
        {
            "iss": partner.slug,
            "aud": "locker-widget",
            "sub": "ada@example.com",
            "iat": now,
            "exp": now + 300,
            "jti": "abcdefgh1234",
        },
        partner.secret,
        algorithm="HS256",
        headers={"kid": partner.slug},
    )
    assert verify(token).token_id == "record-shop:abcdefgh1234"


def test_it_accepts_a_token_minted_with_the_standard_library_as_documented(partner):
    import base64
    import hashlib
    import hmac
    import secrets

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT", "kid": partner.slug}
    claims = {
        "iss": partner.slug,
        "aud": "locker-widget",
        "sub": "ada@example.com",
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_urlsafe(16),
    }
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    signature = hmac.new(partner.secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    assert verify(signing_input + "." + b64(signature)).subject == "ada@example.com"


def test_it_accepts_a_list_audience_containing_ours(mint):
    assert verify(mint(extra_claims={"aud": ["other-service", "locker-widget"]}))


def test_it_refuses_an_expired_token(mint):
    token = mint(now=time.time() - 400, lifetime=300)
    assert refused(token) == "expired"


def test_it_tolerates_small_clock_skew(mint):
    token = mint(now=time.time() - 310, lifetime=300)  # expired 10 s ago, inside the 30 s leeway
    assert verify(token)


def test_it_refuses_a_wrong_audience(mint, settings):
    assert refused(mint(audience="another-locker")) == "wrong-audience"
    settings.WIDGET_TOKEN_AUDIENCE = "https://locker.example"
    assert refused(mint(audience="locker-widget")) == "wrong-audience"


def test_it_refuses_a_tampered_payload(mint):
    header, claims, signature = mint().split(".")
    data = json.loads(unb64url(claims))
    data["sub"] = "someone-else@example.com"
    forged = f"{header}.{b64url(json.dumps(data).encode())}.{signature}"
    assert refused(forged) == "bad-signature"


def test_it_refuses_a_tampered_signature(mint):
    header, claims, signature = mint().split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert refused(f"{header}.{claims}.{flipped}") == "bad-signature"
    assert refused(f"{header}.{claims}.") == "malformed"


def test_it_refuses_a_token_signed_with_another_partners_secret(partner):
    other = make_partner("other-shop", "https://other.example")
    # Claims to be record-shop, signed with other-shop's secret.
    token = tokens.mint(partner.slug, other.secret, subject="ada@example.com")
    assert refused(token) == "bad-signature"


def test_it_refuses_a_token_whose_issuer_is_another_partner(partner, mint):
    make_partner("other-shop", "https://other.example")
    # Correctly signed by record-shop, but the claims say other-shop issued it.
    token = resign(mint(), partner.secret, claims={"iss": "other-shop"})
    assert refused(token) == "wrong-partner"


def test_it_refuses_an_unknown_or_inactive_partner(partner):
    assert refused(tokens.mint("nobody", "whatever", subject="ada@example.com")) == "unknown-partner"
    partner.is_active = False
    partner.save()
    assert refused(tokens.mint(partner.slug, partner.secret, subject="ada@example.com")) == "unknown-partner"


@pytest.mark.parametrize("alg", ["none", "HS512", "RS256", "hs256", None])
def test_it_refuses_other_algorithms(partner, mint, alg):
    token = resign(mint(), partner.secret, header={"alg": alg})
    assert refused(token) == "unsupported-algorithm"
    header, claims, _ = token.split(".")
    assert refused(f"{header}.{claims}.") in {"unsupported-algorithm", "malformed"}


def test_it_refuses_critical_header_extensions(partner, mint):
    assert refused(resign(mint(), partner.secret, header={"crit": ["exp"]})) == "unsupported-algorithm"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"jti": None}, "missing-jti"),
        ({"jti": "short"}, "missing-jti"),
        ({"jti": "has spaces in it"}, "missing-jti"),
        ({"sub": ""}, "missing-subject"),
        ({"sub": 42}, "missing-subject"),
        ({"exp": "tomorrow"}, "missing-exp"),
        ({"exp": True}, "missing-exp"),
        ({"iat": None}, "missing-iat"),
    ],
)
def test_it_refuses_missing_or_bad_claims(partner, mint, claims, reason):
    assert refused(resign(mint(), partner.secret, claims=claims)) == reason


def test_it_refuses_long_lived_or_future_tokens(partner, mint):
    assert refused(mint(lifetime=3600)) == "lifetime-too-long"
    assert refused(mint(now=time.time() + 600)) == "issued-in-the-future"
    not_before = resign(mint(), partner.secret, claims={"nbf": int(time.time()) + 120})
    assert refused(not_before) == "not-yet-valid"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "!!!.???.***",
        "e30.e30.e30",
        "bm90IGpzb24.e30.e30",
        "W10.e30.e30",
        "x" * 5000,
    ],
)
def test_it_refuses_malformed_tokens(partner, token):
    assert refused(token) in {"malformed", "unsupported-algorithm"}


def test_it_compares_signatures_in_constant_time(mint):
    token = mint()
    with mock.patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        verify(token)
    compare.assert_called_once()


def test_a_token_opens_one_session_only(partner, mint, customer):
    token = mint(customer.email)
    session, key = auth.exchange({"token": token})
    assert session.user == customer and session.partner == partner and len(key) >= 40
    with pytest.raises(InvalidWidgetToken) as info:
        auth.exchange({"token": token})
    assert info.value.reason == "replayed"


def test_the_customer_must_have_that_verified_address(mint, customer, customer_factory):
    from allauth.account.models import EmailAddress

    assert auth.exchange({"token": mint("ADA@example.com")})[0].user == customer  # case-insensitive
    with pytest.raises(InvalidWidgetToken) as info:
        auth.exchange({"token": mint("nobody@example.com")})
    assert info.value.reason == "unknown-customer"
    unverified = customer_factory("grace@example.com")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    with pytest.raises(InvalidWidgetToken) as info:
        auth.exchange({"token": mint("grace@example.com")})
    assert info.value.reason == "unverified-email"


def test_only_the_hash_of_a_session_id_is_stored(mint, customer):
    from locker.widget.models import WidgetSession

    session, key = auth.exchange({"token": mint()})
    assert key not in WidgetSession.objects.values_list("key_hash", flat=True)
    assert session.key_hash == WidgetSession.hash_key(key)


def test_a_preview_token_is_single_use_and_expires(customer, settings):
    token = auth.preview_token(customer)
    session, _ = auth.exchange({"preview": token})
    assert session.user == customer and session.partner is None
    with pytest.raises(InvalidWidgetToken):
        auth.exchange({"preview": token})
    with pytest.raises(InvalidWidgetToken) as info:
        auth.exchange({"preview": token[:-2] + "xx"})
    assert info.value.reason == "bad-signature"
    settings.WIDGET_TOKEN_MAX_AGE = -1
    with pytest.raises(InvalidWidgetToken) as info:
        auth.exchange({"preview": auth.preview_token(customer)})
    assert info.value.reason == "expired"


def test_the_partner_secret_is_stored_encrypted(partner):
    assert partner.secret not in partner.secret_ciphertext
    assert partner.get_secret() == partner.secret.encode()
    assert len(partner.secret_fingerprint) == 12
