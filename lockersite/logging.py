"""Structured logs: one JSON object per line, a request id on every line, no credentials ever.

- `request_id_var` holds the current request's id (set by locker.request_middleware, first in
  MIDDLEWARE, which also writes the access line); `RequestIdFilter` stamps it on every record
  logged while that request runs.
- `redact()` strips credentials from text: OAuth material (`oauth_signature=..`, `oauth_token=..`,
  any query string carrying `oauth_` parameters, Authorization header values), allauth's
  password-reset and email-confirmation keys (path segments: the path itself is the credential),
  secret-named query/form values (`token=`, `preview=`, `..._secret=`, `password=`, ...) and
  anything shaped like a JWT or a Django-signed JSON value.
- `configure()` (settings' LOGGING_CONFIG) installs a log-record factory that redacts every record
  when it is made, whichever logger made it and whichever handler (ours, Django's, gunicorn's,
  pytest's) writes it: message and arguments, traceback, stack. `RedactingFilter` and
  `JsonFormatter` redact again (extras included) for handlers configured without the factory.
"""

from __future__ import annotations

import logging
import logging.config
import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger import json as jsonlogger

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

REDACTED = "[redacted]"

# A query string (after "?") that carries any oauth_ parameter: the whole query goes.
_OAUTH_QUERY = re.compile(r"\?[^\s\"'<>]*?oauth_[^\s\"'<>]*", re.IGNORECASE)
# oauth_xxx=value, oauth_xxx%3Dvalue, oauth_xxx="value", "oauth_xxx": "value" (headers, JSON, forms).
_OAUTH_PARAM = re.compile(
    r"(oauth_[a-z_]+)([\"']?\s*[:=]\s*[\"']?|%3D|%22%3A%22)((?:[^\s&\"',;<>%]|%(?!26)[0-9a-f]{2})+)",
    re.IGNORECASE,
)
# Authorization: OAuth ... / Bearer ... / Basic ...
_AUTH_HEADER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)


# allauth's /accounts/password/reset/key/<uidb36>-<key>/ and /accounts/confirm-email/<key>/: whoever
# holds the path can set the password or confirm the address. Also URL-encoded (in a next=).
_KEY_PATH = re.compile(
    r"((?:password/reset/key|confirm-email)(?:/|%2F))((?:[^/\s?#&\"'<>%]|%(?!2F)[0-9A-F]{2})+)",
    re.IGNORECASE,
)
_SECRET_NAME = r"[\w-]*?(?:token|secret|password|preview|session|signature)"
# name=value in a query string or form (plain or URL-encoded), e.g. the widget's ?token= and ?preview=.
_SECRET_PARAM = re.compile(
    rf"((?:(?<![\w-])|(?<=%[0-9A-F]{{2}})){_SECRET_NAME}(?:=|%3D))((?:[^\s&\"'<>#%]|%(?!26)[0-9A-F]{{2}})+)",
    re.IGNORECASE,
)
# "name": "value" / 'name': 'value' (dicts, JSON, QueryDict reprs).
_SECRET_ITEM = re.compile(rf"([\"']{_SECRET_NAME}[\"']\s*:\s*\[?\s*[\"'])([^\"']+)", re.IGNORECASE)
# A JWT (widget tokens) or a Django-signed JSON value (widget preview tokens), wherever it appears.
_SIGNED_BLOB = re.compile(r"eyJ[A-Za-z0-9_-]{8,}(?:[.:][A-Za-z0-9_-]*)*")
_TRIGGERS = (
    "oauth",
    "bearer",
    "basic",
    "key/",
    "key%2f",
    "confirm-email",
    "token",
    "secret",
    "password",
    "preview",
    "session",
    "signature",
    "eyj",
)


def redact(text: str) -> str:
    """`text` without credentials: OAuth values, signed query strings, bearer tokens, allauth keys in
    paths, secret-named query values, JWTs and signed blobs."""
    if not text:
        return text
    lower = text.lower()
    if not any(trigger in lower for trigger in _TRIGGERS):
        return text
    text = _OAUTH_QUERY.sub("?" + REDACTED, text)
    text = _OAUTH_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _KEY_PATH.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SIGNED_BLOB.sub(REDACTED, text)
    text = _SECRET_PARAM.sub(lambda m: m.group(1) + REDACTED, text)
    return _SECRET_ITEM.sub(lambda m: m.group(1) + REDACTED, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    # Objects (Django's `request` extra: "<WSGIRequest: GET '/accounts/confirm-email/KEY/'>") as text.
    return redact(str(value))


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Render the message now, without credentials; the traceback and stack likewise."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what we can
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """`redact_record` as a handler filter (for handlers set up without `configure()`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_record_factory() -> None:
    """Redact every record as it is made, before any handler or formatter sees it (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacting", False):
        return
    logging.setLogRecordFactory(_RedactingFactory(previous))


class _RedactingFactory:
    redacting = True  # marks the factory installed, so a second install keeps it

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        return redact_record(self.previous(*args, **kwargs))


def configure(config: dict) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig, plus redaction of every record."""
    install_record_factory()
    logging.config.dictConfig(config)


class RequestIdFilter(logging.Filter):
    """Add `request_id` (the current request's, or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(jsonlogger.JsonFormatter):
    """One JSON object per line (python-json-logger): ts, level, logger, msg, request_id, any
    extras, exc, stack; every value redacted."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={
                "asctime": "ts",
                "levelname": "level",
                "name": "logger",
                "message": "msg",
                "exc_info": "exc",
                "stack_info": "stack",
            },
            json_default=str,
            json_ensure_ascii=False,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return super().format(record)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: _redact_value(value) for key, value in log_data.items()}


class TextFormatter(logging.Formatter):
    """The human format for development, redacted the same way."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return redact(super().format(record))


def logging_config(*, json_format: bool, level: str = "INFO", access_level: str = "INFO") -> dict:
    """The LOGGING dict for settings: JSON or text on stderr, every record redacted and request-tagged."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "lockersite.logging.RequestIdFilter"},
            "redact": {"()": "lockersite.logging.RedactingFilter"},
        },
        "formatters": {
            "json": {"()": "lockersite.logging.JsonFormatter"},
            "text": {"()": "lockersite.logging.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_format else "text",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "locker.access": {"level": access_level},
            # Django's defaults give "django" its own console and mail_admins handlers (unredacted,
            # whole requests in the mail): every line goes through ours instead.
            "django": {"handlers": [], "level": "INFO"},
            # Django's own request logger repeats what the access line says, minus the request id.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            # urllib3 logs full URLs at DEBUG, and signed URLs must never reach the logs.
            "urllib3": {"level": "WARNING"},
            "requests_oauthlib": {"level": "WARNING"},
            "oauthlib": {"level": "WARNING"},
        },
    }
