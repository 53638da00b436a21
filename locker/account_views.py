"""allauth's sign-up and password reset, undone with a clear message when their mail can't be sent,
and a sign-up that takes as long for a taken address as for a new one.

Without this a mail server that refuses or hangs made sign-up answer 500 after creating the account
(which then had no confirmation mail) and password reset answer 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account import views as allauth_views
from allauth.account.internal.stagekit import clear_login
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.auth import get_user_model, logout
from django.db import transaction
from django.http import HttpResponse

from locker.account_adapter import mail_failed, mail_not_sent_message

if TYPE_CHECKING:
    from django.views.generic.edit import FormView

    _FormView = FormView
else:
    _FormView = object


class _MailNotSent(Exception):
    pass


class MailOrNothingMixin(_FormView):
    def form_valid(self, form) -> HttpResponse:
        try:
            with transaction.atomic():
                response = super().form_valid(form)
                if mail_failed(self.request):  # allauth may have turned the failure into a page
                    raise _MailNotSent
        except (ImmediateHttpResponse, _MailNotSent):
            if not mail_failed(self.request):
                raise
            return self.mail_not_sent(form)
        return response

    def mail_not_sent(self, form) -> HttpResponse:
        clear_login(self.request)  # a pending sign-up of the account that was just undone
        if self.request.user.is_authenticated:
            logout(self.request)
        form.add_error(None, mail_not_sent_message(undone=True))
        return self.form_invalid(form)


class SignupView(MailOrNothingMixin, allauth_views.SignupView):
    def form_valid(self, form) -> HttpResponse:
        if form.account_already_exists:
            # A new account hashes its password, the slow part of a sign-up: do the same for a
            # taken address so the answer's timing does not tell which addresses have accounts.
            get_user_model()().set_password(form.cleaned_data.get("password1"))
        return super().form_valid(form)


class PasswordResetView(MailOrNothingMixin, allauth_views.PasswordResetView):
    pass


signup = SignupView.as_view()
password_reset = PasswordResetView.as_view()
