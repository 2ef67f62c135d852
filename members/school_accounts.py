"""What a school's own account proves about a person, taken as evidence for their posts.

A stub for the sign-in with a school's account (members.social calls it after every
sign-up, sign-in and connection); the evidence itself is weighed in its own change.
"""

from .models import User


def take_evidence(
    person: User,
    *,
    provider: str,
    email: str,
    email_proved: bool,
    hosted_domain: str = "",
    dfe_urn: str = "",
) -> None:
    """Weigh what a provider proved about the person (stub: does nothing yet)."""
    return None


take_evidence.is_stub = True  # type: ignore[attr-defined]  # read by tests to skip what waits for it
