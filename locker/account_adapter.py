"""Locker's django-allauth account adapter: how sign-in limits see the client and what they allow,
how emails name the site (SITE_NAME, SITE_URL), and what happens when a mail cannot be sent."""

from __future__ import annotations

import logging
import smtplib
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from lockersite.client_ip import client_ip

logger = logging.getLogger("locker.mail")

MAIL_FAILED = "_locker_mail_failed"  # set on the request whose mail could not be sent

# ACCOUNT_RATE_LIMITS actions, narrowest first (settings.py gives their rates).
FROM_ADDRESS = "login_failed_from_address"  # one account from one address, with growing waits
ANYWHERE = "login_failed"  # one address whatever the account; one account from every address


def user_display(user) -> str:
    """How allauth names a customer ("Successfully signed in as …"): the email they signed up with."""
    return user.email or user.get_username()


def site_url(request: HttpRequest | None) -> str:
    """SITE_URL, else the address this request came to (no trailing slash)."""
    if settings.SITE_URL or request is None:
        return settings.SITE_URL
    return request.build_absolute_uri("/").rstrip("/")


def on_site(url: str, request: HttpRequest | None) -> str:
    """A link of ours, on SITE_URL when it is set (allauth builds it from the request's host)."""
    if not settings.SITE_URL:
        return url
    parts = urlsplit(url)
    return settings.SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")


def mail_failed(request: HttpRequest) -> bool:
    return getattr(request, MAIL_FAILED, False)


def mail_not_sent_message(*, undone: bool = False) -> str:
    if undone:
        return gettext(
            "We could not send the email just now, so nothing was saved. Please try again in a few minutes."
        )
    return gettext("We could not send the email just now. Please try again in a few minutes.")


def _reason(exc: OSError) -> str:
    """What went wrong, without the addresses some SMTP errors carry."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} (SMTP {exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return name
    detail = exc.strerror or str(exc)
    return f"{name}: {detail}" if detail else name


class _Usages:
    def __init__(self, usages: list) -> None:
        self.usages = usages

    def rollback(self) -> None:
        for usage in self.usages:
            usage.rollback()


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own reading of ALLAUTH_TRUSTED_PROXY_COUNT raises ImproperlyConfigured (a 500)
        # for a request that carries fewer X-Forwarded-For entries than proxies are trusted.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _limit_keys(self, request: HttpRequest, **credentials: Any) -> list[tuple[str, str]]:
        account = self._get_login_attempts_cache_key(request, **credentials)
        return [(FROM_ADDRESS, f"{account}@{self.get_client_ip(request)}"), (ANYWHERE, account)]

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count this attempt against each limit (allauth rolls it back if the password is right).

        The wrong passwords of someone else's address never refuse the customer's own: limits per
        address slow the attacker where they are; the limit on the account alone is high enough that
        only guesses spread over many addresses reach it, and a password reset lifts it."""
        usages: list[ratelimit.RateLimitUsage] = []
        for action, key in self._limit_keys(request, **credentials):
            usage = ratelimit.consume(request, app="allauth.account", action=action, key=key)
            if usage is None:
                _Usages(usages).rollback()  # a refused attempt uses up no other limit
                raise ValidationError(self._too_many_attempts(), code="too_many_login_attempts")
            usages.append(usage)
        self._login_failed_rl_usage = _Usages(usages)

    def _too_many_attempts(self) -> str:
        # allauth's own wording (and its translations), with the way out beside it.
        return format_html(
            '{} <a href="{}">{}</a>',
            self.error_messages["too_many_login_attempts"],
            reverse("account_reset_password"),
            gettext("Forgot your password?"),
        )

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # After a password reset: allauth clears its own key; ours per address goes with it.
        super()._delete_login_attempts_cached_email(request, **credentials)
        action, key = self._limit_keys(request, **credentials)[0]
        ratelimit.clear(request, app="allauth.account", action=action, key=key)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key), context.request)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation), request)

    def format_email_subject(self, subject: str) -> str:
        # Our own subjects name the site already; allauth's notices ("Password changed") get it.
        subject = super().format_email_subject(subject)
        return subject if settings.SITE_NAME in subject else f"{settings.SITE_NAME}: {subject}"

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        """Every email is signed with SITE_NAME and SITE_URL (allauth's own templates read
        `current_site`, the Sites framework's "example.com" or the request's host otherwise).

        A mail server that refuses, hangs (EMAIL_TIMEOUT) or errs is logged and answered with a
        page saying so; views that must not go on without their mail (sign-up, password reset,
        locker/account_views.py) see `mail_failed()` and undo their work instead."""
        url = site_url(context.request)
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(url).netloc)
        context_ = {"site_url": url, "current_site": site, **context_}
        try:
            super().send_mail(template_prefix, email, context_)
        except OSError as exc:  # smtplib's errors, timeouts and refused connections alike
            request = context.request
            logger.error("Email %s not sent: %s", template_prefix.rsplit("/", 1)[-1], _reason(exc))
            setattr(request, MAIL_FAILED, True)
            page = TemplateResponse(
                request, "locker/mail_not_sent.html", {"message": mail_not_sent_message()}, status=503
            )
            raise ImmediateHttpResponse(page.render()) from exc
