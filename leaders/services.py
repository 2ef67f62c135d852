"""Designations people claim, their confirmation, and listing in the directory."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.email import queue_templated_email
from members.models import Designation, User
from networks.contact import reply_to

from .models import LeaderMessage, Listing


@transaction.atomic
def claim_designation(
    *, person: User, kind: str, evidence: str, since: datetime.date | None = None
) -> Designation:
    """Add a designation with its evidence, waiting for confirmation; a rejected one may
    be claimed again with new evidence, a confirmed one stands."""
    if not evidence.strip():
        raise ValidationError("Say where the designation can be checked.")
    designation = Designation.objects.select_for_update().filter(person=person, kind=kind).first()
    if designation is not None and designation.is_confirmed:
        raise ValidationError(f"Your {designation} designation is already confirmed.")
    if designation is None:
        designation = Designation(person=person, kind=kind)
    designation.evidence = evidence
    designation.since = since
    designation.state = Designation.State.CLAIMED
    designation.decided_by = None
    designation.decided_at = None
    designation.save()
    return designation


def _decide(designation: Designation, *, by: User, state: str) -> Designation:
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    if designation.person_id == by.pk:
        raise ValidationError("Nobody confirms their own designation.")
    designation.state = state
    designation.decided_by = by
    designation.decided_at = timezone.now()
    designation.save(update_fields=["state", "decided_by", "decided_at"])
    return designation


@transaction.atomic
def confirm_designation(*, designation: Designation, by: User) -> Designation:
    """The designation is confirmed: listed people show it in the directory."""
    return _decide(designation, by=by, state=Designation.State.CONFIRMED)


@transaction.atomic
def reject_designation(*, designation: Designation, by: User) -> Designation:
    return _decide(designation, by=by, state=Designation.State.REJECTED)


@transaction.atomic
def list_person(*, person: User, availability: str, note: str = "") -> Listing:
    """Opt in to the directory (or change availability); shown once a designation is
    confirmed."""
    listing, _ = Listing.objects.update_or_create(
        person=person, defaults={"availability": availability, "note": note}
    )
    return listing


@transaction.atomic
def withdraw_listing(*, person: User) -> None:
    """Leave the directory at once: the listing is deleted."""
    Listing.objects.filter(person=person).delete()


@transaction.atomic
def send_leader_message(
    *, listing: Listing, sender: User, subject: str, message: str
) -> LeaderMessage:
    """Store a message to a listed leader and email it to them, with the sender as
    Reply-To; the leader's address is never shown to the sender.

    The message and its email are stored in one transaction: the email queue keeps
    trying for a day if the mail server is down, so nothing is lost.
    """
    if not Listing.objects.in_directory().filter(pk=listing.pk).exists():
        raise ValidationError("This leader is no longer listed in the directory.")
    if listing.person_id == sender.pk:
        raise ValidationError("You cannot write to yourself.")
    sent = LeaderMessage.objects.create(
        leader=listing.person,
        sender=sender,
        sender_name=sender.get_full_name() or sender.email,
        sender_email=sender.email,
        subject=subject.strip(),
        message=message.strip(),
    )
    queue_templated_email(
        "leaders/email/leader_message",
        to=[listing.person.email],
        context={"sent": sent, "listing": listing, "sender_post": sender.current_post},
        reply_to=[reply_to(sent.sender_name, sent.sender_email)],
    )
    return sent
