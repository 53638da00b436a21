"""Web origins as the browser serialises them (`https://shop.example`, `http://127.0.0.1:8080`).

They end up in a CSP header and in postMessage origin checks, so anything that is not exactly one
origin (paths, wildcards, spaces, `;`) is refused rather than passed on.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOSTNAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_IPV6 = re.compile(r"^[0-9a-f:.]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str) -> str:
    """Return the canonical form of one origin, or raise ValidationError."""
    raw = value.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ValidationError(f"{raw!r} is not an origin like https://shop.example") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if (
        scheme not in _DEFAULT_PORTS
        or not host
        or parts.username is not None
        or parts.password is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or raw.endswith(("?", "#"))
    ):
        raise ValidationError(f"{raw!r} is not an origin like https://shop.example (no path, no wildcard)")
    if ":" in host:
        if not _IPV6.match(host):
            raise ValidationError(f"{raw!r} has an invalid IPv6 address")
        host = f"[{host}]"
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationError(f"{raw!r} has an invalid host name") from None
        if not _HOSTNAME.match(host):
            raise ValidationError(f"{raw!r} has an invalid host name")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def parse_origins(text: str) -> list[str]:
    """Origins separated by spaces, commas or new lines; duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for item in re.split(r"[\s,]+", text or ""):
        if item:
            seen.setdefault(normalise_origin(item), None)
    return list(seen)


def validate_origins(text: str) -> None:
    parse_origins(text)
