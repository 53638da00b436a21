"""Django 6.1's MAILERS from the environment: SMTP with credentials, TLS and a timeout."""

from __future__ import annotations

import math
import os

from django.core.exceptions import ImproperlyConfigured

from lockersite.env import env_bool, env_float, env_int, env_str

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def mailers_from_env(*, debug: bool) -> dict:
    backend = env_str("EMAIL_BACKEND", CONSOLE if debug else SMTP)
    options: dict = {}
    if backend == SMTP:
        use_tls, use_ssl = env_bool("EMAIL_USE_TLS", False), env_bool("EMAIL_USE_SSL", False)
        if use_tls and use_ssl:
            raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one")
        timeout = env_float("EMAIL_TIMEOUT", 10)
        if not math.isfinite(timeout):
            raise ImproperlyConfigured(f"EMAIL_TIMEOUT must be a finite number of seconds, not {timeout}")
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            # None lets Django pick 25, 465 (SSL) or 587 (TLS).
            "port": env_int("EMAIL_PORT", 0, minimum=0) or None,
            "username": env_str("EMAIL_HOST_USER") or None,
            "password": os.environ.get("EMAIL_HOST_PASSWORD") or None,
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            # Every connect, read and write waits at most this long: a stuck mail server cannot
            # hold a sign-up or a password reset for longer.
            "timeout": timeout,
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
