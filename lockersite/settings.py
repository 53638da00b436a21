"""Locker settings: one file, every value from the environment (docs/architecture.md, "Settings").

Defaults point at the local 7digital sandbox so a fresh clone runs without credentials; a bad value
fails at start-up with ImproperlyConfigured naming the variable.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from lockersite.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_origins,
    env_str,
    env_url,
)
from lockersite.logging import logging_config
from lockersite.mail import mailers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django_htmx",
    "locker",
    "locker.support",
    "locker.sevendigital_provider",
    "locker.widget",
    "locker.library",
    "django_tasks_db",
    "locker.state",
]

# Background work (the locker index's syncs): Django's Tasks framework on django-tasks-db, whose
# worker is `manage.py db_worker` (README "Background worker"). Tasks wait in the database itself.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "locker.request_middleware.RequestIdMiddleware",  # request id, Server-Timing, JSON access line
    "lockersite.health.HealthCheckMiddleware",  # /healthz, /readyz before host checks and redirects
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # cookie, then Accept-Language, then LANGUAGE_CODE
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "locker.preferences.PreferencesMiddleware",  # the account's saved language and time zone win
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "lockersite.urls"
WSGI_APPLICATION = "lockersite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "locker.context_processors.site",
                "locker.widget.context_processors.widget",
            ],
        },
    },
]

# Database: SQLite in the project by default; DATABASE_URL=postgres://... for PostgreSQL.
try:
    DATABASES = {
        "default": dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
_db = DATABASES["default"]
_db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", _db.get("CONN_MAX_AGE") or 0)
if _db["ENGINE"].endswith("postgresql"):
    # A down database fails readiness probes in seconds rather than hanging workers.
    _db.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
    )
elif _db["ENGINE"].endswith("sqlite3"):
    # Several gunicorn workers write one file: WAL, immediate write locks and a busy timeout.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" holds only what can be rebuilt (locker pages): local memory per worker, or
# Redis (REDIS_URL) shared by all; it fails fast and the site works on without it. "state" holds
# what every worker and server must agree on (rate limits, double-click claims, allauth's limits,
# the 7digital breaker): always the database, atomic, so no Redis outage or worker count changes it.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, not {REDIS_URL!r}")
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    _redis_timeout = env_float("REDIS_SOCKET_TIMEOUT", 0.25)
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "lockersite.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "locker"),
            "OPTIONS": {
                "socket_connect_timeout": _redis_timeout,
                "socket_timeout": _redis_timeout,
                "retry": Retry(NoBackoff(), 0),  # redis-py retries 3 times with backoff by default
                "skip_seconds": env_float("REDIS_SKIP_SECONDS", 5),
            },
        }
    }
else:
    # Bounded per process: ~3,000 entries (most are release cards of a few kB, locker/release_cards.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }
CACHES["state"] = {"BACKEND": "locker.state.cache.DatabaseStateCache", "TIMEOUT": None}
# Sessions in the database: a Redis outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Languages (issue 14): every language of 7digital's stores, and Arabic to prove right-to-left.
# LOCKER_LANGUAGES offers a subset; LANGUAGE_CODE is the default when nothing else decides.
SHIPPED_LANGUAGES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "sv": "Svenska",
    "fi": "Suomi",
    "nb": "Norsk bokmål",
    "ar": "العربية",
}
_offered = [code.lower() for code in env_list("LOCKER_LANGUAGES", ",".join(SHIPPED_LANGUAGES))]
if unknown := [code for code in _offered if code not in SHIPPED_LANGUAGES]:
    raise ImproperlyConfigured(
        f"LOCKER_LANGUAGES lists {', '.join(unknown)}: Locker ships {', '.join(SHIPPED_LANGUAGES)}"
    )
LANGUAGES = [(code, SHIPPED_LANGUAGES[code]) for code in dict.fromkeys(_offered)]
if not LANGUAGES:
    raise ImproperlyConfigured("LOCKER_LANGUAGES must list at least one language")
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en").lower()
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE must be one of the offered languages ({', '.join(dict(LANGUAGES))}), "
        f"not {LANGUAGE_CODE!r}"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lockersite.formats"]  # English dates as "1 Dec 2026" (Django's own elsewhere)
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"  # the customer's own zone is saved on their account (locker.AccountSettings)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Accounts (django-allauth): email + password; 7digital is linked, not used to sign in.
SITE_NAME = env_str("SITE_NAME", "Locker")
# The site's own address: the links and signature of every email ("": the address the request
# that sent the email came to, as in `make run`).
SITE_URL = env_url("SITE_URL", env_str("SITE_URL")) if env_str("SITE_URL") else ""
SUPPORT_URL = env_str("SUPPORT_URL", "mailto:support@example.com")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "locker:locker"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up and reset never say whether an address has an account: that needs mandatory verification
# (a taken address gets the same "check your mail" answer, its owner a mail saying so).
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory").lower()
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ImproperlyConfigured(
        f"ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none, not {ACCOUNT_EMAIL_VERIFICATION!r}"
    )
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # opening the link shows a button; only its POST confirms
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # only in the browser session that signed up
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
SOCIALACCOUNT_STORE_TOKENS = False  # tokens live encrypted in locker.SevenDigitalLink only
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REAUTHENTICATION_REQUIRED = False
ACCOUNT_ADAPTER = "locker.account_adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "locker.account_adapter.user_display"  # the email, never a generated username
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # our email subjects name SITE_NAME themselves (templates/account/email)
# Failed sign-ins (a right password rolls its attempt back; locker/account_adapter.py). One account
# from one address waits longer and longer: 5 a minute, 10 in 10 minutes, 20 an hour. One address,
# whatever the account: 10 a minute, 50 an hour. One account from every address: 100 an hour, which
# only guesses spread over many addresses reach. No one's wrong passwords lock the customer out.
ACCOUNT_RATE_LIMITS = {
    "login_failed_from_address": "5/m/key,10/10m/key,20/h/key",
    "login_failed": "10/m/ip,50/h/ip,100/h/key",
}
SOCIALACCOUNT_ADAPTER = "locker.sevendigital_provider.adapter.SocialAccountAdapter"
# Mail (lockersite/mail.py): the console in DEBUG, else SMTP from EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL and EMAIL_TIMEOUT (10 s).
MAILERS = mailers_from_env(debug=DEBUG)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "locker@localhost")

# 7digital. The defaults are the local sandbox at SANDBOX_URL (`make run` and `make serve-prod` set
# it from SANDBOX_PORT; `python -m sandbox serve` alone listens on 8001).
SANDBOX_URL = env_url("SANDBOX_URL", "http://127.0.0.1:8001")
SEVENDIGITAL_CONSUMER_KEY = env_str("SEVENDIGITAL_CONSUMER_KEY", "locker-demo-key")
SEVENDIGITAL_CONSUMER_SECRET = env_str("SEVENDIGITAL_CONSUMER_SECRET", "locker-demo-secret==")
SEVENDIGITAL_API_URL = env_url("SEVENDIGITAL_API_URL", f"{SANDBOX_URL}/1.2")
if not SEVENDIGITAL_API_URL.endswith("/1.2"):
    raise ImproperlyConfigured(f"SEVENDIGITAL_API_URL must end in /1.2, not {SEVENDIGITAL_API_URL!r}")
SEVENDIGITAL_ACCOUNT_URL = env_url("SEVENDIGITAL_ACCOUNT_URL", SANDBOX_URL)
SEVENDIGITAL_STREAM_URL = env_url("SEVENDIGITAL_STREAM_URL", SANDBOX_URL)
SEVENDIGITAL_MEDIA_HOSTS = env_list("SEVENDIGITAL_MEDIA_HOSTS", urlsplit(SANDBOX_URL).netloc)
SEVENDIGITAL_COUNTRY = env_str("SEVENDIGITAL_COUNTRY", "GB").upper()
if len(SEVENDIGITAL_COUNTRY) != 2 or not SEVENDIGITAL_COUNTRY.isalpha():
    raise ImproperlyConfigured(
        f"SEVENDIGITAL_COUNTRY must be an ISO 3166 alpha-2 code like GB, not {SEVENDIGITAL_COUNTRY!r}"
    )
SEVENDIGITAL_SHOP_ID = env_int("SEVENDIGITAL_SHOP_ID", 0) or None
SEVENDIGITAL_STREAM_FORMAT_ID = env_int("SEVENDIGITAL_STREAM_FORMAT_ID", 26, minimum=1)
SEVENDIGITAL_CONNECT_TIMEOUT = env_float("SEVENDIGITAL_CONNECT_TIMEOUT", 3.05)
SEVENDIGITAL_READ_TIMEOUT = env_float("SEVENDIGITAL_READ_TIMEOUT", 8.0)
SEVENDIGITAL_RETRIES = env_int("SEVENDIGITAL_RETRIES", 1)
# Answers longer than this are refused (a 50-release page is well under 1 MB).
SEVENDIGITAL_MAX_BODY_BYTES = env_int("SEVENDIGITAL_MAX_BODY_BYTES", 8 * 1024 * 1024, minimum=1024)
# Circuit breaker (locker/upstream_breaker.py): after this many failed attempts in a row (0: never),
# 7digital is left alone for BREAKER_SECONDS, then probed by one request at a time.
SEVENDIGITAL_BREAKER_FAILURES = env_int("SEVENDIGITAL_BREAKER_FAILURES", 5, minimum=0)
SEVENDIGITAL_BREAKER_SECONDS = env_int("SEVENDIGITAL_BREAKER_SECONDS", 5, minimum=1)
if not SEVENDIGITAL_CONSUMER_KEY or not SEVENDIGITAL_CONSUMER_SECRET:
    raise ImproperlyConfigured("SEVENDIGITAL_CONSUMER_KEY and SEVENDIGITAL_CONSUMER_SECRET must both be set")
SOCIALACCOUNT_PROVIDERS = {
    "sevendigital": {
        "APPS": [
            {
                "client_id": SEVENDIGITAL_CONSUMER_KEY,
                "secret": SEVENDIGITAL_CONSUMER_SECRET,
                "key": "",
            }
        ]
    }
}
# Artwork hosts the browser may load images from (the locker hands out absolute image URLs).
ARTWORK_HOSTS = env_list("ARTWORK_HOSTS", f"{SANDBOX_URL} https://artwork-cdn.7static.com", sep=None)

# How many reverse proxies of ours append to X-Forwarded-For (0: trust none; 1 behind the documented
# nginx). Sign-in rate limits and the support audit log both take the client's address from it
# (lockersite/client_ip.py). SUPPORT_AUDIT_TRUSTED_PROXIES is its former name.
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", env_int("SUPPORT_AUDIT_TRUSTED_PROXIES", 0, minimum=0), minimum=0
)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Locker behaviour
LOCKER_CACHE_SECONDS = env_int("LOCKER_CACHE_SECONDS", 60, minimum=1)
LOCKER_STALE_SECONDS = env_int("LOCKER_STALE_SECONDS", 24 * 3600, minimum=1)
# The locker index (locker/library): a visit refreshes an index older than this in the background.
LOCKER_SYNC_SECONDS = env_int("LOCKER_SYNC_SECONDS", 600, minimum=1)
# "Download all" starts one download, then waits this long before the next (browsers take a quick
# run of downloads from one page for a misbehaving site).
LOCKER_DOWNLOAD_ALL_GAP_MS = env_int("LOCKER_DOWNLOAD_ALL_GAP_MS", 1500, minimum=0)
# Leading words that sorting by artist or title ignores ("The Beatles" sorts under B), like
# Navidrome's IgnoredArticles: space-separated, compared case-insensitively. Empty (the default):
# the articles of every offered language (locker/library/articles.py, ARTICLES).
LOCKER_IGNORED_ARTICLES = env_list("LOCKER_IGNORED_ARTICLES", "", sep=None)

# Tokens are encrypted at rest with MultiFernet: the first key encrypts, all keys decrypt.
TOKEN_ENCRYPTION_KEYS = env_list("TOKEN_ENCRYPTION_KEYS")
if not TOKEN_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS must be set when DEBUG is off")
    TOKEN_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"locker-dev:{SECRET_KEY}".encode()).digest()).decode()
    ]
for _key in TOKEN_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(make one with `python manage.py generate_token_key`)"
        ) from None

# Widget framing: space-separated origins that may embed /widget/locker/ in an iframe.
WIDGET_FRAME_ANCESTORS = env_origins("WIDGET_FRAME_ANCESTORS")
# Widget tokens (docs/widget.md): the audience partners put in `aud`, the longest token lifetime
# accepted, and how long the cookie-less session a token opens lasts.
WIDGET_TOKEN_AUDIENCE = env_str("WIDGET_TOKEN_AUDIENCE", "locker-widget")
WIDGET_TOKEN_MAX_AGE = env_int("WIDGET_TOKEN_MAX_AGE", 600, minimum=60)
WIDGET_SESSION_SECONDS = env_int("WIDGET_SESSION_SECONDS", 3600, minimum=300)

# Security headers. The widget view replaces frame-ancestors for allow-listed partners only.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *ARTWORK_HOSTS],
    "media-src": [CSP.SELF, SEVENDIGITAL_STREAM_URL],
    "connect-src": [CSP.SELF],
    # Downloads run in a hidden frame (static/js/locker.js): a media host's refusal page stays in it.
    # Any https host too: should the media host redirect a download to a CDN, the file still arrives
    # (the frame only ever gets URLs our download view allowed; scripts stay nonce-only).
    "frame-src": [CSP.SELF, *SEVENDIGITAL_MEDIA_HOSTS, "https:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, SEVENDIGITAL_ACCOUNT_URL],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Browser features no page of ours uses (django-permissions-policy sends the header).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
if not DEBUG:
    # Production: behind a TLS-terminating proxy that sets X-Forwarded-Proto (deploy/nginx.conf).
    # SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0 exist only for plain-http local runs (make serve-prod).
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^metrics$"]  # scraped over the private network, bearer token
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # 0 if the domain must stay off the list
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

# Logs: JSON lines on stderr outside DEBUG (LOG_FORMAT=json|text), each with the request id, every
# record redacted of OAuth material (lockersite/logging.py). ACCESS_LOG=0 drops the per-request line.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
ACCESS_LOG = env_bool("ACCESS_LOG", True)
SERVER_TIMING = env_bool("SERVER_TIMING", True)
LOGGING = logging_config(json_format=LOG_FORMAT == "json", level=env_str("LOG_LEVEL", "INFO").upper())
LOGGING_CONFIG = "lockersite.logging.configure"  # also redacts records of handlers we didn't set up

# Metrics (locker/metrics.py, prometheus_client): every request and 7digital HTTP attempt is
# counted; /metrics answers `Authorization: Bearer $METRICS_TOKEN` or the view_metrics permission.
SEVENDIGITAL_OBSERVER = "locker.metrics.observe_upstream"
SEVENDIGITAL_BREAKER = "locker.upstream_breaker.breaker"
METRICS_TOKEN = env_str("METRICS_TOKEN")
