"""Widget tokens: compact JWS (JWT) signed with HS256 and the partner's secret.

A partner's server mints one for each page view (any JWT library works, see docs/widget.md):

    header   {"alg": "HS256", "typ": "JWT", "kid": "<partner id>"}
    claims   {"iss": "<partner id>", "aud": WIDGET_TOKEN_AUDIENCE, "sub": "<customer's email at Locker>",
              "iat": <now>, "exp": <now + at most WIDGET_TOKEN_MAX_AGE>, "jti": "<unique, 8-128 chars>"}

Verification is strict: only HS256 (never "none" or a public-key algorithm), the signature compared
in constant time before any claim is trusted, `iss` equal to `kid`, the audience ours, the lifetime
short, and `jti` present so the token can be used once (enforced by WidgetSession.token_id).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

from locker.widget import conf
from locker.widget.models import Partner, PartnerSecretError

ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 4096
_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
_JTI = re.compile(r"^[\x21-\x7e]{8,128}$")  # printable ASCII, no spaces


class InvalidWidgetToken(Exception):
    """The token was refused. `reason` is a stable code for logs and tests, never shown raw."""

    def __init__(self, reason: str, partner: Partner | None = None):
        super().__init__(reason)
        self.reason = reason
        self.partner = partner  # set once the signature is valid


@dataclass(frozen=True, slots=True)
class WidgetClaims:
    partner: Partner
    subject: str  # the customer's email address at Locker
    token_id: str  # "<partner id>:<jti>"
    expires_at: float


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(segment: str) -> bytes:
    if not _SEGMENT.match(segment):
        raise InvalidWidgetToken("malformed")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InvalidWidgetToken("malformed") from None


def _json_object(segment: str) -> dict:
    try:
        value = json.loads(_unb64url(segment))
    except (UnicodeDecodeError, ValueError):
        raise InvalidWidgetToken("malformed") from None
    if not isinstance(value, dict):
        raise InvalidWidgetToken("malformed")
    return value


def sign(signing_input: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, signing_input, hashlib.sha256).digest()


def mint(
    partner_id: str,
    secret: str | bytes,
    *,
    subject: str,
    audience: str | None = None,
    lifetime: int = 300,
    now: float | None = None,
    jti: str | None = None,
    extra_header: dict | None = None,
    extra_claims: dict | None = None,
) -> str:
    """Mint a widget token: what a partner's backend does (also used by tests and `widget_token`)."""
    issued = int(time.time() if now is None else now)
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": partner_id, **(extra_header or {})}
    claims = {
        "iss": partner_id,
        "aud": audience if audience is not None else conf.audience(),
        "sub": subject,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": jti or secrets.token_urlsafe(16),
        **(extra_claims or {}),
    }
    key = secret.encode() if isinstance(secret, str) else secret
    signing_input = ".".join(b64url(json.dumps(p, separators=(",", ":")).encode()) for p in (header, claims))
    return f"{signing_input}.{b64url(sign(signing_input.encode('ascii'), key))}"


def claimed_partner(token: str) -> Partner | None:
    """The active partner named in the *unverified* header: only used to let that partner's origins
    frame the error page, so the partner's page can show why the widget did not open."""
    try:
        header = _json_object(token.split(".", 1)[0]) if 0 < len(token) <= MAX_TOKEN_LENGTH else {}
    except InvalidWidgetToken:
        return None
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return None
    return Partner.objects.filter(slug=kid[:50], is_active=True).first()


def verify(token: str, *, now: float | None = None) -> WidgetClaims:
    """Check a token completely; return its claims or raise InvalidWidgetToken."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise InvalidWidgetToken("malformed")
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = _json_object(header_b64)
    if header.get("alg") != ALGORITHM or header.get("crit") is not None:
        raise InvalidWidgetToken("unsupported-algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidWidgetToken("missing-kid")
    partner = Partner.objects.filter(slug=kid[:50]).first() if len(kid) <= 50 else None
    if partner is None or not partner.is_active:
        raise InvalidWidgetToken("unknown-partner")
    try:
        secret = partner.get_secret()
    except PartnerSecretError:
        raise InvalidWidgetToken("partner-secret-unreadable") from None
    expected = sign(f"{header_b64}.{claims_b64}".encode("ascii"), secret)
    if not hmac.compare_digest(expected, _unb64url(signature_b64)):
        raise InvalidWidgetToken("bad-signature")

    # From here on the claims are the partner's own words.
    claims = _json_object(claims_b64)
    if claims.get("iss") != kid:
        raise InvalidWidgetToken("wrong-partner", partner)
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if conf.audience() not in audiences:
        raise InvalidWidgetToken("wrong-audience", partner)
    current = time.time() if now is None else now
    issued_at, expires_at = _number(claims, "iat", partner), _number(claims, "exp", partner)
    if current >= expires_at + conf.LEEWAY_SECONDS:
        raise InvalidWidgetToken("expired", partner)
    if issued_at > current + conf.LEEWAY_SECONDS:
        raise InvalidWidgetToken("issued-in-the-future", partner)
    if "nbf" in claims and _number(claims, "nbf", partner) > current + conf.LEEWAY_SECONDS:
        raise InvalidWidgetToken("not-yet-valid", partner)
    if expires_at - issued_at > conf.token_max_age():
        raise InvalidWidgetToken("lifetime-too-long", partner)
    subject, jti = claims.get("sub"), claims.get("jti")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 254:
        raise InvalidWidgetToken("missing-subject", partner)
    if not isinstance(jti, str) or not _JTI.match(jti):
        raise InvalidWidgetToken("missing-jti", partner)
    return WidgetClaims(partner, subject.strip(), f"{partner.slug}:{jti}", expires_at)


def _number(claims: dict, name: str, partner: Partner) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidWidgetToken(f"missing-{name}", partner)
    return float(value)
