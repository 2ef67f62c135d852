"""Which addresses bulk mail stops at, and why: the one place that decides it.

An address stops getting bulk mail (announcements, digests) after
SUPPRESS_AFTER_HARD_BOUNCES permanent bounces, or at once after one spam complaint.
Account, security, fee and meeting-change emails are not bulk mail and still go.
The stop is per address: its owner lifts it by saying the mailbox works again
(`lift`), or by changing to another address.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import audit

from .models import EmailSuppression, User

SUPPRESS_AFTER_HARD_BOUNCES = 3


def _row(address: str) -> EmailSuppression:
    row, _ = EmailSuppression.objects.select_for_update().get_or_create(
        address=User.objects.normalize_email(address)
    )
    return row


@transaction.atomic
def record_hard_bounce(address: str) -> EmailSuppression:
    """A permanent refusal of a message to the address; enough of them stop bulk mail."""
    row = _row(address)
    row.hard_bounces += 1
    row.last_bounce_at = timezone.now()
    if row.hard_bounces >= SUPPRESS_AFTER_HARD_BOUNCES and not row.is_suppressed:
        row.suppressed_at = row.last_bounce_at
        row.reason = EmailSuppression.Reason.BOUNCED
    row.save()
    return row


@transaction.atomic
def record_complaint(address: str) -> EmailSuppression:
    """The address's owner marked one of our messages as spam: no more bulk mail."""
    row = _row(address)
    row.complained_at = timezone.now()
    row.suppressed_at = row.suppressed_at or row.complained_at
    row.reason = EmailSuppression.Reason.COMPLAINED
    row.save()
    return row


@transaction.atomic
def lift(address: str) -> None:
    """The owner says the mailbox works again: bulk mail starts again, counts from zero."""
    EmailSuppression.objects.filter(address=User.objects.normalize_email(address)).delete()


@transaction.atomic
def resume_bulk_mail(*, person: User) -> bool:
    """The person says their mailbox works again: lift the stop on their address, and
    record who lifted it and why mail had stopped. False when nothing had stopped."""
    row = (
        EmailSuppression.objects.select_for_update()
        .filter(address=User.objects.normalize_email(person.email), suppressed_at__isnull=False)
        .first()
    )
    if row is None:
        return False
    reason = row.get_reason_display()
    lift(row.address)
    audit.record(
        obj=person,
        # Not the address, nor the person's name: closing the account removes those.
        object_repr="Email to their address",
        action="email_suppression.lifted",
        summary="Said their mailbox works again: announcements and digests resume",
        actor=person,
        subject=person,
        changes={"Announcements and digests": [f"Stopped ({reason.lower()})", "Sent"]},
    )
    return True


def stopped() -> QuerySet[EmailSuppression]:
    """Every address bulk mail has stopped at: for a subquery (whose members bounce)."""
    return EmailSuppression.objects.filter(suppressed_at__isnull=False)


def suppressed_addresses(addresses: Iterable[str]) -> set[str]:
    """Those of the addresses that get no bulk mail (one query)."""
    return set(stopped().filter(address__in=list(addresses)).values_list("address", flat=True))


def stopped_at(address: str) -> QuerySet[EmailSuppression]:
    """The stop on this address, if bulk mail to it has stopped (a queryset: a subquery)."""
    return stopped().filter(address=User.objects.normalize_email(address))


def suppression_of(address: str) -> EmailSuppression | None:
    """The stop on this address, if bulk mail to it has stopped."""
    return stopped_at(address).first()
