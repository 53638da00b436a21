"""Production settings plus one trivial view (the benchmarks' baseline): DJANGO_SETTINGS_MODULE=bench.settings."""

from lockersite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
