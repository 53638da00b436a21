"""Production settings: `check --deploy` is clean with sane values, and unsafe setups fail early."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import settings_in_subprocess

ROOT = Path(__file__).resolve().parents[2]


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_values(production_env):
    done = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_is_clean_with_postgres_and_redis_urls(production_env):
    env = dict(
        production_env,
        DATABASE_URL="postgres://locker@db.internal:5432/locker",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "TOKEN_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without_its_secrets(production_env, missing):
    env = {k: v for k, v in production_env.items() if k != missing}
    done = manage(env, "check")
    assert done.returncode != 0
    assert missing in done.stderr


def test_production_values(production_env):
    values = settings_in_subprocess(
        "{'debug': s.DEBUG, 'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'cookie': s.SESSION_COOKIE_SECURE, "
        "'csrf': s.CSRF_COOKIE_SECURE, 'proxy': s.SECURE_PROXY_SSL_HEADER, "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'log': s.LOGGING['handlers']['console']['formatter'], "
        "'referrer': s.SECURE_REFERRER_POLICY, 'csp': 'default-src' in s.SECURE_CSP, "
        "'mw': s.MIDDLEWARE}",
        production_env,
    )
    assert values["debug"] is False and values["ssl"] is True
    assert values["hsts"] >= 31536000 and values["sub"] is True
    assert values["cookie"] is True and values["csrf"] is True
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["log"] == "json"
    assert values["referrer"] == "same-origin" and values["csp"]
    assert values["mw"][0] == "locker.request_middleware.RequestIdMiddleware"
    assert (
        values["mw"].index("whitenoise.middleware.WhiteNoiseMiddleware")
        == values["mw"].index("django.middleware.security.SecurityMiddleware") + 2
    )


@pytest.mark.django_db
def test_pages_carry_a_permissions_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert policy == (
        "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
        "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    )
    assert "Content-Security-Policy" in response
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_permissions_policy_header_syntax(settings, client):
    settings.PERMISSIONS_POLICY = {"camera": [], "fullscreen": ["self"], "autoplay": ["https://shop.example"]}
    assert client.get("/accounts/login/")["Permissions-Policy"] == (
        'autoplay=("https://shop.example"), camera=(), fullscreen=(self)'
    )
