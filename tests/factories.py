"""Small factory functions with keyword defaults: each makes one thing the test needs."""

import itertools

from allauth.account.models import EmailAddress

from members.models import User

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(
    *, email: str | None = None, password: str = PASSWORD, verified: bool = True, **fields
) -> User:
    """A person who can sign in (their address verified unless told otherwise)."""
    email = email or f"person{next(_sequence)}@school.example"
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user
