"""Small, strict readers for settings that come from the environment.

Each one fails at start-up with ImproperlyConfigured naming the variable, never at the first request.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _number(name, int, "a whole number")
    if value is None:
        return default
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_float(name: str, default: float) -> float:
    value = _number(name, float, "a number of seconds")
    if value is None:
        return default
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be positive, not {os.environ[name].strip()!r}")
    return value


def _number[N: (int, float)](name: str, parse: Callable[[str], N], kind: str) -> N | None:
    """The variable's value read by `parse`; None when it is unset or blank."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {kind}, not {raw!r}") from None


def env_list(name: str, default: str = "", sep: str | None = ",") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(sep) if item.strip()]


def env_url(name: str, default: str, *, require_https: bool = False) -> str:
    value = env_str(name, default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {value!r}")
    if require_https and parts.scheme != "https":
        raise ImproperlyConfigured(f"{name} must use https outside DEBUG, not {value!r}")
    return value


def env_origins(name: str) -> list[str]:
    """Space-separated origins such as `https://shop.example https://artist.example:8443`."""
    origins = env_list(name, sep=None)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ImproperlyConfigured(f"{name} must list origins like https://shop.example, not {origin!r}")
    return [o.rstrip("/") for o in origins]
