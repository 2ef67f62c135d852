"""allauth's sign-up form, answering a known address with the same work as a new one."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    """Sign-up that hashes the password even when the address already has an account."""

    def try_save(self, request):
        if self.account_already_exists:
            # A new address costs a password hash (half a second with PBKDF2);
            # without one here, a fast answer would say "this address has an account".
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)
