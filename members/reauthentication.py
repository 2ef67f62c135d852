"""Proving it is still you, for an account without a password: a code sent to its address.

allauth asks for the password again before a change to the account's address (its
reauthentication flow). An account with no password (made by staff, or one day by a
school's sign-in) has nothing to type, and allauth then asks for nothing at all: a session
someone else signed in could add their own address. Such an account is asked for a code
emailed to its address instead, through the same flow: allauth's middleware sends the
person here, and after the code the request they were making goes through.
"""

import time

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.views import BaseReauthenticateView
from allauth.core.exceptions import ReauthenticationRequired
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.decorators import method_decorator

CODE = "headnet_reauthentication_code"  # {"digest", "sent_at", "tries"}: never the code
PROVED_AT = "headnet_reauthenticated_by_code_at"
RESEND_AFTER = 60  # seconds: a hijacked session cannot flood the owner's inbox
_SALT = "members.reauthentication.code"


def _digest(code: str) -> str:
    normal = "".join(character for character in code.upper() if character.isalnum())
    return salted_hmac(_SALT, normal, algorithm="sha256").hexdigest()


def needs_code(request: HttpRequest) -> bool:
    """True for a signed-in account without a password that has not given a code lately."""
    user = request.user
    if not user.is_authenticated or user.has_usable_password():
        return False  # allauth's own check (the password) applies
    proved_at = request.session.get(PROVED_AT, 0)
    return time.time() - proved_at > allauth_settings.REAUTHENTICATION_TIMEOUT


def require_code_if_no_password(request: HttpRequest) -> None:
    """Send an account without a password to the code page first (allauth's flow)."""
    if needs_code(request):
        raise ReauthenticationRequired()


def send_code(request: HttpRequest) -> bool:
    """Email a fresh code to the account's address; False if one went out a moment ago."""
    pending = request.session.get(CODE)
    if pending and time.time() - pending["sent_at"] < RESEND_AFTER:
        return False
    adapter = get_adapter(request)
    code = adapter.generate_login_code()
    request.session[CODE] = {"digest": _digest(code), "sent_at": time.time(), "tries": 0}
    adapter.send_mail("account/email/reauthentication_code", request.user.email, {"code": code})
    return True


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The code in the email we sent to your address.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        session = self.request.session
        pending = session.get(CODE)
        expired = (
            pending is None
            or time.time() - pending["sent_at"] > allauth_settings.LOGIN_BY_CODE_TIMEOUT
            or pending["tries"] >= allauth_settings.LOGIN_BY_CODE_MAX_ATTEMPTS
        )
        if expired:
            session.pop(CODE, None)
            raise forms.ValidationError("This code can no longer be used: send a new code.")
        if not constant_time_compare(_digest(code), pending["digest"]):
            pending["tries"] += 1
            session[CODE] = pending
            raise forms.ValidationError("That is not the code we sent.")
        return code


@method_decorator(login_required, name="dispatch")
class ReauthenticateByCodeView(BaseReauthenticateView):
    """allauth's reauthentication page, with an emailed code in place of the password."""

    form_class = CodeForm
    template_name = "account/reauthenticate_by_code.html"

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"request": self.request}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.POST.get("action") == "send":
            if send_code(request):
                messages.info(request, f"We have sent a code to {request.user.email}.")
            else:
                messages.info(request, "A code went out less than a minute ago: check your inbox.")
            return HttpResponseRedirect(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        self.request.session.pop(CODE, None)
        self.request.session[PROVED_AT] = time.time()
        return super().form_valid(form)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {
            "email": self.request.user.email,
            "code_sent": CODE in self.request.session,
        }


reauthenticate_by_code = ReauthenticateByCodeView.as_view()
