"""allauth's sign-up form, answering a known address with the same work as a new one."""

import secrets

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.db import transaction

from .forms import AccountWording


class _Undone(Exception):
    """Rolls back the rehearsed account."""


class SignupForm(AccountWording, AllauthSignupForm):
    """Sign-up that, for an address that already has an account, makes an account anyway
    and undoes it, so the answer takes as long as a new account's.

    A new address costs a password hash (half a second with PBKDF2), the account's
    rows and a confirmation email; a known one costs an "account already exists"
    email. Without the hash and the rows, a faster answer would say "this address
    has an account".
    """

    def save(self, request):
        # The account and its address in one transaction: one commit, as the rehearsal
        # below costs (and never an account without its address).
        with transaction.atomic():
            return super().save(request)

    def try_save(self, request):
        if self.account_already_exists:
            self._rehearse_new_account(request)
        return super().try_save(request)

    def _rehearse_new_account(self, request) -> None:
        # allauth's own new-account code (save), under a throwaway address (.invalid
        # is never anyone's), in a transaction rolled back: nothing of it is kept.
        email = self.cleaned_data["email"]
        self.cleaned_data["email"] = f"{secrets.token_hex(12)}@signup.invalid"
        self.account_already_exists = False
        try:
            with transaction.atomic():
                self.save(request)
                raise _Undone
        except _Undone:
            pass
        finally:
            self.cleaned_data["email"] = email
            self.account_already_exists = True
