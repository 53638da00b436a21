"""The customer's language, time zone and download format: saved on the account.

The language and time zone apply to every request (below); the download format is read where a
locker page or row is presented (locker/page_content.py, locker/downloads.py).

Order (DESIGN.md, data flow 9): the account's saved choice, else the language cookie that Django's
`set_language` leaves, else `Accept-Language`, else `LANGUAGE_CODE`. Django's LocaleMiddleware
sets the default and the Vary/Content-Language headers; this one applies the order above (with
"no"/"nn" read as Bokmål). The widget's documented `lang` parameter comes before all of them.
The saved pair is read from the database once per session and kept in it, so pages pay nothing.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import trans_real

from locker.models import AccountSettings
from locker.typed_requests import signed_in_user

SESSION_KEY = "locker_prefs"
EXPLICIT_LANG_PATHS = ("/widget/", "/jsi18n/")  # where a partner's `?lang=` is honoured
# Browsers in Norway may ask for plain Norwegian ("no") or Nynorsk ("nn"): Locker speaks Bokmål.
ALIASES = {"no": "nb", "nn": "nb"}


def offered_language(code: str | None) -> str:
    """`code` (or its base language: "de-AT" → "de") when Locker offers it, else ""."""
    if not code:
        return ""
    code = str(code).strip().lower()[:12]
    code = ALIASES.get(code.split("-")[0], code)
    try:
        found = translation.get_supported_language_variant(code)
    except LookupError:
        return ""
    return found if found in dict(settings.LANGUAGES) else ""


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def offered_time_zones() -> tuple[str, ...]:
    """The zones the Account page lists: "Region/City" names and UTC, sorted."""
    return tuple(
        sorted(z for z in time_zones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"]
    )


def valid_time_zone(name: str | None) -> str:
    name = str(name or "").strip()
    return name if name in time_zones() else ""


def from_browser(request: HttpRequest) -> str:
    """The first offered language of Accept-Language (with the aliases Django lacks), else ""."""
    for code, _ in trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", "")[:500]):
        if code == "*":
            break
        if found := offered_language(code):
            return found
    return ""


def signed_in(request: HttpRequest) -> bool:
    """Signed in by the session cookie (the widget's header sessions use no cookie and never will)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return bool(user and user.is_authenticated and session and session.get("_auth_user_id") == str(user.pk))


def saved(request: HttpRequest) -> tuple[str, str]:
    """(language, time zone) saved on the signed-in account; ("", "") when nothing is saved."""
    if not signed_in(request):
        return "", ""
    user = signed_in_user(request)
    cached = request.session.get(SESSION_KEY)
    if isinstance(cached, list) and len(cached) == 3 and cached[0] == user.pk:
        return cached[1], cached[2]
    row = AccountSettings.objects.filter(user=user).values_list("language", "time_zone").first()
    language, zone = row or ("", "")
    request.session[SESSION_KEY] = [user.pk, language, zone]
    return language, zone


def save(request: HttpRequest, **changes: str) -> AccountSettings:
    """Save `language`, `time_zone` and/or `download_format` on the signed-in account (the first
    two also in this session)."""
    user = signed_in_user(request)
    prefs, _ = AccountSettings.objects.get_or_create(user=user)
    for field, value in changes.items():
        setattr(prefs, field, value)
    prefs.save()
    request.session[SESSION_KEY] = [user.pk, prefs.language, prefs.time_zone]
    return prefs


def download_format(user_id: int) -> str:
    """The format name chosen for the Download button on the Account page ("" when none)."""
    rows = AccountSettings.objects.filter(user_id=user_id).values_list("download_format", flat=True)
    return rows.first() or ""


def download_formats(user_id: int) -> list[str]:
    """The format names the Account page offers: those of the customer's locker index (in the
    locker's format order), the default one and their current choice."""
    from locker.library import filters
    from locker.presenters import DEFAULT_DOWNLOAD_FORMAT, FormatView, format_order

    names = filters.format_names(user_id)
    names |= {DEFAULT_DOWNLOAD_FORMAT, download_format(user_id)} - {""}
    return sorted(names, key=lambda name: format_order(FormatView(0, name)))


@receiver(user_logged_in)
def _forget_other_account(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)  # read this account's choice on the next request


class PreferencesMiddleware:
    """After AuthenticationMiddleware: the saved language and time zone override the guesses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        language, zone = saved(request)
        if request.path_info.startswith(EXPLICIT_LANG_PATHS):
            language = offered_language(request.GET.get("lang")) or language
        language = (
            offered_language(language)
            or offered_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            or from_browser(request)
        )
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if zone := valid_time_zone(zone):
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
