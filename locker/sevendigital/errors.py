"""One small exception family for everything that can go wrong talking to 7digital."""

from __future__ import annotations


class SevenDigitalError(Exception):
    """Base class. `message` is safe to log; it never contains tokens or signed URLs."""

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class UpstreamUnavailable(SevenDigitalError):
    """Connection refused/reset, DNS failure: 7digital could not be reached."""


class UpstreamTimeout(UpstreamUnavailable):
    """Connect or read timeout, or the call's total deadline passed."""


class UnexpectedRedirect(UpstreamUnavailable):
    """A redirect we do not follow: to another host, or on a POST."""


class MalformedResponse(SevenDigitalError):
    """The body was not the JSON/XML we expect (or was hostile XML)."""


class RateLimited(SevenDigitalError):
    """7digital said we are over our request quota (HTTP 429)."""

    def __init__(
        self, message: str = "", *, status: int | None = 429, retry_after: int | None = None
    ):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class OAuthError(SevenDigitalError):
    """A plain-text `OAuth authentication error: ...` answer (HTTP 401)."""


class RelinkNeeded(OAuthError):
    """The user's access token was rejected: invalid, revoked or missing. The user must link again."""


class ApiError(SevenDigitalError):
    """An `<error code=..>` answer. Subclasses by code range; `code` is the 7digital code."""

    def __init__(self, message: str = "", *, code: int | None = None, status: int | None = None):
        super().__init__(message, status=status)
        self.code = code


class InputError(ApiError):
    """1xxx: a parameter was missing or invalid."""


class NotFound(ApiError):
    """2001: the release/track/purchase does not exist (for this user)."""


class NotAvailable(ApiError):
    """2002: exists but is not available in this context (e.g. unauthorised request token)."""


class ServerError(ApiError):
    """7xxx/9xxx codes and HTTP 5xx answers."""


def api_error_for(code: int | None, message: str, status: int | None) -> ApiError:
    """The ApiError subclass for a 7digital error code (an HTTP 5xx with no code is a ServerError)."""
    if code is not None:
        if 1000 <= code < 2000:
            cls: type[ApiError] = InputError
        elif code == 2001:
            cls = NotFound
        elif code == 2002:
            cls = NotAvailable
        elif code >= 7000:
            cls = ServerError
        else:
            cls = ApiError
    else:
        cls = ServerError if (status or 0) >= 500 else ApiError
    return cls(message, code=code, status=status)
