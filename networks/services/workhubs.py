"""Workhubs: a network's members join and leave its working groups; its administrators
place members in them (and name leads) in the admin."""

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import User

from ..models import Workhub, WorkhubMembership


@transaction.atomic
def join_workhub(*, person: User, workhub: Workhub) -> WorkhubMembership:
    """Join a workhub of this academic year, of a network the person is an active member of."""
    if workhub.is_past:
        raise ValidationError(
            f"The {workhub.name} workhub ran in {workhub.academic_year_label}; "
            "it is kept as a record and takes no new members."
        )
    _check_member(person, workhub)
    membership, _ = WorkhubMembership.objects.get_or_create(workhub=workhub, person=person)
    return membership


def _check_member(person: User, workhub: Workhub) -> None:
    """Only the network's active members are in its workhubs (end_membership takes them
    out again)."""
    if not workhub.network.memberships.active().filter(person=person).exists():
        raise ValidationError(f"Only members of {workhub.network.name} can join its workhubs.")


@transaction.atomic
def leave_workhub(*, person: User, workhub: Workhub) -> None:
    """Leave a workhub of this academic year (an earlier year's is a record: it stays)."""
    if workhub.is_past:
        raise ValidationError(
            f"The {workhub.name} workhub of {workhub.academic_year_label} is a record now."
        )
    WorkhubMembership.objects.filter(workhub=workhub, person=person, is_lead=False).delete()


@transaction.atomic
def place_in_workhub(*, person: User, workhub: Workhub, is_lead: bool) -> WorkhubMembership:
    """Put a member of the network in a workhub, or make them a lead (or not): the
    administrators' way, in the admin, for any year's workhub (they keep its record)."""
    _check_member(person, workhub)
    place, _ = WorkhubMembership.objects.update_or_create(
        workhub=workhub, person=person, defaults={"is_lead": is_lead}
    )
    return place


@transaction.atomic
def remove_from_workhub(*, person: User, workhub: Workhub) -> None:
    """Take someone out of a workhub, a lead too: the administrators' way, in the admin."""
    WorkhubMembership.objects.filter(workhub=workhub, person=person).delete()
