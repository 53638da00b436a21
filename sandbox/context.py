"""What a request handler may use of the sandbox: the narrow view `app.SandboxApp` provides.

Handlers (api, authorise, control, delivery) take a `SandboxContext`, never the app itself, so
they don't depend on routing, fault injection or the WSGI plumbing, and only the entry points
(`__main__`, `testing`) import app.py.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from .demo import Catalogue
from .oauth import Verified
from .store import Account, Store
from .web import Request


class RequestHistory(Protocol):
    def entries(self, path_prefix: str = "") -> list[dict]: ...

    def clear(self) -> None: ...


@runtime_checkable
class SandboxContext(Protocol):
    @property
    def store(self) -> Store: ...

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def base_url(self) -> str:
        """The public base URL, without a trailing slash (links in answers start with it)."""
        ...

    @property
    def request_log(self) -> RequestHistory: ...

    def verify(
        self,
        req: Request,
        token_kind: Literal["access", "request"] = "access",
        token_required: bool = True,
        replay_for: float = 0,
    ) -> Verified:
        """Check the request's OAuth signature (and token); raise OAuthError if it fails."""
        ...

    def account_for(self, verified: Verified) -> Account:
        """The account a verified access token belongs to; OAuthError if there is none."""
        ...

    def auto_approve_account(self) -> Account | None: ...
