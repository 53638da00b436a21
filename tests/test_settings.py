"""Bad configuration stops start-up with a message naming the variable, never at the first request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def start(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SEVENDIGITAL_", "WIDGET_"))}
    environ.update(env, DJANGO_SETTINGS_MODULE="lockersite.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SEVENDIGITAL_COUNTRY", "Britain"),
        ("SEVENDIGITAL_API_URL", "ftp://api.example/1.2"),
        ("SEVENDIGITAL_API_URL", "https://api.7digital.com/1.1"),
        ("SEVENDIGITAL_READ_TIMEOUT", "soon"),
        ("DEBUG", "maybe"),
        ("TOKEN_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("WIDGET_FRAME_ANCESTORS", "shop.example"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("SEVENDIGITAL_SHOP_ID", "thirty-four"),
        ("LOCKER_DOWNLOAD_ALL_GAP_MS", "a while"),
        ("LOCKER_DOWNLOAD_ALL_GAP_MS", "-1"),
    ],
)
def test_a_bad_value_fails_at_start_up_naming_the_variable(name, value):
    result = start(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_production_requires_secrets():
    result = start(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_point_at_the_sandbox():
    from tests.helpers import settings_in_subprocess

    result = start()
    assert result.returncode == 0, result.stderr
    names = [
        "SEVENDIGITAL_API_URL",
        "SEVENDIGITAL_ACCOUNT_URL",
        "SEVENDIGITAL_STREAM_URL",
        "SEVENDIGITAL_MEDIA_HOSTS",
    ]
    expression = "[" + ", ".join(f"s.{name}" for name in names) + "]"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SEVENDIGITAL_", "SANDBOX_"))}
    sandbox = "http://127.0.0.1:8001"  # make run's sandbox
    assert settings_in_subprocess(expression, clean) == [
        f"{sandbox}/1.2",
        sandbox,
        sandbox,
        ["127.0.0.1:8001"],
    ]
    moved = settings_in_subprocess(expression, {**clean, "SANDBOX_URL": "http://127.0.0.1:9"})
    assert moved == ["http://127.0.0.1:9/1.2", "http://127.0.0.1:9", "http://127.0.0.1:9", ["127.0.0.1:9"]]
