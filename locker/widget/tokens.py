"""Widget tokens: compact JWS (JWT) signed with HS256 and the partner's secret, verified by PyJWT.

A partner's server mints one for each page view (any JWT library works, see docs/widget.md):

    header   {"alg": "HS256", "typ": "JWT", "kid": "<partner id>"}
    claims   {"iss": "<partner id>", "aud": WIDGET_TOKEN_AUDIENCE, "sub": "<customer's email at Locker>",
              "iat": <now>, "exp": <now + at most WIDGET_TOKEN_MAX_AGE>, "jti": "<unique, 8-128 chars>"}

Verification is strict: only HS256 (never "none" or a public-key algorithm), the signature checked
(in constant time, by PyJWT) before any claim is trusted, `iss` equal to `kid`, the audience ours,
the lifetime short, finite NumericDates, and `jti` present so the token can be used once (enforced
by WidgetSession.token_id).
"""

from __future__ import annotations

import base64
import math
import re
import secrets
import time
from dataclasses import dataclass

import jwt

from locker.widget import conf
from locker.widget.models import Partner, PartnerSecretError

ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 4096
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "jti")
LAST_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z: later (or NaN, Infinity) is no date
_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
_JTI = re.compile(r"^[\x21-\x7e]{8,128}$")  # printable ASCII, no spaces
# PyJWT's refusals, by class (subclasses before their bases), as our stable reasons.
_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.InvalidSignatureError, "bad-signature"),
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.InvalidAudienceError, "wrong-audience"),
    (jwt.InvalidIssuerError, "wrong-partner"),
    (jwt.InvalidIssuedAtError, "missing-iat"),
    (jwt.InvalidAlgorithmError, "unsupported-algorithm"),
)


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
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers=header)


def claimed_partner(token: str) -> Partner | None:
    """The active partner named in the *unverified* header: only used to let that partner's origins
    frame the error page, so the partner's page can show why the widget did not open."""
    try:
        kid = _unverified_header(token).get("kid")
    except InvalidWidgetToken:
        return None
    if not isinstance(kid, str) or not kid:
        return None
    return Partner.objects.filter(slug=kid[:50], is_active=True).first()


def _unverified_header(token: str) -> dict:
    """The header of a well-formed compact JWS, else InvalidWidgetToken."""
    parts = token.split(".") if isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_LENGTH else []
    if len(parts) != 3 or not all(_SEGMENT.match(part) for part in parts):
        raise InvalidWidgetToken("malformed")
    try:
        return jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise InvalidWidgetToken("malformed") from None
    except jwt.InvalidTokenError:  # a `crit` extension PyJWT does not implement
        raise InvalidWidgetToken("unsupported-algorithm") from None


def verify(token: str) -> WidgetClaims:
    """Check a token completely; return its claims or raise InvalidWidgetToken."""
    header = _unverified_header(token)
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
    try:
        claims = _JWT.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=conf.audience(),
            issuer=kid,
            leeway=conf.LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS), "verify_sub": False, "verify_jti": False},
        )
    except jwt.InvalidTokenError as refusal:
        # PyJWT checks the signature first: any later refusal is about the partner's own claims.
        signed = not isinstance(refusal, jwt.InvalidSignatureError | jwt.InvalidAlgorithmError)
        raise InvalidWidgetToken(_reason(refusal), partner if signed else None) from None

    # From here on the claims are the partner's own words.
    issued_at, expires_at = float(claims["iat"]), float(claims["exp"])
    if expires_at - issued_at > conf.token_max_age():
        raise InvalidWidgetToken("lifetime-too-long", partner)
    subject, jti = claims.get("sub"), claims.get("jti")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 254:
        raise InvalidWidgetToken("missing-subject", partner)
    if not isinstance(jti, str) or not _JTI.match(jti):
        raise InvalidWidgetToken("missing-jti", partner)
    return WidgetClaims(partner, subject.strip(), f"{partner.slug}:{jti}", expires_at)


def _reason(refusal: jwt.InvalidTokenError) -> str:
    if isinstance(refusal, BadNumericDate):
        return f"missing-{refusal.claim}"
    if isinstance(refusal, jwt.MissingRequiredClaimError):
        return {"iss": "wrong-partner", "aud": "wrong-audience"}.get(
            refusal.claim, f"missing-{refusal.claim}"
        )
    if isinstance(refusal, jwt.ImmatureSignatureError):  # iat or nbf ahead of our clock
        return "issued-in-the-future" if "(iat)" in str(refusal) else "not-yet-valid"
    return next((reason for kind, reason in _REASONS if isinstance(refusal, kind)), "malformed")


class BadNumericDate(jwt.DecodeError):
    def __init__(self, claim: str) -> None:
        super().__init__(f"{claim} is not a NumericDate")
        self.claim = claim


class _StrictJWT(jwt.PyJWT):
    """PyJWT, refusing NumericDates it would coerce with int(): booleans, strings, NaN, Infinity,
    and numbers beyond what a datetime holds. PyJWT calls this once the signature is verified and
    before it validates the claims."""

    def _decode_payload(self, decoded: dict) -> dict:
        payload = super()._decode_payload(decoded)
        for name in ("iat", "exp", "nbf"):
            if name in payload and not _is_numeric_date(payload[name]):
                raise BadNumericDate(name)
        return payload


def _is_numeric_date(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and 0 <= value <= LAST_NUMERIC_DATE


_JWT = _StrictJWT()
